package dev.marketingconnector.core.spool;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a spool holds.
 *
 * @param events         events stored and not yet committed
 * @param bytes          bytes they take in the store
 * @param maxBytes       the bound; appends beyond it fail with {@link SpoolFullException}
 * @param oldestStoredAt when the oldest of them was stored, if any
 * @param full           appends are being refused now (at the bound, or the disk is full)
 * @param problem        what keeps the spool from working normally (a full disk, an unreachable
 *                       server), in plain words, if anything
 */
public record SpoolStats(long events, long bytes, long maxBytes, Optional<Instant> oldestStoredAt, boolean full,
        Optional<String> problem) {

    /**
     * Checks that the optional components are not null (empty when absent).
     *
     * @param events         events stored and not yet committed
     * @param bytes          bytes they take in the store
     * @param maxBytes       the bound for appends
     * @param oldestStoredAt when the oldest of them was stored; empty when there is none
     * @param full           whether appends are being refused now
     * @param problem        what keeps the spool from working normally, in plain words; empty when nothing
     * @throws NullPointerException when {@code oldestStoredAt} or {@code problem} is null
     */
    public SpoolStats {
        Objects.requireNonNull(oldestStoredAt, "oldestStoredAt");
        Objects.requireNonNull(problem, "problem");
    }

    /** {@return share of the bound in use, 0..1} */
    public double fillRatio() {
        return maxBytes <= 0 ? 0 : Math.min(1.0, (double) bytes / maxBytes);
    }
}
