package dev.marketingconnector.core.spool;

import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.events.PublishException;
import dev.marketingconnector.core.events.PublishReceipt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the spool in order and publishes each event through the real publisher (with its own
 * retry and circuit breaker underneath), keeping every event's id. At most {@code maxInFlight}
 * events are published at once; they are committed in spool order, each once the event service
 * accepted it, so a crash at any moment only leads to events being sent again (same id), never lost.
 *
 * <p>A transient failure is retried with back-off ({@code retryBackoff}, doubling up to
 * {@code maxRetryBackoff}, or longer when the service asks with {@code Retry-After}) for as long as
 * it takes: the spool holds the event meanwhile. A permanent failure (the event service refused the
 * event, e.g. with 400 or 413) moves the event to the spool's dead-letter area and commits it; when
 * that area is full the forwarder waits for room rather than drop it.
 */
public final class SpoolForwarder implements AutoCloseable {

    /** Events published at once unless {@link Builder#maxInFlight} says otherwise. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 64;
    /** The first back-off after a transient failure unless {@link Builder#retryBackoff} says otherwise. */
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(100);
    /** The longest back-off (a longer {@code Retry-After} is cut to it) unless {@link Builder#retryBackoff} says otherwise. */
    public static final Duration DEFAULT_MAX_RETRY_BACKOFF = Duration.ofSeconds(5);
    /** How long one read of the spool waits for events unless {@link Builder#pollWait} says otherwise. */
    public static final Duration DEFAULT_POLL_WAIT = Duration.ofMillis(500);
    /** The reason code of dead letters the forwarder makes. */
    public static final String REASON_REJECTED = "rejected";

    private static final Logger LOG = LoggerFactory.getLogger(SpoolForwarder.class);

    /** Observes the forwarder, for metrics and status pages; called on publisher or forwarder threads, keep it quick. */
    public interface Listener {

        /**
         * The event service accepted the event; {@code sinceStored} runs from when the spool stored it.
         *
         * @param event       the event, as the spool handed it out
         * @param sinceStored time from when the spool stored it until the service accepted it (never negative)
         */
        default void forwarded(SpooledEvent event, Duration sinceStored) {
        }

        /**
         * A transient failure; attempt {@code attempt} follows after a back-off.
         *
         * @param event   the event, as the spool handed it out
         * @param attempt the number of the attempt that follows (2 for the first retry)
         * @param failure why the last attempt failed
         */
        default void retried(SpooledEvent event, int attempt, Throwable failure) {
        }

        /**
         * The event service refused the event for good: it went to the dead-letter area.
         *
         * @param event  the event, as the spool handed it out
         * @param detail the event service's reason, as the dead letter records it
         */
        default void deadLettered(SpooledEvent event, String detail) {
        }
    }

    private static final class Slot {
        final SpooledEvent event;
        int attempts;
        boolean attemptRunning;
        boolean done;

        Slot(SpooledEvent event) {
            this.event = event;
        }
    }

    private final EventSpool spool;
    private final EventPublisher publisher;
    private final int maxInFlight;
    private final Duration retryBackoff;
    private final Duration maxRetryBackoff;
    private final Duration pollWait;
    private final Clock clock;
    private final Listener listener;

    private final Object lock = new Object();
    private final ArrayDeque<Slot> outstanding = new ArrayDeque<>();
    private final ScheduledExecutorService scheduler;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicReference<Instant> lastForwardedAt = new AtomicReference<>();
    private volatile boolean running;
    private Thread reader;
    private int attemptsRunning;
    private boolean pollFailureLogged;

