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
 *
 * <p>Besides deliveries (requests the sink accepted) the ledger records refusals (requests the sink
 * answered with a transient error, as a faulty Kyma would): a refused event must come again with
 * the same id and be accepted, so {@link #refusedNotRedelivered()} is 0 and {@link #foreign()} is 0
 * when every redelivery kept its event id.
 */
final class DeliveryLedger {

    private final long tag;
    private final int expected;
    private final AtomicLongArray bits;
    private final AtomicLongArray refusedBits;
    private final CountDownLatch firstDeliveries;
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder foreign = new LongAdder();
    private final LongAdder refusedAttempts = new LongAdder();
    private int prefix;

    DeliveryLedger(long tag, int expected) {
        if (expected < 0) {
            throw new IllegalArgumentException("expected events must be >= 0, got " + expected);
        }
        this.tag = tag;
        this.expected = expected;
        this.bits = new AtomicLongArray((expected + 63) / 64);
        this.refusedBits = new AtomicLongArray((expected + 63) / 64);
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

    /** The sequence number of an id of this run; -1 for anything else (another run, not a UUID, null). */
    int sequenceOf(String id) {
        if (id == null || id.length() != 36) {
            return -1;
        }
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return -1;
        }
        long sequence = uuid.getLeastSignificantBits();
        return uuid.getMostSignificantBits() != tag || sequence < 0 || sequence >= expected ? -1 : (int) sequence;
    }

    /** Records an event id the sink accepted. Thread-safe. */
    void record(String id) {
        int sequence = sequenceOf(id);
        if (sequence < 0) {
            foreign.increment();
            return;
        }
        if (set(bits, sequence)) {
            firstDeliveries.countDown();
        } else {
            duplicates.increment();
        }
    }

    /** Records an event id the sink refused with a transient error (it must come again). Thread-safe. */
    void recordRefused(String id) {
        int sequence = sequenceOf(id);
        if (sequence < 0) {
            foreign.increment();
            return;
        }
        refusedAttempts.increment();
        set(refusedBits, sequence);
    }

    /** Sets a bit; true when it was not set before. */
    private static boolean set(AtomicLongArray array, int sequence) {
        int word = sequence >>> 6;
        long mask = 1L << (sequence & 63);
        while (true) {
            long current = array.get(word);
            if ((current & mask) != 0) {
                return false;
            }
            if (array.compareAndSet(word, current, current | mask)) {
                return true;
            }
        }
    }

    private static boolean isSet(AtomicLongArray array, int sequence) {
        return (array.get(sequence >>> 6) & (1L << (sequence & 63))) != 0;
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

    /** Ids that were not of this run (or not UUIDs at all), accepted or refused. */
    long foreign() {
        return foreign.sum();
    }

    /** Requests of this run the sink refused (every attempt counts). */
    long refusedAttempts() {
        return refusedAttempts.sum();
    }

    /** Distinct events of this run that were refused at least once. */
    int refusedEvents() {
        int count = 0;
        for (int i = 0; i < refusedBits.length(); i++) {
            count += Long.bitCount(refusedBits.get(i));
        }
        return count;
    }

    /** Events refused at least once and never accepted afterwards with the same id. */
    int refusedNotRedelivered() {
        int count = 0;
        for (int i = 0; i < refusedBits.length(); i++) {
            count += Long.bitCount(refusedBits.get(i) & ~bits.get(i));
        }
        return count;
    }

    /**
     * How many events from sequence 0 on arrived without a gap. Events are sent in sequence order, so
     * this says up to which event a backlog has been drained. Not thread-safe (one reader).
     */
    int deliveredPrefix() {
        while (prefix < expected && isSet(bits, prefix)) {
            prefix++;
        }
        return prefix;
    }

    /** Events with a sequence below {@code limit} that arrived. */
    int deliveredBelow(int limit) {
        int count = 0;
        int end = Math.min(limit, expected);
        for (int word = 0; word * 64 < end; word++) {
            long bitsOfWord = bits.get(word);
            int valid = Math.min(64, end - word * 64);
            count += Long.bitCount(valid == 64 ? bitsOfWord : bitsOfWord & ((1L << valid) - 1));
        }
        return count;
    }

    boolean awaitAll(Duration timeout) throws InterruptedException {
        return firstDeliveries.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Up to {@code limit} sequence numbers that were not delivered. */
    List<Integer> missingSequences(int limit) {
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < expected && missing.size() < limit; i++) {
            if (!isSet(bits, i)) {
                missing.add(i);
            }
        }
        return missing;
    }

    /** One line: delivered of expected, duplicates, refusals and whether the refused ones came again with their id. */
    String describe() {
        return describe(expected);
    }

    /** As {@link #describe()} for a run that sent only the events below {@code sent}. */
    String describe(int sent) {
        int upTo = Math.min(sent, expected);
        StringBuilder text = new StringBuilder(String.format("%,d of %,d delivered", deliveredBelow(upTo), upTo));
        if (duplicates() > 0) {
            text.append(String.format(", %,d duplicates", duplicates()));
        }
        if (refusedAttempts() > 0) {
            text.append(String.format(", %,d refusals of %,d events, %s", refusedAttempts(), refusedEvents(),
                    refusedNotRedelivered() == 0 ? "all redelivered with their id" : refusedNotRedelivered() + " never redelivered"));
        }
        if (foreign() > 0) {
            text.append(String.format(", %,d foreign ids", foreign()));
        }
        if (deliveredBelow(upTo) < upTo) {
            text.append(", missing e.g. ").append(missingSequences(5));
        }
        return text.toString();
    }
}
