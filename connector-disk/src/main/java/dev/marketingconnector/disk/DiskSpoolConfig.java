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

    /**
     * Starts the settings of a spool in {@code directory}, with the {@code DEFAULT_*} values.
     *
     * @param directory the spool's directory, on a local persistent disk; created on open if missing
     * @return a builder
     * @throws NullPointerException when {@code directory} is null
     */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** {@return the spool's directory} */
    public Path directory() {
        return directory;
    }

    /** {@return the bound on the events held, as their records' size on disk} */
    public long maxBytes() {
        return maxBytes;
    }

    /** {@return the bound on the dead-letter area} */
    public long deadLetterMaxBytes() {
        return deadLetterMaxBytes;
    }

    /** {@return the size at which a new segment file starts (when not set: a quarter of {@link #maxBytes()}, between 64 KiB and 64 MiB)} */
    public long segmentBytes() {
        return segmentBytes;
    }

    /** {@return how many appends are written and synced together at most} */
    public int maxBatch() {
        return maxBatch;
    }

    /** {@return how often the read position is saved} */
    public Duration checkpointInterval() {
        return checkpointInterval;
    }

    /** {@return the free space the disk must keep beyond a batch; below it appends are refused} */
    public long minFreeBytes() {
        return minFreeBytes;
    }

    /** {@return the clock for the events' stored-at times and the dead letters' times and ids} */
    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "DiskSpoolConfig[directory=" + directory + ", maxBytes=" + maxBytes + ", deadLetterMaxBytes=" + deadLetterMaxBytes
                + ", segmentBytes=" + segmentBytes + ", maxBatch=" + maxBatch + ", checkpointInterval=" + checkpointInterval
                + ", minFreeBytes=" + minFreeBytes + "]";
    }

    /** Collects the settings; every setter checks its value at once. */
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

        /**
         * Bound on the events held, as their records' size on disk; appends beyond it fail with a
         * {@code SpoolFullException}.
         *
         * @param bytes the bound, at least 16 KiB ({@link #DEFAULT_MAX_BYTES} when not set)
         * @return this builder
         * @throws IllegalArgumentException when {@code bytes} is below 16 KiB
         */
        public Builder maxBytes(long bytes) {
            if (bytes < 16 * 1024) {
                throw new IllegalArgumentException("maxBytes must be at least 16 KiB, got " + bytes);
            }
            this.maxBytes = bytes;
            return this;
        }

        /**
         * Bound on the dead-letter area.
         *
         * @param bytes the bound, at least 1 KiB ({@link #DEFAULT_DEAD_LETTER_MAX_BYTES} when not set)
         * @return this builder
         * @throws IllegalArgumentException when {@code bytes} is below 1 KiB
         */
        public Builder deadLetterMaxBytes(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("deadLetterMaxBytes must be at least 1 KiB, got " + bytes);
            }
            this.deadLetterMaxBytes = bytes;
            return this;
        }

        /**
         * Size at which a new segment file starts; a segment is deleted once all its records are committed.
         *
         * @param bytes the size, at least 4 KiB (when not set: a quarter of the bound, between 64 KiB and 64 MiB)
         * @return this builder
         * @throws IllegalArgumentException when {@code bytes} is below 4 KiB
         */
        public Builder segmentBytes(long bytes) {
            if (bytes < 4096) {
                throw new IllegalArgumentException("segmentBytes must be at least 4 KiB, got " + bytes);
            }
            this.segmentBytes = bytes;
            return this;
        }

        /**
         * Appends written and synced together at most (group commit).
         *
         * @param appends how many, at least 1 ({@link #DEFAULT_MAX_BATCH} when not set)
         * @return this builder
         * @throws IllegalArgumentException when {@code appends} is below 1
         */
        public Builder maxBatch(int appends) {
            if (appends < 1) {
                throw new IllegalArgumentException("maxBatch must be >= 1, got " + appends);
            }
            this.maxBatch = appends;
            return this;
        }

        /**
         * How often the read position is saved; after a crash at most this much is sent again.
         *
         * @param interval the interval, positive ({@link #DEFAULT_CHECKPOINT_INTERVAL} when not set)
         * @return this builder
         * @throws IllegalArgumentException when {@code interval} is zero or negative
         */
        public Builder checkpointInterval(Duration interval) {
            Objects.requireNonNull(interval, "checkpointInterval");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("checkpointInterval must be positive, got " + interval);
            }
            this.checkpointInterval = interval;
            return this;
        }

        /**
         * Free space to keep on the disk beyond a batch; appends are refused (back-pressure) below it.
         *
         * @param bytes the free space, zero or more ({@link #DEFAULT_MIN_FREE_BYTES} when not set)
         * @return this builder
         * @throws IllegalArgumentException when {@code bytes} is negative
         */
        public Builder minFreeBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("minFreeBytes must be >= 0, got " + bytes);
            }
            this.minFreeBytes = bytes;
            return this;
        }

        /**
         * The clock for the events' stored-at times and the dead letters' times and ids.
         *
         * @param clock the clock; the system UTC clock by default
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** {@return the settings} */
        public DiskSpoolConfig build() {
            return new DiskSpoolConfig(this);
        }
    }
}
