package dev.marketingconnector.kyma.events;

import dev.marketingconnector.kyma.transport.TlsConfig;
import io.netty.channel.EventLoopGroup;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * How an event publisher reaches the Kyma event service and how it copes with failures. The
 * defaults suit a publisher proxy in the cluster as well as a gateway on 443 across the internet:
 * a transient failure is retried at once with short, growing waits (1 ms, doubled up to 1 s,
 * ±50 % jitter; a server's {@code Retry-After} up to 30 s wins) until the event is accepted or
 * {@code deliveryTimeout} (2 min) has passed; the circuit opens when half of the last 100 calls
 * (at least 50) failed transiently, and then probes with a few calls after 250 ms, waiting twice as
 * long after each failed probe up to 1.5 s, so that delivery resumes soon after an outage ends.
 * While it is open, events wait for it without calls (their wait is no attempt); at most 128
 * calls are in flight, further events wait for a free slot.
 *
 * <pre>{@code
 * PublisherConfig config = PublisherConfig.builder(URI.create("http://eventing-publisher-proxy.kyma-system/publish"))
 *         .deliveryTimeout(Duration.ofMinutes(5))
 *         .build();
 * }</pre>
 *
 * <p>The publisher sends on Netty event loops: its own ({@code ioThreads}, shut down by
 * {@code close()}) unless {@link Builder#eventLoops} hands it loops it shares with others, such as
 * an MQTT bridge's. An event published from one of those loops is sent and answered on that very
 * loop, without a thread hop.
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
    /** Attempts per event, the first included: no limit of their own, {@link #DEFAULT_DELIVERY_TIMEOUT} bounds them. */
    public static final int DEFAULT_MAX_ATTEMPTS = Integer.MAX_VALUE;
    /** How long after {@code publish} an event may still be retried; then its stage fails with the last transient failure. */
    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofMinutes(2);
    /** The first wait before a retry: short, because PUBACKs leave in order and one waiting event stalls its connection. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(1);
    /** Each further wait is this many times the one before, while failures persist. */
    public static final double DEFAULT_BACKOFF_MULTIPLIER = 2.0;
    /** The longest wait between two attempts. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(1);
    /** Each wait is randomised by up to ± this fraction, so clients that failed together do not retry together. */
    public static final double DEFAULT_JITTER = 0.5;
    /** The longest wait a server's {@code Retry-After} can ask for; longer requests are cut to this. */
    public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(30);
    /** Percentage of transiently failed calls in the window that opens the circuit. */
    public static final float DEFAULT_FAILURE_RATE_THRESHOLD = 50f;
    /** Large enough that 30 % random failures do not open the circuit by chance. */
    public static final int DEFAULT_SLIDING_WINDOW_SIZE = 100;
    /** Calls in the window before the failure rate counts. */
    public static final int DEFAULT_MINIMUM_NUMBER_OF_CALLS = 50;
    /** The first probe after the circuit opened; each failed probe doubles the wait, up to {@link #DEFAULT_MAX_WAIT_IN_OPEN_STATE}. */
    public static final Duration DEFAULT_WAIT_IN_OPEN_STATE = Duration.ofMillis(250);
    /** The longest wait between probes while an outage lasts. */
    public static final Duration DEFAULT_MAX_WAIT_IN_OPEN_STATE = Duration.ofMillis(1500);
    /** Probe calls let through once the wait in open state is over. */
    public static final int DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE = 5;
    /** The default max concurrent calls. */
    public static final int DEFAULT_MAX_CONCURRENT_CALLS = 128;
    /** Event loops of a publisher that was given none. */
    public static final int DEFAULT_IO_THREADS = 1;

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
    private final Duration maxWaitInOpenState;
    private final int permittedCallsInHalfOpenState;
    private final int maxConcurrentCalls;
    private final Duration deliveryTimeout;
    private final TlsConfig tls;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final EventLoopGroup eventLoops;
    private final int ioThreads;

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
        this.maxWaitInOpenState = b.maxWaitInOpenState == null ? max(b.waitInOpenState, DEFAULT_MAX_WAIT_IN_OPEN_STATE)
                : b.maxWaitInOpenState;
        this.permittedCallsInHalfOpenState = b.permittedCallsInHalfOpenState;
        this.maxConcurrentCalls = b.maxConcurrentCalls;
        this.deliveryTimeout = b.deliveryTimeout;
        this.tls = b.tls;
        this.clock = b.clock;
        this.scheduler = b.scheduler;
        this.eventLoops = b.eventLoops;
        this.ioThreads = b.ioThreads;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
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

    /** {@return the wait before the first probe after the circuit opened} */
    public Duration waitInOpenState() {
        return waitInOpenState;
    }

    /** {@return the longest wait between probes while an outage lasts} */
    public Duration maxWaitInOpenState() {
        return maxWaitInOpenState;
    }

    /** {@return how long after {@code publish} an event is still retried} */
    public Duration deliveryTimeout() {
        return deliveryTimeout;
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

    /** {@return the scheduler for retry waits, when the caller supplies one (the publisher then does not shut it down)} */
    public Optional<ScheduledExecutorService> scheduler() {
        return Optional.ofNullable(scheduler);
    }

    /** {@return event loops shared with others (the caller shuts them down), if given} */
    public Optional<ScheduledExecutorService> eventLoops() {
        return Optional.ofNullable(eventLoops);
    }

    EventLoopGroup eventLoopGroup() {
        return eventLoops;
    }

    /** {@return the publisher's own event loops, when it was given none} */
    public int ioThreads() {
        return ioThreads;
    }

    @Override
    public String toString() {
        return "PublisherConfig[" + name + " -> " + endpoint + ", maxAttempts=" + maxAttempts + ", backoff=" + initialBackoff
                + "x" + backoffMultiplier + "..." + maxBackoff + "±" + jitter + ", maxRetryAfter=" + maxRetryAfter
                + ", deliveryTimeout=" + deliveryTimeout
                + ", circuit=" + failureRateThreshold + "% of " + slidingWindowSize + " (min " + minimumNumberOfCalls + "), open "
                + waitInOpenState + "..." + maxWaitInOpenState + ", maxConcurrentCalls=" + maxConcurrentCalls
                + (eventLoops == null ? ", ioThreads=" + ioThreads : ", shared event loops") + (tls == null ? "" : ", " + tls) + "]";
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
        private Duration maxWaitInOpenState;
        private int permittedCallsInHalfOpenState = DEFAULT_PERMITTED_CALLS_IN_HALF_OPEN_STATE;
        private int maxConcurrentCalls = DEFAULT_MAX_CONCURRENT_CALLS;
        private Duration deliveryTimeout = DEFAULT_DELIVERY_TIMEOUT;
        private TlsConfig tls;
        private Clock clock = Clock.systemUTC();
        private ScheduledExecutorService scheduler;
        private EventLoopGroup eventLoops;
        private int ioThreads = DEFAULT_IO_THREADS;

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
         * The wait before the first probe once the circuit opened (default 250 ms).
         *
         * @param wait the wait
         * @return this builder
         */
        public Builder waitInOpenState(Duration wait) {
            this.waitInOpenState = positive(wait, "waitInOpenState");
            return this;
        }

        /**
         * Each failed probe doubles the wait, up to this (default 1.5 s, or {@code waitInOpenState} if longer).
         *
         * @param wait the wait
         * @return this builder
         */
        public Builder maxWaitInOpenState(Duration wait) {
            this.maxWaitInOpenState = positive(wait, "maxWaitInOpenState");
            return this;
        }

        /**
         * How long after {@code publish} an event is still retried; then its stage fails transiently.
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder deliveryTimeout(Duration timeout) {
            this.deliveryTimeout = positive(timeout, "deliveryTimeout");
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
         * The bulkhead: calls in flight at once; further events wait (in order) for a free slot.
         *
         * @param calls the calls
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
         * Times the waits between attempts on this scheduler instead of the event loop; the caller
         * shuts it down. Mostly for tests that want to see the waits.
         *
         * @param scheduler the scheduler
         * @return this builder
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Sends on these event loops, shared with others, instead of loops of its own: a Netty
         * {@code EventLoopGroup} (which is a {@link ScheduledExecutorService}), such as the one the
         * runnable connector gives its MQTT bridge too. An event published from one of these loops is
         * sent and answered on it. The caller shuts them down, after closing the publisher.
         *
         * @throws IllegalArgumentException when {@code loops} is not a Netty event loop group
         * @param loops a Netty event loop group, shared
         * @return this builder
         */
        public Builder eventLoops(ScheduledExecutorService loops) {
            Objects.requireNonNull(loops, "eventLoops");
            if (!(loops instanceof EventLoopGroup group)) {
                throw new IllegalArgumentException("eventLoops must be a Netty EventLoopGroup (such as an NioEventLoopGroup), got "
                        + loops.getClass().getName());
            }
            this.eventLoops = group;
            return this;
        }

        /**
         * The number of event loops of a publisher that is given none (default 1).
         *
         * @param threads the threads
         * @return this builder
         */
        public Builder ioThreads(int threads) {
            this.ioThreads = atLeastOne(threads, "ioThreads");
            return this;
        }

        /** {@return the build} */
        public PublisherConfig build() {
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff " + maxBackoff + " is shorter than initialBackoff " + initialBackoff);
            }
            if (maxWaitInOpenState != null && maxWaitInOpenState.compareTo(waitInOpenState) < 0) {
                throw new IllegalArgumentException("maxWaitInOpenState " + maxWaitInOpenState + " is shorter than waitInOpenState "
                        + waitInOpenState);
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
