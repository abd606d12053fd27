package dev.marketingconnector.disk;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link DiskEventSpool}: immutable, built with {@link #builder(Path)}; every setter
 * checks its value at once.
 */
public final class DiskSpoolConfig {

    /** Bound on the events held: 1 GiB, about 1.6 million typical SAP events. */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;
    /** Bound on the dead-letter area. */
    public static final long DEFAULT_DEAD_LETTER_MAX_BYTES = 64L << 20;
    /** Size at which a new segment file starts (smaller when the bound is small: a quarter of it). */
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
    /** Appends written and synced together at most (group commit). */
    public static final int DEFAULT_MAX_BATCH = 1024;
    /** How often the read position is saved; after a crash at most this much is sent again. */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(1);
    /** Free space the disk must keep beyond a batch; below it appends are refused as if full. */
    public static final long DEFAULT_MIN_FREE_BYTES = 16L << 20;

    private final Path directory;
    private final long maxBytes;
    private final long deadLetterMaxBytes;
    private final long segmentBytes;
    private final int maxBatch;
    private final Duration checkpointInterval;
    private final long minFreeBytes;
    private final Clock clock;

    private DiskSpoolConfig(Builder b) {
        directory = b.directory;
        maxBytes = b.maxBytes;
        deadLetterMaxBytes = b.deadLetterMaxBytes;
        segmentBytes = b.segmentBytes > 0 ? b.segmentBytes : Math.max(64 * 1024, Math.min(DEFAULT_SEGMENT_BYTES, b.maxBytes / 4));
        maxBatch = b.maxBatch;
        checkpointInterval = b.checkpointInterval;
        minFreeBytes = b.minFreeBytes;
        clock = b.clock;
    }

    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    public Path directory() {
        return directory;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public long deadLetterMaxBytes() {
        return deadLetterMaxBytes;
    }

    public long segmentBytes() {
        return segmentBytes;
    }

    public int maxBatch() {
        return maxBatch;
    }

    public Duration checkpointInterval() {
        return checkpointInterval;
    }

    public long minFreeBytes() {
        return minFreeBytes;
    }

    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "DiskSpoolConfig[directory=" + directory + ", maxBytes=" + maxBytes + ", deadLetterMaxBytes=" + deadLetterMaxBytes
                + ", segmentBytes=" + segmentBytes + ", maxBatch=" + maxBatch + ", checkpointInterval=" + checkpointInterval
                + ", minFreeBytes=" + minFreeBytes + "]";
    }

    public static final class Builder {

        private final Path directory;
        private long maxBytes = DEFAULT_MAX_BYTES;
        private long deadLetterMaxBytes = DEFAULT_DEAD_LETTER_MAX_BYTES;
        private long segmentBytes;
        private int maxBatch = DEFAULT_MAX_BATCH;
        private Duration checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
        private long minFreeBytes = DEFAULT_MIN_FREE_BYTES;
        private Clock clock = Clock.systemUTC();

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /** Bound on the events held (at least 16 KiB). */
        public Builder maxBytes(long bytes) {
            if (bytes < 16 * 1024) {
                throw new IllegalArgumentException("maxBytes must be at least 16 KiB, got " + bytes);
            }
            this.maxBytes = bytes;
            return this;
        }

        /** Bound on the dead-letter area (at least 1 KiB). */
        public Builder deadLetterMaxBytes(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("deadLetterMaxBytes must be at least 1 KiB, got " + bytes);
            }
            this.deadLetterMaxBytes = bytes;
            return this;
        }

        /** Size at which a new segment starts (at least 4 KiB). */
        public Builder segmentBytes(long bytes) {
            if (bytes < 4096) {
                throw new IllegalArgumentException("segmentBytes must be at least 4 KiB, got " + bytes);
            }
            this.segmentBytes = bytes;
            return this;
        }

        public Builder maxBatch(int appends) {
            if (appends < 1) {
                throw new IllegalArgumentException("maxBatch must be >= 1, got " + appends);
            }
            this.maxBatch = appends;
            return this;
        }

        public Builder checkpointInterval(Duration interval) {
            Objects.requireNonNull(interval, "checkpointInterval");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("checkpointInterval must be positive, got " + interval);
            }
            this.checkpointInterval = interval;
            return this;
        }

        /** Free space to keep on the disk; appends are refused (back-pressure) below it. */
        public Builder minFreeBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("minFreeBytes must be >= 0, got " + bytes);
            }
            this.minFreeBytes = bytes;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public DiskSpoolConfig build() {
            return new DiskSpoolConfig(this);
        }
    }
}
