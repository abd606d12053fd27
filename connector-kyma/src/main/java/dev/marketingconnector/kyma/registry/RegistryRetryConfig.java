package dev.marketingconnector.kyma.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * How a registry retries a call that failed transiently: a connection error or time-out, or HTTP 429,
 * 500, 502, 503 or 504 (another 4xx is permanent and never retried). Waits grow exponentially with
 * jitter; a server's {@code Retry-After} wins, up to {@link #maxRetryAfter()}. Used by
 * {@link RestRegistryConfig} and {@link ApplicationResourceConfig}.
 *
 * <pre>{@code
 * RegistryRetryConfig retry = RegistryRetryConfig.builder().maxAttempts(4).initialBackoff(Duration.ofMillis(500)).build();
 * }</pre>
 *
 * <p>With the defaults a call is tried 8 times over about 16 s (waits ≈ 0.2, 0.4, 0.8, 1.6, 3.2, 5, 5 s,
 * each ±50 %): when 30 % of the registry's answers fail, a call fails for good about once in 15,000.
 */
public final class RegistryRetryConfig {

    /** The first call and 7 retries. */
    public static final int DEFAULT_MAX_ATTEMPTS = 8;
    /** The first wait. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
    /** Each wait is twice the one before. */
    public static final double DEFAULT_BACKOFF_MULTIPLIER = 2.0;
    /** No wait is longer (before jitter). */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);
    /** Each wait is drawn from ±50 % around its nominal length, so parallel callers do not retry in step. */
    public static final double DEFAULT_JITTER = 0.5;
    /** The longest {@code Retry-After} honoured. */
    public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(30);

    private static final RegistryRetryConfig DEFAULTS = builder().build();

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final double backoffMultiplier;
    private final Duration maxBackoff;
    private final double jitter;
    private final Duration maxRetryAfter;

    private RegistryRetryConfig(Builder builder) {
        this.maxAttempts = builder.maxAttempts;
        this.initialBackoff = builder.initialBackoff;
        this.backoffMultiplier = builder.backoffMultiplier;
        this.maxBackoff = builder.maxBackoff;
        this.jitter = builder.jitter;
        this.maxRetryAfter = builder.maxRetryAfter;
    }

    /** {@return the defaults: 8 attempts, 200 ms doubling to 5 s, ±50 % jitter, Retry-After up to 30 s} */
    public static RegistryRetryConfig defaults() {
        return DEFAULTS;
    }

    /** {@return one attempt per call: no retries} */
    public static RegistryRetryConfig none() {
        return builder().maxAttempts(1).build();
    }

    /** {@return a builder starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return attempts per call, the first included} */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** {@return the first wait} */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** {@return the factor each wait grows by} */
    public double backoffMultiplier() {
        return backoffMultiplier;
    }

    /** {@return the longest wait (before jitter)} */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** {@return the randomization factor of each wait (0 = none, 0.5 = ±50 %)} */
    public double jitter() {
        return jitter;
    }

    /** {@return the longest {@code Retry-After} honoured; a longer one is cut to this} */
    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    @Override
    public String toString() {
        return "RegistryRetryConfig[maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff + ", backoffMultiplier="
                + backoffMultiplier + ", maxBackoff=" + maxBackoff + ", jitter=" + jitter + ", maxRetryAfter=" + maxRetryAfter + "]";
    }

    /** Builds a {@link RegistryRetryConfig}; each setter rejects a bad value at once. */
    public static final class Builder {

        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private double backoffMultiplier = DEFAULT_BACKOFF_MULTIPLIER;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private double jitter = DEFAULT_JITTER;
        private Duration maxRetryAfter = DEFAULT_MAX_RETRY_AFTER;

        private Builder() {
        }

        /**
         * Attempts per call, the first included ({@value #DEFAULT_MAX_ATTEMPTS} by default).
         *
         * @param attempts at least 1; 1 means no retries
         * @return this builder
         */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1, got " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * The first wait (200 ms by default).
         *
         * @param backoff a positive duration
         * @return this builder
         */
        public Builder initialBackoff(Duration backoff) {
            this.initialBackoff = positive(backoff, "initialBackoff");
            return this;
        }

        /**
         * The factor each wait grows by ({@value #DEFAULT_BACKOFF_MULTIPLIER} by default).
         *
         * @param multiplier at least 1
         * @return this builder
         */
        public Builder backoffMultiplier(double multiplier) {
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("backoffMultiplier must be a number >= 1, got " + multiplier);
            }
            this.backoffMultiplier = multiplier;
            return this;
        }

        /**
         * The longest wait before jitter (5 s by default).
         *
         * @param backoff a positive duration, not shorter than the initial backoff
         * @return this builder
         */
        public Builder maxBackoff(Duration backoff) {
            this.maxBackoff = positive(backoff, "maxBackoff");
            return this;
        }

        /**
         * The randomization factor of each wait ({@value #DEFAULT_JITTER} by default).
         *
         * @param factor in [0, 1); 0 for fixed waits
         * @return this builder
         */
        public Builder jitter(double factor) {
            if (!(factor >= 0 && factor < 1)) {
                throw new IllegalArgumentException("jitter must be in [0, 1), got " + factor);
            }
            this.jitter = factor;
            return this;
        }

        /**
         * The longest {@code Retry-After} honoured; a longer one is cut to this (30 s by default).
         *
         * @param max zero or more; zero ignores {@code Retry-After}
         * @return this builder
         */
        public Builder maxRetryAfter(Duration max) {
            Objects.requireNonNull(max, "maxRetryAfter");
            if (max.isNegative()) {
                throw new IllegalArgumentException("maxRetryAfter must not be negative, got " + max);
            }
            this.maxRetryAfter = max;
            return this;
        }

        /**
         * Builds the config.
         *
         * @return the config
         * @throws IllegalArgumentException when the max backoff is shorter than the initial one
         */
        public RegistryRetryConfig build() {
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff (" + maxBackoff + ") must not be shorter than initialBackoff ("
                        + initialBackoff + ")");
            }
            return new RegistryRetryConfig(this);
        }

        private static Duration positive(Duration value, String field) {
            Objects.requireNonNull(value, field);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(field + " must be positive, got " + value);
            }
            return value;
        }
    }
}
