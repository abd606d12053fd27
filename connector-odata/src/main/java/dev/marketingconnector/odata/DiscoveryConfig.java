package dev.marketingconnector.odata;

import dev.marketingconnector.core.communication.CommunicationUser;
import dev.marketingconnector.core.config.ConnectorConfiguration;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How {@link ODataServiceDiscovery} talks to an SAP system: where it is, as whom, how many
 * requests at once, how long to wait, and how often to retry. Immutable; built with
 * {@link #builder()} or {@link #from(ConnectorConfiguration)}. Setters reject bad values at once;
 * {@link Builder#build()} checks what spans fields.
 *
 * <p>Retries: a service document or {@code $metadata} request that ends in a 5xx or 429 answer, a
 * time-out or a connection error is tried up to {@link #maxAttempts()} times in all, waiting
 * {@link #initialBackoff()} before the second attempt and {@link #backoffMultiplier()} times longer
 * before each further one (never past the overall deadline).
 */
public final class DiscoveryConfig {

    /** The default parallelism. */
    public static final int DEFAULT_PARALLELISM = 8;
    /** The default request timeout. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** The default deadline. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(2);
    /** The default max attempts. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    /** The default initial backoff. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
    /** The default backoff multiplier. */
    public static final double DEFAULT_BACKOFF_MULTIPLIER = 2.0;
    /** More parallel requests than this would only queue up in the SAP system's work processes. */
    public static final int MAX_PARALLELISM = 64;
    /** The max attempts limit. */
    public static final int MAX_ATTEMPTS_LIMIT = 10;

    private final URI systemUrl;
    private final CommunicationUser user;
    private final int parallelism;
    private final Duration requestTimeout;
    private final Duration deadline;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final double backoffMultiplier;
    private final Clock clock;

    private DiscoveryConfig(Builder builder) {
        this.systemUrl = builder.systemUrl;
        this.user = builder.user;
        this.parallelism = builder.parallelism;
        this.requestTimeout = builder.requestTimeout;
        this.deadline = builder.deadline;
        this.maxAttempts = builder.maxAttempts;
        this.initialBackoff = builder.initialBackoff;
        this.backoffMultiplier = builder.backoffMultiplier;
        this.clock = builder.clock;
    }

    /** {@return a builder with the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder with the system URL and communication user of a connector configuration, the rest at defaults.
     *
     * @param configuration the connector configuration
     * @return a builder with the defaults
     */
    public static Builder from(ConnectorConfiguration configuration) {
        Objects.requireNonNull(configuration, "configuration");
        return builder().systemUrl(configuration.systemUrl()).user(configuration.communicationUser());
    }

    /** {@return the SAP system's base URL, without a trailing slash; may carry a path prefix} */
    public URI systemUrl() {
        return systemUrl;
    }

    /** {@return the user} */
    public CommunicationUser user() {
        return user;
    }

    /** {@return how many services are checked at once (default {@value #DEFAULT_PARALLELISM})} */
    public int parallelism() {
        return parallelism;
    }

    /** {@return how long one HTTP request may take, connection included (default 10 s)} */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** {@return how long a whole discovery run may take (default 2 min); services not done by then are unreachable} */
    public Duration deadline() {
        return deadline;
    }

    /**
     * Attempts per request, the first included (default {@value #DEFAULT_MAX_ATTEMPTS}); 1 means no retry.
     *
     * @return the max attempts
     */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** {@return the wait before the first retry (default 500 ms)} */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** {@return each further wait is this many times the previous one (default {@value #DEFAULT_BACKOFF_MULTIPLIER})} */
    public double backoffMultiplier() {
        return backoffMultiplier;
    }

    /** {@return the clock that times the run and its deadline} */
    public Clock clock() {
        return clock;
    }

    /** {@return a builder holding this configuration's values} */
    public Builder toBuilder() {
        return builder().systemUrl(systemUrl).user(user).parallelism(parallelism).requestTimeout(requestTimeout)
                .deadline(deadline).maxAttempts(maxAttempts).initialBackoff(initialBackoff)
                .backoffMultiplier(backoffMultiplier).clock(clock);
    }

    @Override
    public String toString() {
        return "DiscoveryConfig[systemUrl=" + systemUrl + ", user=" + user.name() + ", parallelism=" + parallelism
                + ", requestTimeout=" + requestTimeout + ", deadline=" + deadline + ", maxAttempts=" + maxAttempts
                + ", initialBackoff=" + initialBackoff + ", backoffMultiplier=" + backoffMultiplier + "]";
    }

    /** Collects the settings; each setter rejects a bad value at once, naming it. */
    public static final class Builder {

        private URI systemUrl;
        private CommunicationUser user;
        private int parallelism = DEFAULT_PARALLELISM;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration deadline = DEFAULT_DEADLINE;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private double backoffMultiplier = DEFAULT_BACKOFF_MULTIPLIER;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * The SAP system's base URL: http or https, with a host, optionally a port and a path prefix;
         * no credentials, query or fragment. Trailing slashes are dropped.
         *
         * @param systemUrl the system URL
         * @return this builder
         * @throws IllegalArgumentException naming the URL and what is wrong with it
         */
        public Builder systemUrl(URI systemUrl) {
            Objects.requireNonNull(systemUrl, "systemUrl");
            String scheme = systemUrl.getScheme() == null ? "" : systemUrl.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("systemUrl must be an http or https URL, got '" + systemUrl + "'");
            }
            if (systemUrl.getHost() == null || systemUrl.getHost().isEmpty()) {
                throw new IllegalArgumentException("systemUrl has no host: '" + systemUrl + "'");
            }
            if (systemUrl.getRawUserInfo() != null) {
                throw new IllegalArgumentException("systemUrl must not carry credentials; give them as the user");
            }
            if (systemUrl.getRawQuery() != null || systemUrl.getRawFragment() != null) {
                throw new IllegalArgumentException("systemUrl must not have a query or fragment: '" + systemUrl + "'");
            }
            String url = systemUrl.toString();
            while (url.endsWith("/")) {
                url = url.substring(0, url.length() - 1);
            }
            this.systemUrl = URI.create(url);
            return this;
        }

        /**
         * @param systemUrl the system URL
         * @return this builder
         * @see #systemUrl(URI)
         */
        public Builder systemUrl(String systemUrl) {
            Objects.requireNonNull(systemUrl, "systemUrl");
            try {
                return systemUrl(new URI(systemUrl.strip()));
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("systemUrl is not a valid URL: '" + systemUrl + "' (" + e.getReason() + ")", e);
            }
        }

        /**
         * Sets the user.
         *
         * @param user the user
         * @return this builder
         */
        public Builder user(CommunicationUser user) {
            this.user = Objects.requireNonNull(user, "user");
            return this;
        }

        /**
         * 1 to {@value DiscoveryConfig#MAX_PARALLELISM}; 1 checks the services one after the other.
         *
         * @param parallelism the parallelism
         * @return this builder
         */
        public Builder parallelism(int parallelism) {
            if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
                throw new IllegalArgumentException("parallelism must be between 1 and " + MAX_PARALLELISM + ", got " + parallelism);
            }
            this.parallelism = parallelism;
            return this;
        }

        /**
         * Sets the request timeout.
         *
         * @param requestTimeout the request timeout
         * @return this builder
         */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive("requestTimeout", requestTimeout);
            return this;
        }

        /**
         * Sets the deadline.
         *
         * @param deadline the deadline
         * @return this builder
         */
        public Builder deadline(Duration deadline) {
            this.deadline = positive("deadline", deadline);
            return this;
        }

        /**
         * 1 to {@value DiscoveryConfig#MAX_ATTEMPTS_LIMIT}, the first attempt included.
         *
         * @param maxAttempts the max attempts
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
                throw new IllegalArgumentException("maxAttempts must be between 1 and " + MAX_ATTEMPTS_LIMIT + ", got " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * Sets the initial backoff.
         *
         * @param initialBackoff the initial backoff
         * @return this builder
         */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = positive("initialBackoff", initialBackoff);
            return this;
        }

        /**
         * At least 1.0 (1.0 waits the same time before every retry).
         *
         * @param backoffMultiplier the backoff multiplier
         * @return this builder
         */
        public Builder backoffMultiplier(double backoffMultiplier) {
            if (!(backoffMultiplier >= 1.0) || Double.isInfinite(backoffMultiplier)) {
                throw new IllegalArgumentException("backoffMultiplier must be a finite number of at least 1.0, got " + backoffMultiplier);
            }
            this.backoffMultiplier = backoffMultiplier;
            return this;
        }

        /**
         * Sets the clock.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @return the build
         * @throws IllegalStateException when the system URL or user is missing, or the request timeout exceeds the deadline
         */
        public DiscoveryConfig build() {
            if (systemUrl == null) {
                throw new IllegalStateException("systemUrl is required");
            }
            if (user == null) {
                throw new IllegalStateException("user is required");
            }
            if (requestTimeout.compareTo(deadline) > 0) {
                throw new IllegalStateException("requestTimeout (" + requestTimeout + ") must not exceed the deadline (" + deadline + ")");
            }
            return new DiscoveryConfig(this);
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
            return value;
        }
    }
}
