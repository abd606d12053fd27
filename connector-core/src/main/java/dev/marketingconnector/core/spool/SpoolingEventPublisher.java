package dev.marketingconnector.core.spool;

import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.events.PublishException;
import dev.marketingconnector.core.events.PublishReceipt;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link EventPublisher} that stores instead of sending: {@code publish} appends the event to the
 * spool and completes once it is durably stored, so a bridge in front of it acknowledges SAP at that
 * moment. A {@link SpoolForwarder} sends the stored events on to the real publisher.
 *
 * <p>When the spool is full, a publish waits (its stage stays pending) and tries again every
 * {@link #RETRY_WHILE_FULL} for up to {@code fullWait}; then it fails with a transient
 * {@link PublishException}, so the bridge holds the acknowledgement, stops reading, and retries.
 * Nothing stored is ever dropped. The time appends spent refused counts as back-pressure time.
 */
public final class SpoolingEventPublisher implements EventPublisher {

    /** How long a publish waits for room in a full spool before it fails (transiently). */
    public static final Duration DEFAULT_FULL_WAIT = Duration.ofSeconds(20);
    /** How often a waiting publish tries again. */
    public static final Duration RETRY_WHILE_FULL = Duration.ofMillis(100);
    /** The endpoint name in the exceptions this publisher raises. */
    public static final String ENDPOINT = "spool";

    private final EventSpool spool;
    private final Duration fullWait;
    private final int maxEventBytes;
    private final ScheduledExecutorService retries;
    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Object backPressure = new Object();
    private long backPressureSince;
    private long backPressureNanos;

    /**
     * A spooling publisher without a size limit of its own.
     *
     * @param spool where events are stored
     */
    public SpoolingEventPublisher(EventSpool spool) {
        this(spool, DEFAULT_FULL_WAIT, UNLIMITED);
    }

    /**
     * A spooling publisher that announces the limit of the publisher it forwards to, so that the
     * bridge refuses what could never be delivered before it is stored and acknowledged.
     *
     * @param spool where events are stored
     * @param maxEventBytes the forwarding publisher's {@link EventPublisher#maxEventBytes()}
     */
    public SpoolingEventPublisher(EventSpool spool, int maxEventBytes) {
        this(spool, DEFAULT_FULL_WAIT, maxEventBytes);
    }

    /**
     * A spooling publisher.
     *
     * @param spool where events are stored
     * @param fullWait how long a publish waits for room in a full spool (zero: fail at once)
     * @param maxEventBytes the forwarding publisher's {@link EventPublisher#maxEventBytes()}
     */
    public SpoolingEventPublisher(EventSpool spool, Duration fullWait, int maxEventBytes) {
        this.spool = Objects.requireNonNull(spool, "spool");
        if (maxEventBytes < 1) {
            throw new IllegalArgumentException("maxEventBytes must be at least 1, got " + maxEventBytes);
        }
        this.maxEventBytes = maxEventBytes;
        Objects.requireNonNull(fullWait, "fullWait");
        if (fullWait.isNegative()) {
            throw new IllegalArgumentException("fullWait must not be negative, got " + fullWait);
        }
        this.fullWait = fullWait;
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "spool-full-retry");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public int maxEventBytes() {
        return maxEventBytes;
    }

    @Override
    public CompletionStage<PublishReceipt> publish(BusinessEvent event) {
        Objects.requireNonNull(event, "event");
        CompletableFuture<PublishReceipt> result = new CompletableFuture<>();
        tryAppend(event, result, System.nanoTime() + fullWait.toNanos());
        return result;
    }

    private void tryAppend(BusinessEvent event, CompletableFuture<PublishReceipt> result, long deadline) {
        CompletionStage<Void> stage;
        try {
            stage = spool.append(event);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((ignored, failure) -> {
            if (failure == null) {
                appended.incrementAndGet();
                backPressureEnded();
                result.complete(new PublishReceipt(event.id(), 0));
                return;
            }
            Throwable cause = unwrap(failure);
            if (cause instanceof SpoolFullException full) {
                backPressureStarted();
                if (System.nanoTime() < deadline && retryLater(() -> tryAppend(event, result, deadline))) {
                    return;
                }
                refused.incrementAndGet();
                result.completeExceptionally(new PublishException(true, ENDPOINT, 0, null, RETRY_WHILE_FULL.multipliedBy(10),
                        "the spool is full, event " + event.id() + " was not stored: " + full.getMessage(), full));
                return;
            }
            boolean transientFailure = !(cause instanceof SpoolException s) || s.isTransient();
            result.completeExceptionally(new PublishException(transientFailure, ENDPOINT, 0, null, null,
                    "event " + event.id() + " was not stored: " + cause.getMessage(), cause));
        });
    }

    private boolean retryLater(Runnable task) {
        try {
            retries.schedule(task, RETRY_WHILE_FULL.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (RejectedExecutionException closed) {
            return false;
        }
    }

    private void backPressureStarted() {
        synchronized (backPressure) {
            if (backPressureSince == 0) {
                backPressureSince = System.nanoTime() | 1;
            }
        }
    }

    private void backPressureEnded() {
        synchronized (backPressure) {
            if (backPressureSince != 0) {
                backPressureNanos += System.nanoTime() - backPressureSince;
                backPressureSince = 0;
            }
        }
    }

    /** {@return events stored through this publisher} */
    public long appended() {
        return appended.get();
    }

    /** {@return publishes that failed because the spool stayed full for {@code fullWait}} */
    public long refusedFull() {
        return refused.get();
    }

    /** {@return whether appends are being refused for want of room now} */
    public boolean backPressured() {
        synchronized (backPressure) {
            return backPressureSince != 0;
        }
    }

    /** {@return total time appends were refused for want of room (the current stretch included)} */
    public Duration backPressureTime() {
        synchronized (backPressure) {
            long running = backPressureSince == 0 ? 0 : System.nanoTime() - backPressureSince;
            return Duration.ofNanos(backPressureNanos + running);
        }
    }

    /** {@return the spool this publisher appends to} */
    public EventSpool spool() {
        return spool;
    }

    /** Stops waiting publishes (they fail transiently). The spool belongs to the caller. */
    @Override
    public void close() {
        // Waiting publishes try once more: the spool may have room, or they fail now instead of never.
        retries.shutdownNow().forEach(Runnable::run);
    }

    @Override
    public String toString() {
        return "SpoolingEventPublisher[" + spool.describe() + "]";
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