    private SpoolForwarder(Builder b) {
        spool = b.spool;
        publisher = b.publisher;
        maxInFlight = b.maxInFlight;
        retryBackoff = b.retryBackoff;
        maxRetryBackoff = b.maxRetryBackoff;
        pollWait = b.pollWait;
        clock = b.clock;
        listener = b.listener;
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "spool-forwarder-retry");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts building a forwarder; {@link #start()} the one it builds.
     *
     * @param spool     the spool to read; the forwarder neither opens nor closes it
     * @param publisher the real publisher that sends the events on; the forwarder does not close it
     * @return a builder with the {@code DEFAULT_*} settings
     * @throws NullPointerException when {@code spool} or {@code publisher} is null
     */
    public static Builder builder(EventSpool spool, EventPublisher publisher) {
        return new Builder(spool, publisher);
    }

    /**
     * Starts reading the spool on a thread of its own.
     *
     * @return this forwarder
     * @throws IllegalStateException when it was started before
     */
    public synchronized SpoolForwarder start() {
        if (reader != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        reader = new Thread(this::readLoop, "spool-forwarder");
        reader.setDaemon(true);
        reader.start();
        return this;
    }

    private void readLoop() {
        while (running) {
            int room;
            synchronized (lock) {
                while (running && outstanding.size() >= maxInFlight) {
                    try {
                        lock.wait(pollWait.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (!running) {
                    return;
                }
                room = maxInFlight - outstanding.size();
            }
            List<SpooledEvent> events;
            try {
                events = spool.poll(room, pollWait);
                pollFailureLogged = false;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!pollFailureLogged) {
                    pollFailureLogged = true;
                    LOG.warn("Reading the spool {} failed; trying again: {}", spool.describe(), e.getMessage());
                }
                pause();
                continue;
            }
            for (SpooledEvent event : events) {
                Slot slot = new Slot(event);
                synchronized (lock) {
                    outstanding.addLast(slot);
                }
                attempt(slot);
            }
        }
    }

    private void pause() {
        synchronized (lock) {
            try {
                lock.wait(pollWait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void attempt(Slot slot) {
        synchronized (lock) {
            if (!running) {
                return;
            }
            slot.attempts++;
            slot.attemptRunning = true;
            attemptsRunning++;
        }
        CompletionStage<PublishReceipt> stage;
        try {
            stage = publisher.publish(slot.event.event());
            if (stage == null) {
                stage = CompletableFuture.failedFuture(new IllegalStateException("the publisher returned no stage"));
            }
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((receipt, failure) -> {
            attemptEnded(slot);
            if (failure == null) {
                forwarded.incrementAndGet();
                Instant now = clock.instant();
                lastForwardedAt.set(now);
                Duration sinceStored = nonNegative(Duration.between(slot.event.storedAt(), now));
                tell(() -> listener.forwarded(slot.event, sinceStored));
                done(slot);
            } else {
                failed(slot, unwrap(failure));
            }
        });
    }

    private void attemptEnded(Slot slot) {
        synchronized (lock) {
            slot.attemptRunning = false;
            attemptsRunning--;
            lock.notifyAll();
        }
    }

    private void failed(Slot slot, Throwable cause) {
        if (cause instanceof PublishException e && e.isPermanent()) {
            deadLetter(slot, describe(e));
            return;
        }
        if (!running) {
            return; // stays in the spool, uncommitted: sent again after the restart
        }
        retried.incrementAndGet();
        tell(() -> listener.retried(slot.event, slot.attempts + 1, cause));
        Duration delay = backoff(slot.attempts);
        if (cause instanceof PublishException e && e.retryAfter().isPresent() && e.retryAfter().get().compareTo(delay) > 0) {
            delay = e.retryAfter().get().compareTo(maxRetryBackoff) > 0 ? maxRetryBackoff : e.retryAfter().get();
        }
        later(() -> attempt(slot), delay);
    }

    private void deadLetter(Slot slot, String detail) {
        DeadLetterEntry entry = new DeadLetterEntry(clock.instant(), REASON_REJECTED,
                "event " + slot.event.event().id() + " (" + slot.event.event().type() + "): " + detail, "", "",
                DeadLetterEntry.PayloadKind.EVENT, SpoolCodec.encodeEvent(slot.event.event()));
        CompletionStage<String> stored;
        try {
            stored = spool.deadLetters().add(entry);
        } catch (RuntimeException e) {
            stored = CompletableFuture.failedFuture(e);
        }
        stored.whenComplete((id, failure) -> {
            if (failure == null) {
                deadLettered.incrementAndGet();
                LOG.warn("Dead-lettered event {} ({}) from the spool as {}: {}", slot.event.event().id(), slot.event.event().type(), id, detail);
                tell(() -> listener.deadLettered(slot.event, detail));
                done(slot);
            } else if (running) {
                LOG.warn("Cannot store the dead letter of event {} yet ({}); the event stays in the spool and is tried again",
                        slot.event.event().id(), unwrap(failure).getMessage());
                later(() -> deadLetter(slot, detail), maxRetryBackoff.compareTo(Duration.ofSeconds(5)) < 0 ? maxRetryBackoff : Duration.ofSeconds(5));
            }
        });
    }

    private void later(Runnable task, Duration delay) {
        try {
            scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            // closing: the event stays in the spool, uncommitted
        }
    }

    private Duration backoff(int attemptsSoFar) {
        Duration delay = retryBackoff.multipliedBy(1L << Math.min(Math.max(attemptsSoFar - 1, 0), 20));
        return delay.compareTo(maxRetryBackoff) > 0 ? maxRetryBackoff : delay;
    }

    /** Marks the slot done and commits every event that is now done at the head, in spool order. */
    private void done(Slot slot) {
        synchronized (lock) {
            slot.done = true;
            while (!outstanding.isEmpty() && outstanding.peekFirst().done) {
                Slot head = outstanding.pollFirst();
                try {
                    spool.commit(head.event);
                } catch (RuntimeException e) {
                    LOG.warn("Committing event {} in the spool failed; it may be sent again later: {}", head.event.event().id(),
                            e.getMessage());
                }
            }
            lock.notifyAll();
        }
    }

    /** {@return events the event service accepted} */
    public long forwarded() {
        return forwarded.get();
    }

    /** {@return attempts repeated after a transient failure} */
    public long retried() {
        return retried.get();
    }

    /** {@return events moved to the dead-letter area} */
    public long deadLettered() {
        return deadLettered.get();
    }

    /** {@return events read from the spool and not yet committed} */
    public int inFlight() {
        synchronized (lock) {
            return outstanding.size();
        }
    }

    /** {@return when the event service last accepted an event} */
    public Optional<Instant> lastForwardedAt() {
        return Optional.ofNullable(lastForwardedAt.get());
    }

    /** {@return the spool this forwarder reads} */
    public EventSpool spool() {
        return spool;
    }

    /** Stops within the poll wait ({@link #DEFAULT_POLL_WAIT} unless set) plus the time the attempts under way take (at most 10 s). */
    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    /**
     * Stops reading and retrying; waits up to {@code deadline} for the attempts under way. Events not
     * forwarded stay in the spool, uncommitted. Neither the spool nor the publisher is closed.
     *
     * @param deadline how long to wait for the reading thread and the attempts under way
     */
    public void close(Duration deadline) {
        Thread thread;
        synchronized (this) {
            thread = reader;
        }
        synchronized (lock) {
            running = false;
            lock.notifyAll();
        }
        scheduler.shutdownNow();
        long end = System.nanoTime() + deadline.toNanos();
        if (thread != null) {
            try {
                thread.join(Math.max(1, deadline.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (lock) {
            while (attemptsRunning > 0) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
    }

    private void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("A spool forwarder listener failed; ignored", e);
        }
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String describe(Throwable t) {
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message.length() <= 300 ? message : message.substring(0, 300) + "…";
    }

    /** Collects the settings; every setter checks its value at once. */
    public static final class Builder {

        private final EventSpool spool;
        private final EventPublisher publisher;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
        private Duration maxRetryBackoff = DEFAULT_MAX_RETRY_BACKOFF;
        private Duration pollWait = DEFAULT_POLL_WAIT;
        private Clock clock = Clock.systemUTC();
        private Listener listener = new Listener() {
        };

        private Builder(EventSpool spool, EventPublisher publisher) {
            this.spool = Objects.requireNonNull(spool, "spool");
            this.publisher = Objects.requireNonNull(publisher, "publisher");
        }

        /**
         * Events published at once (committed in spool order all the same).
         *
         * @param events how many, at least 1
         * @return this builder
         * @throws IllegalArgumentException when {@code events} is below 1
         */
        public Builder maxInFlight(int events) {
            if (events < 1) {
                throw new IllegalArgumentException("maxInFlight must be >= 1, got " + events);
            }
            this.maxInFlight = events;
            return this;
        }

        /**
         * Back-off after a transient failure: {@code initial}, doubling up to {@code max}.
         *
         * @param initial the back-off after the first failure; positive
         * @param max     the longest back-off, and the most a {@code Retry-After} is waited; not below {@code initial}
         * @return this builder
         * @throws IllegalArgumentException when a value is not positive or {@code initial} exceeds {@code max}
         */
        public Builder retryBackoff(Duration initial, Duration max) {
            positive("retryBackoff", initial);
            positive("maxRetryBackoff", max);
            if (initial.compareTo(max) > 0) {
                throw new IllegalArgumentException("retryBackoff (" + initial + ") must not exceed maxRetryBackoff (" + max + ")");
            }
            this.retryBackoff = initial;
            this.maxRetryBackoff = max;
            return this;
        }

        /**
         * How long one read of the spool waits for events.
         *
         * @param wait how long; positive. A closing forwarder's reader stops within about this long
         * @return this builder
         * @throws IllegalArgumentException when {@code wait} is not positive
         */
        public Builder pollWait(Duration wait) {
            this.pollWait = positive("pollWait", wait);
            return this;
        }

        /**
         * The clock for dead letters' times, {@link SpoolForwarder#lastForwardedAt()} and the time since an event was stored.
         *
         * @param clock the clock; the system UTC clock by default
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Who hears of each event forwarded, retried or dead-lettered.
         *
         * @param listener the listener; by default one that ignores everything
         * @return this builder
         */
        public Builder listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** {@return a forwarder with these settings, not yet started} */
        public SpoolForwarder build() {
            return new SpoolForwarder(this);
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
            return value;
        }
    }
}
