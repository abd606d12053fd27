package dev.marketingconnector.kyma.registry;

import dev.marketingconnector.kyma.transport.TlsConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how {@link RestApplicationRegistry} reaches a Kyma 1.x Application Registry.
 *
 * <pre>{@code
 * RestRegistryConfig config = RestRegistryConfig.builder(URI.create(
 *         "http://application-registry-external-api.kyma-integration.svc.cluster.local:8081/mkt-prod/v1/metadata/services"))
 *         .build();
 * }</pre>
 */
public final class RestRegistryConfig {

    /** The path every base URL ends with, after the Application name. */
    public static final String SERVICES_PATH = "/v1/metadata/services";
    /** The default connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Generous: the registry fetches the {@code SpecificationUrl} while it handles a POST. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Services are separate resources in the registry, so several writes may run at once. */
    public static final int DEFAULT_MAX_CONCURRENT_WRITES = 16;
    /** Services read back at once to compare them with what should be there ({@code GET …/{id}} each). */
    public static final int DEFAULT_MAX_CONCURRENT_READS = 16;

    private final URI baseUrl;
    private final String applicationName;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final TlsConfig tls;
    private final int maxConcurrentWrites;
    private final int maxConcurrentReads;
    private final RegistryRetryConfig retry;

    private RestRegistryConfig(Builder builder) {
        this.baseUrl = builder.baseUrl;
        this.applicationName = builder.applicationName;
        this.connectTimeout = builder.connectTimeout;
        this.requestTimeout = builder.requestTimeout;
        this.tls = builder.tls;
        this.maxConcurrentWrites = builder.maxConcurrentWrites;
        this.maxConcurrentReads = builder.maxConcurrentReads;
        this.retry = builder.retry;
    }

    /**
     * @param baseUrl the services collection, {@code http(s)://host[:port]/[prefix/]{application}/v1/metadata/services}
     * @return a builder with the defaults
     * @throws IllegalArgumentException naming the URL when it is not of that form
     */
    public static Builder builder(URI baseUrl) {
        return new Builder(baseUrl);
    }

    /** {@return the services collection, without a trailing slash} */
    public URI baseUrl() {
        return baseUrl;
    }

    /** {@return the Application name, taken from the base URL} */
    public String applicationName() {
        return applicationName;
    }

    /** {@return the connect timeout} */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** {@return the request timeout} */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** {@return the TLS} */
    public Optional<TlsConfig> tls() {
        return Optional.ofNullable(tls);
    }

    /** {@return how many writes the registry is sent at once (the reconciler's parallelism is capped by it)} */
    public int maxConcurrentWrites() {
        return maxConcurrentWrites;
    }

    /** {@return how many services are read back at once when the reconciler compares them with what should be there} */
    public int maxConcurrentReads() {
        return maxConcurrentReads;
    }

    /** {@return how each call is retried on connection errors, time-outs, 429 and 5xx} */
    public RegistryRetryConfig retry() {
        return retry;
    }

    @Override
    public String toString() {
        return "RestRegistryConfig[" + baseUrl + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                + ", maxAttempts=" + retry.maxAttempts() + (tls == null ? "" : ", " + tls) + "]";
    }

    /** Collects the settings; every setter checks its value at once. */
    public static final class Builder {

        private final URI baseUrl;
        private final String applicationName;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private TlsConfig tls;
        private int maxConcurrentWrites = DEFAULT_MAX_CONCURRENT_WRITES;
        private int maxConcurrentReads = DEFAULT_MAX_CONCURRENT_READS;
        private RegistryRetryConfig retry = RegistryRetryConfig.defaults();

        private Builder(URI baseUrl) {
            Objects.requireNonNull(baseUrl, "baseUrl");
            String scheme = baseUrl.getScheme();
            if (!baseUrl.isAbsolute() || baseUrl.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
                throw new IllegalArgumentException("registry base URL '" + baseUrl + "' must be an absolute http or https URL");
            }
            if (baseUrl.getUserInfo() != null || baseUrl.getQuery() != null || baseUrl.getFragment() != null) {
                throw new IllegalArgumentException("registry base URL '" + baseUrl.getHost()
                        + "…' must not carry user info, a query or a fragment");
            }
            String path = baseUrl.getPath() == null ? "" : baseUrl.getPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            if (!path.endsWith(SERVICES_PATH)) {
                throw new IllegalArgumentException("registry base URL '" + baseUrl + "' must end with /{application}" + SERVICES_PATH);
            }
            String prefix = path.substring(0, path.length() - SERVICES_PATH.length());
            String application = prefix.substring(prefix.lastIndexOf('/') + 1);
            if (application.isEmpty()) {
                throw new IllegalArgumentException("registry base URL '" + baseUrl + "' has no Application name before " + SERVICES_PATH);
            }
            this.baseUrl = baseUrl.resolve(path);
            this.applicationName = application;
        }

        /**
         * Sets the connect timeout.
         *
         * @param connectTimeout the connect timeout
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * Sets the request timeout.
         *
         * @param requestTimeout the request timeout
         * @return this builder
         */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive(requestTimeout, "requestTimeout");
            return this;
        }

        /**
         * HTTPS settings: a trust store for the cluster's CA and/or the Application's client certificate.
         *
         * @param tls the TLS
         * @return this builder
         */
        public Builder tls(TlsConfig tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /**
         * Sets the max concurrent writes.
         *
         * @param writes the writes
         * @return this builder
         */
        public Builder maxConcurrentWrites(int writes) {
            if (writes < 1) {
                throw new IllegalArgumentException("maxConcurrentWrites must be >= 1, got " + writes);
            }
            this.maxConcurrentWrites = writes;
            return this;
        }

        /**
         * How many reads (GETs of single entries, for drift checks) may run at once.
         *
         * @param reads at least 1
         * @return this builder
         */
        public Builder maxConcurrentReads(int reads) {
            if (reads < 1) {
                throw new IllegalArgumentException("maxConcurrentReads must be >= 1, got " + reads);
            }
            this.maxConcurrentReads = reads;
            return this;
        }

        /**
         * Retries of transient failures ({@link RegistryRetryConfig#defaults()}; {@link RegistryRetryConfig#none()} for none).
         *
         * @param retry the retry
         * @return this builder
         */
        public Builder retry(RegistryRetryConfig retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /** {@return the build} */
        public RestRegistryConfig build() {
            if (tls != null && "http".equals(baseUrl.getScheme())) {
                throw new IllegalArgumentException("tls is set but the registry base URL '" + baseUrl + "' is plain http");
            }
            return new RestRegistryConfig(this);
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
