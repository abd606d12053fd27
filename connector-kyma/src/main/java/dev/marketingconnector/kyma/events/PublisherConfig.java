package dev.marketingconnector.kyma.events;

import dev.marketingconnector.kyma.transport.TlsConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * How an event publisher reaches the Kyma event service and how it copes with failures. The
 * defaults suit a publisher proxy in the cluster as well as a gateway on 443 across the internet:
 * a failure is retried 5 times over about 15 s (exponential backoff from 0.5 s, doubled up to 10 s,
 * ±50 % jitter; a server's {@code Retry-After} up to 30 s wins); the circuit opens when half of the
 * last 50 calls (at least 20) failed transiently and lets a few calls try again after 10 s; at most
 * 128 calls are in flight.
 *
 * <pre>{@code
 * PublisherConfig config = PublisherConfig.builder(URI.create("http://eventing-publisher-proxy.kyma-system/publish"))
 *         .maxAttempts(8)
 *         .build();
 * }</pre>
 */
public final class PublisherConfig {

    /** The largest request body Kyma's event services accept: 64 KiB. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    /** The default name. */
    public static final String DEFAULT_NAME = "kyma-events";
    /** The default connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** The default request timeout. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Attempts per event, the first included. */
    public static final int DEFAULT_MAX_ATTEMPTS = 6;
    /** The default initial backoff. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
    /** The default backoff multiplier. */
    public static final double DEFAULT_BACKOFF_MULTIPLIER = 2.0;
    /** The default max backoff. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);
    /** Each wait is randomised by up to ± this fraction, so clients that failed together do not retry together. */
    public static final double DEFAULT_JITTER = 0.5;
    /** The longest wait a server's {@code Retry-After} can ask for; longer requests are cut to this. */
    public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(30);
    /** Percentage of transiently failed calls in the window that opens the circuit. */
    public static final float DEFAULT_FAILURE_RATE_THRESHOLD = 50f;
    /** The default sliding window size. */
    public static final int DEFAULT_SLIDING_WINDOW_SIZE = 50;
    /** The default minimum number of calls. */
    public static final int DEFAULT_MINIMUM_NUMBER_OF_CALLS = 20;
    /** The default wait in open state. */
    public static final Duration DEFAULT_WAIT_IN_OPEN_STATE = Duration.ofSeconds(10);
    /** The default permitted calls in half open state. */
    public static final int DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE = 5;
    /** The default max concurrent calls. */
    public static final int DEFAULT_MAX_CONCURRENT_CALLS = 128;

    private final URI endpoint;
    private final String name;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final double backoffMultiplier;
    private final Duration maxBackoff;
    private final double jitter;
    private final Duration maxRetryAfter;
    private final float failureRateThreshold;
    private final int slidingWindowSize;
    private final int minimumNumberOfCalls;
    private final Duration waitInOpenState;
    private final int permittedCallsInHalfOpenState;
    private final int maxConcurrentCalls;
    private final TlsConfig tls;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;

    private PublisherConfig(Builder b) {
        this.endpoint = b.endpoint;
        this.name = b.name;
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.backoffMultiplier = b.backoffMultiplier;
        this.maxBackoff = b.maxBackoff;
        this.jitter = b.jitter;
        this.maxRetryAfter = b.maxRetryAfter;
        this.failureRateThreshold = b.failureRateThreshold;
        this.slidingWindowSize = b.slidingWindowSize;
        this.minimumNumberOfCalls = b.minimumNumberOfCalls;
        this.waitInOpenState = b.waitInOpenState;
        this.permittedCallsInHalfOpenState = b.permittedCallsInHalfOpenState;
        this.maxConcurrentCalls = b.maxConcurrentCalls;
        this.tls = b.tls;
        this.clock = b.clock;
        this.scheduler = b.scheduler;
    }

    /**
     * @param endpoint where events are POSTed: {@code …/publish} (CloudEvents), {@code …/{app}/v1/events}
     *                 or {@code …/v1/events} (events v1)
     * @return a builder with the defaults
     */
    public static Builder builder(URI endpoint) {
        return new Builder(endpoint);
    }

    /** {@return the endpoint} */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * The name of the retry, circuit breaker and bulkhead (e.g. in metrics).
     *
     * @return the name of the retry, circuit breaker and bulkhead (e.g
     */
    public String name() {
        return name;
    }

    /** {@return the connect timeout} */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** {@return the request timeout} */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** {@return the max attempts} */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** {@return the initial backoff} */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** {@return the backoff multiplier} */
    public double backoffMultiplier() {
        return backoffMultiplier;
    }

    /** {@return the max backoff} */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** {@return the jitter} */
    public double jitter() {
        return jitter;
    }

    /** {@return the max retry after} */
    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    /** {@return the failure rate threshold} */
    public float failureRateThreshold() {
        return failureRateThreshold;
    }

    /** {@return the sliding window size} */
    public int slidingWindowSize() {
        return slidingWindowSize;
    }

    /** {@return the minimum number of calls} */
    public int minimumNumberOfCalls() {
        return minimumNumberOfCalls;
    }

    /** {@return the wait in open state} */
    public Duration waitInOpenState() {
        return waitInOpenState;
    }

    /** {@return the permitted calls in half open state} */
    public int permittedCallsInHalfOpenState() {
        return permittedCallsInHalfOpenState;
    }

    /** {@return the max concurrent calls} */
    public int maxConcurrentCalls() {
        return maxConcurrentCalls;
    }

    /** {@return the TLS} */
    public Optional<TlsConfig> tls() {
        return Optional.ofNullable(tls);
    }

    /** {@return the clock} */
    public Clock clock() {
        return clock;
    }

    /** {@return the scheduler for retries, when the caller supplies one (the publisher then does not shut it down)} */
    public Optional<ScheduledExecutorService> scheduler() {
        return Optional.ofNullable(scheduler);
    }

    @Override
    public String toString() {
        return "PublisherConfig[" + name + " -> " + endpoint + ", maxAttempts=" + maxAttempts + ", backoff=" + initialBackoff
                + "x" + backoffMultiplier + "..." + maxBackoff + "±" + jitter + ", maxRetryAfter=" + maxRetryAfter
                + ", circuit=" + failureRateThreshold + "% of " + slidingWindowSize + " (min " + minimumNumberOfCalls + "), open "
                + waitInOpenState + ", maxConcurrentCalls=" + maxConcurrentCalls + (tls == null ? "" : ", " + tls) + "]";
    }

    /** Collects the settings; every setter checks its value at once, {@link #build()} what spans settings. */
    public static final class Builder {

        private final URI endpoint;
        private String name = DEFAULT_NAME;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private double backoffMultiplier = DEFAULT_BACKOFF_MULTIPLIER;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private double jitter = DEFAULT_JITTER;
        private Duration maxRetryAfter = DEFAULT_MAX_RETRY_AFTER;
        private float failureRateThreshold = DEFAULT_FAILURE_RATE_THRESHOLD;
        private int slidingWindowSize = DEFAULT_SLIDING_WINDOW_SIZE;
        private int minimumNumberOfCalls = DEFAULT_MINIMUM_NUMBER_OF_CALLS;
        private Duration waitInOpenState = DEFAULT_WAIT_IN_OPEN_STATE;
        private int permittedCallsInHalfOpenState = DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE;
        private int maxConcurrentCalls = DEFAULT_MAX_CONCURRENT_CALLS;
        private TlsConfig tls;
        private Clock clock = Clock.systemUTC();
        private ScheduledExecutorService scheduler;

        private Builder(URI endpoint) {
            Objects.requireNonNull(endpoint, "endpoint");
            String scheme = endpoint.getScheme();
            if (!endpoint.isAbsolute() || endpoint.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
                throw new IllegalArgumentException("endpoint '" + endpoint + "' must be an absolute http or https URL");
            }
            if (endpoint.getUserInfo() != null) {
                throw new IllegalArgumentException("endpoint for host " + endpoint.getHost() + " must not carry user info");
            }
            this.endpoint = endpoint;
        }

        /**
         * Sets the name.
         *
         * @param name the name
         * @return this builder
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
            return this;
        }

        /**
         * Sets the connect timeout.
         *
         * @param timeout how long to wait
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * Sets the request timeout.
         *
         * @param timeout how long to wait
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /**
         * Attempts per event, the first included; 1 means no retry.
         *
         * @param maxAttempts the max attempts
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * The first wait; at least 1 ms.
         *
         * @param backoff the backoff
         * @return this builder
         */
        public Builder initialBackoff(Duration backoff) {
            positive(backoff, "initialBackoff");
            if (backoff.toMillis() < 1) {
                throw new IllegalArgumentException("initialBackoff must be at least 1 ms, got " + backoff);
            }
            this.initialBackoff = backoff;
            return this;
        }

        /**
         * Sets the backoff multiplier.
         *
         * @param multiplier the multiplier
         * @return this builder
         */
        public Builder backoffMultiplier(double multiplier) {
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("backoffMultiplier must be >= 1, got " + multiplier);
            }
            this.backoffMultiplier = multiplier;
            return this;
        }

        /**
         * Sets the max backoff.
         *
         * @param backoff the backoff
         * @return this builder
         */
        public Builder maxBackoff(Duration backoff) {
            this.maxBackoff = positive(backoff, "maxBackoff");
            return this;
        }

        /**
         * Randomisation of each wait, from 0 (none) up to but excluding 1.
         *
         * @param jitter the jitter
         * @return this builder
         */
        public Builder jitter(double jitter) {
            if (!(jitter >= 0 && jitter < 1)) {
                throw new IllegalArgumentException("jitter must be in [0, 1), got " + jitter);
            }
            this.jitter = jitter;
            return this;
        }

        /**
         * Sets the max retry after.
         *
         * @param maxRetryAfter the max retry after
         * @return this builder
         */
        public Builder maxRetryAfter(Duration maxRetryAfter) {
            Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
            if (maxRetryAfter.isNegative()) {
                throw new IllegalArgumentException("maxRetryAfter must not be negative, got " + maxRetryAfter);
            }
            this.maxRetryAfter = maxRetryAfter;
            return this;
        }

        /**
         * Percentage (1–100) of transient failures among the recent calls that opens the circuit.
         *
         * @param percent the percent
         * @return this builder
         */
        public Builder failureRateThreshold(float percent) {
            if (!(percent > 0 && percent <= 100)) {
                throw new IllegalArgumentException("failureRateThreshold must be in (0, 100], got " + percent);
            }
            this.failureRateThreshold = percent;
            return this;
        }

        /**
         * How many recent calls the failure rate is computed over.
         *
         * @param calls how many calls
         * @return this builder
         */
        public Builder slidingWindowSize(int calls) {
            this.slidingWindowSize = atLeastOne(calls, "slidingWindowSize");
            return this;
        }

        /**
         * How many calls the window needs before the circuit may open.
         *
         * @param calls how many calls
         * @return this builder
         */
        public Builder minimumNumberOfCalls(int calls) {
            this.minimumNumberOfCalls = atLeastOne(calls, "minimumNumberOfCalls");
            return this;
        }

        /**
         * Sets the wait in open state.
         *
         * @param wait the wait
         * @return this builder
         */
        public Builder waitInOpenState(Duration wait) {
            this.waitInOpenState = positive(wait, "waitInOpenState");
            return this;
        }

        /**
         * Sets the permitted calls in half open state.
         *
         * @param calls how many calls
         * @return this builder
         */
        public Builder permittedCallsInHalfOpenState(int calls) {
            this.permittedCallsInHalfOpenState = atLeastOne(calls, "permittedCallsInHalfOpenState");
            return this;
        }

        /**
         * The bulkhead: calls in flight at once; one more is rejected (transiently) and retried later.
         *
         * @param calls how many calls
         * @return this builder
         */
        public Builder maxConcurrentCalls(int calls) {
            this.maxConcurrentCalls = atLeastOne(calls, "maxConcurrentCalls");
            return this;
        }

        /**
         * Sets the TLS.
         *
         * @param tls the TLS
         * @return this builder
         */
        public Builder tls(TlsConfig tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /**
         * The clock for the circuit breaker's open-state wait and for {@code Retry-After} dates.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Runs retries on this scheduler instead of the publisher's own thread; the caller shuts it down.
         *
         * @param scheduler the scheduler
         * @return this builder
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** {@return the build} */
        public PublisherConfig build() {
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff " + maxBackoff + " is shorter than initialBackoff " + initialBackoff);
            }
            if (tls != null && "http".equals(endpoint.getScheme())) {
                throw new IllegalArgumentException("tls is set but the endpoint '" + endpoint + "' is plain http");
            }
            return new PublisherConfig(this);
        }

        private static Duration positive(Duration value, String field) {
            Objects.requireNonNull(value, field);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(field + " must be positive, got " + value);
            }
            return value;
        }

        private static int atLeastOne(int value, String field) {
            if (value < 1) {
                throw new IllegalArgumentException(field + " must be >= 1, got " + value);
            }
            return value;
        }
    }
}
