package dev.marketingconnector.examples.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Which events of one run reached the sink. Event ids are {@code UUID(tag, sequence)}: the most
 * significant half names the run, the least significant half is the event's number, so a bit set
 * proves delivery of exactly that event without keeping the ids themselves.
 */
final class DeliveryLedger {

    private final long tag;
    private final int expected;
    private final AtomicLongArray bits;
    private final CountDownLatch firstDeliveries;
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder foreign = new LongAdder();

    DeliveryLedger(long tag, int expected) {
        this.tag = tag;
        this.expected = expected;
        this.bits = new AtomicLongArray((expected + 63) / 64);
        this.firstDeliveries = new CountDownLatch(expected);
    }

    static UUID id(long tag, int sequence) {
        return new UUID(tag, sequence);
    }

    long tag() {
        return tag;
    }

    int expected() {
        return expected;
    }

    /** Records an event id the sink received. Thread-safe. */
    void record(String id) {
        UUID uuid;
        try {
            uuid = id == null ? null : UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            uuid = null;
        }
        if (uuid == null || uuid.getMostSignificantBits() != tag || uuid.getLeastSignificantBits() < 0
                || uuid.getLeastSignificantBits() >= expected) {
            foreign.increment();
            return;
        }
        int sequence = (int) uuid.getLeastSignificantBits();
        int word = sequence >>> 6;
        long mask = 1L << (sequence & 63);
        while (true) {
            long current = bits.get(word);
            if ((current & mask) != 0) {
                duplicates.increment();
                return;
            }
            if (bits.compareAndSet(word, current, current | mask)) {
                firstDeliveries.countDown();
                return;
            }
        }
    }

    int delivered() {
        return expected - (int) firstDeliveries.getCount();
    }

    int missing() {
        return (int) firstDeliveries.getCount();
    }

    long duplicates() {
        return duplicates.sum();
    }

    /** Ids that were not of this run (or not UUIDs at all). */
    long foreign() {
        return foreign.sum();
    }

    boolean awaitAll(Duration timeout) throws InterruptedException {
        return firstDeliveries.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Up to {@code limit} sequence numbers that were not delivered. */
    List<Integer> missingSequences(int limit) {
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < expected && missing.size() < limit; i++) {
            if ((bits.get(i >>> 6) & (1L << (i & 63))) == 0) {
                missing.add(i);
            }
        }
        return missing;
    }
}
