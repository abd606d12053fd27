package dev.marketingconnector.core.spool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The most recent dead letters with their payloads, in memory: for running without a spool, so that
 * an operator can still fetch what was dead-lettered and deliver it again. When full it drops the
 * oldest (counted in {@link DeadLetterStats#dropped()}); a restart loses them all. With a spool, use
 * its durable dead-letter area instead.
 */
public final class RecentDeadLetters implements DeadLetterStore {

    /** How many dead letters {@link #RecentDeadLetters()} keeps. */
    public static final int DEFAULT_MAX_COUNT = 100;
    /** How many payload bytes {@link #RecentDeadLetters()} keeps (16 MiB). */
    public static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024;

    private final int maxCount;
    private final long maxBytes;
    private final Deque<StoredDeadLetter> letters = new ArrayDeque<>();
    private long bytes;
    private long nextId = 1;
    private long dropped;

    /** Keeps the last {@value #DEFAULT_MAX_COUNT}, at most 16 MiB of payload. */
    public RecentDeadLetters() {
        this(DEFAULT_MAX_COUNT, DEFAULT_MAX_BYTES);
    }

    /**
     * Keeps the last {@code maxCount} dead letters with at most {@code maxBytes} of payload between
     * them, dropping the oldest beyond either bound; the newest is kept even when it alone is larger.
     *
     * @param maxCount how many dead letters to keep, at least 1
     * @param maxBytes how many payload bytes to keep, at least 1
     * @throws IllegalArgumentException when either bound is below 1
     */
    public RecentDeadLetters(int maxCount, long maxBytes) {
        if (maxCount < 1) {
            throw new IllegalArgumentException("maxCount must be >= 1, got " + maxCount);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be >= 1, got " + maxBytes);
        }
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
    }

    @Override
    public synchronized CompletionStage<String> add(DeadLetterEntry entry) {
        Objects.requireNonNull(entry, "entry");
        String id = Long.toString(nextId++);
        letters.addLast(new StoredDeadLetter(id, entry));
        bytes += entry.payloadBytes();
        while (letters.size() > 1 && (letters.size() > maxCount || bytes > maxBytes)) {
            bytes -= letters.removeFirst().entry().payloadBytes();
            dropped++;
        }
        return CompletableFuture.completedFuture(id);
    }

    @Override
    public synchronized List<StoredDeadLetter> list(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        List<StoredDeadLetter> result = new ArrayList<>(Math.min(limit, letters.size()));
        Iterator<StoredDeadLetter> newestFirst = letters.descendingIterator();
        while (newestFirst.hasNext() && result.size() < limit) {
            result.add(newestFirst.next());
        }
        return result;
    }

    @Override
    public synchronized Optional<StoredDeadLetter> get(String id) {
        return letters.stream().filter(l -> l.id().equals(id)).findFirst();
    }

    @Override
    public synchronized boolean remove(String id) {
        Iterator<StoredDeadLetter> it = letters.iterator();
        while (it.hasNext()) {
            StoredDeadLetter letter = it.next();
            if (letter.id().equals(id)) {
                it.remove();
                bytes -= letter.entry().payloadBytes();
                return true;
            }
        }
        return false;
    }

    @Override
    public synchronized DeadLetterStats stats() {
        return new DeadLetterStats(letters.size(), bytes, maxBytes, dropped);
    }
}
