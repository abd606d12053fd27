package dev.marketingconnector.examples.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The bookkeeping of one closed-loop run, whatever the client: which event goes next, when each one
 * was acknowledged and after how long, how many failed, and when all were answered. A run may have a
 * time limit: after it no new event is handed out, and the run ends once those sent are answered
 * (so a bridge that crawls under faults still ends in bounded time, with what it did). Thread-safe.
 */
final class LoadTracker {

    private final long tag;
    private final int events;
    private final long[] latencies;
    private final long[] acknowledgedAt;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();
    private final LongAdder failed = new LongAdder();
    private final long start = System.nanoTime();
    private final long sendDeadline;
    private volatile Thread waiter;

    LoadTracker(DeliveryLedger ledger) {
        this(ledger, null);
    }

    /** A run that hands out no new event once {@code sendFor} has passed (null: no limit). */
    LoadTracker(DeliveryLedger ledger, Duration sendFor) {
        this.tag = ledger.tag();
        this.events = ledger.expected();
        this.latencies = new long[events];
        this.acknowledgedAt = new long[events];
        this.sendDeadline = sendFor == null ? Long.MAX_VALUE : start + sendFor.toNanos();
    }

    long tag() {
        return tag;
    }

    /** Events the run was to send. */
    int events() {
        return events;
    }

    /** Events handed out so far: sequences 0 to sent() - 1. */
    int sent() {
        return Math.min(next.get(), events);
    }

    /** The next event to send, or -1 when all were handed out or the time limit passed. */
    int claim() {
        if (sendDeadline != Long.MAX_VALUE && System.nanoTime() > sendDeadline) {
            return -1;
        }
        int sequence = next.getAndIncrement();
        return sequence < events ? sequence : -1;
    }

    /** Whether the time limit cut the run short. */
    boolean cutShort() {
        return sent() < events;
    }

    void acknowledged(int sequence, long sentNanos) {
        long now = System.nanoTime();
        latencies[sequence] = Math.max(1, now - sentNanos);
        acknowledgedAt[sequence] = now;
        answeredOne();
    }

    void failed(int sequence) {
        failed.increment();
        answeredOne();
    }

    private void answeredOne() {
        int answeredNow = answered.incrementAndGet();
        Thread waiting = waiter;
        if (waiting != null && answeredNow >= Math.min(next.get(), events) && isDone()) {
            LockSupport.unpark(waiting);
        }
    }

    /** Events answered so far (acknowledged or failed). */
    long answered() {
        return answered.get();
    }

    /** Every event handed out was answered, and no more will be handed out. */
    boolean isDone() {
        int handedOut = next.get();
        int answeredNow = answered.get();
        boolean noMore = handedOut >= events || System.nanoTime() > sendDeadline;
        return noMore && answeredNow >= Math.min(next.get(), events);
    }

    /** Nanoseconds from {@code since} ({@link System#nanoTime()}) to the first acknowledgement after it; -1 when none. */
    long firstAcknowledgementAfter(long since) {
        long first = Long.MAX_VALUE;
        for (long at : acknowledgedAt) {
            if (at > since && at < first) {
                first = at;
            }
        }
        return first == Long.MAX_VALUE ? -1 : first - since;
    }

    /** Waits until the run is done or {@code timeout} passed, and returns what it did. */
    LoadRun await(Duration timeout) throws InterruptedException {
        return await(timeout, () -> true);
    }

    /** As {@link #await(Duration)}, giving up early once {@code worthWaiting} says no (e.g. the bridge died). */
    LoadRun await(Duration timeout, java.util.function.BooleanSupplier worthWaiting) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        waiter = Thread.currentThread();
        try {
            while (!isDone()) {
                if (System.nanoTime() > deadline || !worthWaiting.getAsBoolean()) {
                    return result(false);
                }
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            return result(true);
        } finally {
            waiter = null;
        }
    }

    LoadRun result(boolean complete) {
        long last = 0;
        for (long at : acknowledgedAt) {
            last = Math.max(last, at);
        }
        long nanos = (complete && last > 0 ? last : System.nanoTime()) - start;
        long[] sorted = Stats.sortedPositive(latencies);
        return new LoadRun(sent(), sorted.length, (int) failed.sum(), nanos, sorted, complete);
    }
}
