package dev.marketingconnector.kyma.events;

import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What the publisher keeps per event loop: its idle keep-alive connections and the deliveries that
 * live on it. Touched only on that loop, so nothing here is synchronised.
 */
final class EventLoopState {

    /** An idle connection unused this long is closed (servers close theirs after a while too). */
    static final long IDLE_CONNECTION_NANOS = TimeUnit.SECONDS.toNanos(30);

    interface Sweeper {
        void sweep(EventLoopState loop, long nowNanos);
    }

    final EventLoop loop;
    final HttpConnections connections;
    private final Sweeper sweeper;
    private final long sweepMillis;
    private final ArrayDeque<HttpConnections.Connection> idle = new ArrayDeque<>();
    private Delivery first;
    private io.netty.bootstrap.Bootstrap bootstrap;
    private ScheduledFuture<?> sweep;
    private boolean closed;

    EventLoopState(EventLoop loop, HttpConnections connections, Sweeper sweeper, long sweepMillis) {
        this.loop = loop;
        this.connections = connections;
        this.sweeper = sweeper;
        this.sweepMillis = sweepMillis;
    }

    io.netty.bootstrap.Bootstrap bootstrap() {
        if (bootstrap == null) {
            bootstrap = connections.bootstrap(loop, this);
        }
        return bootstrap;
    }

    void add(Delivery d) {
        d.next = first;
        if (first != null) {
            first.previous = d;
        }
        first = d;
        if (sweep == null && !closed) {
            sweep = loop.scheduleWithFixedDelay(() -> sweeper.sweep(this, System.nanoTime()), sweepMillis, sweepMillis,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Ends a delivery once: unlinks it and releases its request. False when it had already ended. */
    boolean finish(Delivery d) {
        if (d.done) {
            return false;
        }
        d.done = true;
        if (d.previous != null) {
            d.previous.next = d.next;
        } else if (first == d) {
            first = d.next;
        }
        if (d.next != null) {
            d.next.previous = d.previous;
        }
        d.previous = null;
        d.next = null;
        d.request.release();
        return true;
    }

    int attempts(Delivery d) {
        return d.attempts;
    }

    /** One attempt: on an idle keep-alive connection, else on a new one. */
    void exchange(Delivery d) {
        d.attempts++;
        HttpConnections.Connection connection;
        while ((connection = idle.pollLast()) != null) {
            if (connection.usable()) {
                connection.send(d);
                return;
            }
            connection.close();
        }
        connections.connect(this, d);
    }

    void idle(HttpConnections.Connection connection) {
        if (closed) {
            connection.close();
        } else {
            idle.addLast(connection);
        }
    }

    void closed(HttpConnections.Connection connection) {
        idle.remove(connection);
    }

    boolean isClosed() {
        return closed;
    }

    /** Runs {@code action} for {@code d} as a task on this loop (never inline: callers may be deep in another delivery). */
    void run(Delivery d, Consumer<Delivery> action) {
        try {
            loop.execute(() -> action.accept(d));
        } catch (RejectedExecutionException e) {
            // the loop is shutting down; close() fails what is left
        }
    }

    void runAfter(Delivery d, Consumer<Delivery> action, long millis, ScheduledExecutorService scheduler) {
        try {
            if (scheduler != null) {
                scheduler.schedule(() -> run(d, action), millis, TimeUnit.MILLISECONDS);
            } else if (millis <= 0) {
                run(d, action);
            } else {
                loop.schedule(() -> action.accept(d), millis, TimeUnit.MILLISECONDS);
            }
        } catch (RejectedExecutionException e) {
            // the loop is shutting down; close() fails what is left
        }
    }

    /** Runs {@code task} on this loop (at once when already on it); {@code ifRejected} when the loop is gone. */
    void runOrNow(Runnable task, Runnable ifRejected) {
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            ifRejected.run();
        }
    }

    /** Requests out longer than the time-out are cut (their connection closes); idle connections unused too long close. */
    void expireRequests(long now, long timeoutNanos) {
        for (Delivery d = first; d != null; d = d.next) {
            if (d.requestDeadlineNanos != 0 && now - d.requestDeadlineNanos >= 0 && d.connection != null) {
                d.connection.timeOut();
            }
        }
        HttpConnections.Connection oldest;
        while ((oldest = idle.peekFirst()) != null && now - oldest.idleSinceNanos() >= IDLE_CONNECTION_NANOS) {
            idle.pollFirst();
            oldest.close();
        }
    }

    /** The deliveries past their deadline that are not in a call (held by the open circuit, waiting for a slot or a retry). */
    java.util.List<Delivery> overdue(long now) {
        java.util.List<Delivery> overdue = null;
        for (Delivery d = first; d != null; d = d.next) {
            if (!d.inCall && now - d.deadlineNanos >= 0) {
                if (overdue == null) {
                    overdue = new java.util.ArrayList<>();
                }
                overdue.add(d);
            }
        }
        return overdue == null ? java.util.List.of() : overdue;
    }

    /** Fails every delivery of this loop and closes its connections (on the loop). */
    void closeAll(Consumer<Delivery> failer) {
        closed = true;
        if (sweep != null) {
            sweep.cancel(false);
        }
        while (first != null) {
            Delivery d = first;
            if (d.connection != null) {
                d.connection.close();
            }
            failer.accept(d);
            if (first == d) {
                finish(d);
            }
        }
        for (Iterator<HttpConnections.Connection> it = idle.iterator(); it.hasNext(); ) {
            it.next().close();
            it.remove();
        }
    }
}
