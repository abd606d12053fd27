package dev.marketingconnector.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marketingconnector.core.config.ConnectorConfiguration;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.events.EventPublisher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Everything an {@link MqttBridge} needs, immutable. Built with {@link #builder()}: setters reject
 * bad values at once, naming the setting; {@link Builder#build()} checks what spans settings.
 * Secrets never appear in {@link #toString()}.
 *
 * <pre>{@code
 * BridgeConfig config = BridgeConfig.builder()
 *         .oauthClient("sap-marketing", Secret.of(System.getenv("OAUTH_CLIENT_SECRET")))
 *         .tokenSigningKey(Secret.of(System.getenv("TOKEN_SIGNING_KEY")))
 *         .publisher(kymaPublisher)
 *         .asyncApi(ServiceCatalog.marketing().eventCatalog())
 *         .build();
 * }</pre>
 */
public final class BridgeConfig {

    /**
     * Listen on every interface, as a pod must; tests and demos on one machine want
     * {@link Builder#loopbackOnFreePort()} instead (what {@code MockKyma} and {@code MockMarketingSystem} do).
     */
    public static final String DEFAULT_HOST = "0.0.0.0";
    /** The default HTTP port. */
    public static final int DEFAULT_HTTP_PORT = 8080;
    /** The default token TTL. */
    public static final Duration DEFAULT_TOKEN_TTL = Duration.ofHours(1);
    /** The default issuer. */
    public static final String DEFAULT_ISSUER = "marketing-connector";
    /** The default audience. */
    public static final String DEFAULT_AUDIENCE = "marketing-connector-mqtt";
    /** HMAC-SHA256 needs a key of at least 256 bits. */
    public static final int MIN_SIGNING_KEY_BYTES = 32;
    /** The default max payload bytes. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;
    /** The default max in flight per connection. */
    public static final int DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION = 64;
    /** The default max in flight. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 4096;
    /** The default keep alive factor. */
    public static final double DEFAULT_KEEP_ALIVE_FACTOR = 1.5;
    /** The default connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long a client with keep-alive 0 (none) may stay silent. */
    public static final Duration DEFAULT_MAX_IDLE = Duration.ofMinutes(15);
    /** The default HTTP idle timeout. */
    public static final Duration DEFAULT_HTTP_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** The default max HTTP request bytes. */
    public static final int DEFAULT_MAX_HTTP_REQUEST_BYTES = 16 * 1024;
    /** Attempts per event when the publisher does not retry by itself (the Kyma publishers do; then the bridge makes one). */
    public static final int DEFAULT_PUBLISH_ATTEMPTS = 10;
    /** The first wait before the bridge's own retry (only for a publisher that does not retry by itself). */
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(20);
    /** The longest wait between the bridge's own retries. */
    public static final Duration DEFAULT_MAX_RETRY_BACKOFF = Duration.ofSeconds(1);
    /** The default publish timeout. */
    public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(30);
    /** The default shutdown deadline. */
    public static final Duration DEFAULT_SHUTDOWN_DEADLINE = Duration.ofSeconds(10);
    /** 0 lets Netty choose (twice the number of cores). */
    public static final int DEFAULT_IO_THREADS = 0;
    /** Open connections on all ports together; more are closed at once. */
    public static final int DEFAULT_MAX_CONNECTIONS = 4096;
    /** Open connections from one source address; more are closed at once. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 2048;
    /** How long one HTTP request (head and body) may take to arrive, from its first byte. */
    public static final Duration DEFAULT_HTTP_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Requests a connection may send ahead while its earlier answers are not yet written; more close it. */
    public static final int DEFAULT_MAX_PIPELINED_REQUESTS = 16;
    /** The longest MQTT keep-alive honoured; a client asking for more (65 535 s at most) gets this. */
    public static final Duration DEFAULT_MAX_KEEP_ALIVE = Duration.ofMinutes(10);
    /** How long the id of a QoS 2 message answered with PUBREC is kept while its PUBREL does not come. */
    public static final Duration DEFAULT_QOS2_RELEASE_TIMEOUT = Duration.ofMinutes(1);
    /** QoS 2 packet ids awaiting PUBREL per connection; beyond it the oldest is forgotten. */
    public static final int DEFAULT_MAX_QOS2_AWAITING_RELEASE = 1024;
    /** Failed token requests (wrong client id or secret) per source address and window before 429. */
    public static final int DEFAULT_TOKEN_MAX_FAILURES = 10;
    /** The window in which failed token requests from one address are counted. */
    public static final Duration DEFAULT_TOKEN_FAILURE_WINDOW = Duration.ofMinutes(1);
    /** Refused token requests and connections are logged once per source address and interval, with a count. */
    public static final Duration DEFAULT_FAILURE_LOG_INTERVAL = Duration.ofMinutes(1);
    /** How far a token's issue time may lie in the future (clocks of replicas differ a little). */
    public static final Duration DEFAULT_TOKEN_CLOCK_SKEW = Duration.ofSeconds(60);
    /** 0: the TCP peer is the client; n: the n-th X-Forwarded-For entry from the right (what n proxies appended). */
    public static final int DEFAULT_TRUSTED_PROXY_HOPS = 0;
    /** A client secret needs at least this many characters ... */
    public static final int MIN_CLIENT_SECRET_LENGTH = 16;
    /** ... and at least this many different ones. */
    public static final int MIN_CLIENT_SECRET_DISTINCT_CHARACTERS = 8;

    private static final Set<String> RESERVED_PATHS = Set.of("/", "/mqtt", "/oauth/token", "/healthz", "/readyz", "/asyncapi.json");

    private final String host;
    private final int httpPort;
    private final OptionalInt tcpPort;
    private final Path tlsCertificateChain;
    private final Path tlsPrivateKey;
    private final String clientId;
    private final Secret clientSecret;
    private final Secret tokenSigningKey;
    private final Duration tokenTtl;
    private final String issuer;
    private final String audience;
    private final boolean tokenAsConnectPassword;
    private final int maxPayloadBytes;
    private final int maxInFlightPerConnection;
    private final int maxInFlight;
    private final double keepAliveFactor;
    private final Duration connectTimeout;
    private final Duration maxIdle;
    private final Duration httpIdleTimeout;
    private final int maxHttpRequestBytes;
    private final int publishAttempts;
    private final Duration retryBackoff;
    private final Duration maxRetryBackoff;
    private final Duration publishTimeout;
    private final Duration shutdownDeadline;
    private final List<String> topicSpaces;
    private final Clock clock;
    private final JsonNode asyncApi;
    private final EventPublisher publisher;
    private final DeadLetterSink deadLetterSink;
    private final List<BridgeListener> listeners;
    private final Map<String, HttpRoute> routes;
    private final int ioThreads;
    private final int maxConnections;
    private final int maxConnectionsPerAddress;
    private final Duration httpRequestTimeout;
    private final int maxPipelinedRequests;
    private final Duration maxKeepAlive;
    private final Duration qos2ReleaseTimeout;
    private final int maxQos2AwaitingRelease;
    private final int tokenMaxFailures;
    private final Duration tokenFailureWindow;
    private final Duration failureLogInterval;
    private final Duration tokenClockSkew;
    private final int trustedProxyHops;
    private final ScheduledExecutorService eventLoops;

    private BridgeConfig(Builder b) {
        host = b.host;
        httpPort = b.httpPort;
        tcpPort = b.tcpPort;
        tlsCertificateChain = b.tlsCertificateChain;
        tlsPrivateKey = b.tlsPrivateKey;
        clientId = b.clientId;
        clientSecret = b.clientSecret;
        tokenSigningKey = b.tokenSigningKey;
        tokenTtl = b.tokenTtl;
        issuer = b.issuer;
        audience = b.audience;
        tokenAsConnectPassword = b.tokenAsConnectPassword;
        maxPayloadBytes = b.maxPayloadBytes;
        maxInFlightPerConnection = b.maxInFlightPerConnection;
        maxInFlight = b.maxInFlight;
        keepAliveFactor = b.keepAliveFactor;
        connectTimeout = b.connectTimeout;
        maxIdle = b.maxIdle;
        httpIdleTimeout = b.httpIdleTimeout;
        maxHttpRequestBytes = b.maxHttpRequestBytes;
        publishAttempts = b.publishAttempts;
        retryBackoff = b.retryBackoff;
        maxRetryBackoff = b.maxRetryBackoff;
        publishTimeout = b.publishTimeout;
        shutdownDeadline = b.shutdownDeadline;
        topicSpaces = List.copyOf(b.topicSpaces);
        clock = b.clock;
        asyncApi = b.asyncApi == null ? null : b.asyncApi.deepCopy();
        publisher = b.publisher;
        deadLetterSink = b.deadLetterSink == null ? new LoggingDeadLetterSink() : b.deadLetterSink;
        listeners = List.copyOf(b.listeners);
        routes = Map.copyOf(b.routes);
        ioThreads = b.ioThreads;
        maxConnections = b.maxConnections;
        maxConnectionsPerAddress = b.maxConnectionsPerAddress;
        httpRequestTimeout = b.httpRequestTimeout;
        maxPipelinedRequests = b.maxPipelinedRequests;
        maxKeepAlive = b.maxKeepAlive;
        qos2ReleaseTimeout = b.qos2ReleaseTimeout;
        maxQos2AwaitingRelease = b.maxQos2AwaitingRelease;
        tokenMaxFailures = b.tokenMaxFailures;
        tokenFailureWindow = b.tokenFailureWindow;
        failureLogInterval = b.failureLogInterval;
        tokenClockSkew = b.tokenClockSkew;
        trustedProxyHops = b.trustedProxyHops;
        eventLoops = b.eventLoops;
    }

    /** {@return a builder with the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the address to listen on} */
    public String host() {
        return host;
    }

    /** {@return the HTTP/WebSocket port; 0 picks a free one ({@link MqttBridge#httpPort()} tells which)} */
    public int httpPort() {
        return httpPort;
    }

    /** {@return the plain MQTT-over-TCP port, if enabled} */
    public OptionalInt tcpPort() {
        return tcpPort;
    }

    /** {@return whether TLS enabled} */
    public boolean tlsEnabled() {
        return tlsCertificateChain != null;
    }

    /** {@return the TLS certificate chain} */
    public Optional<Path> tlsCertificateChain() {
        return Optional.ofNullable(tlsCertificateChain);
    }

    /** {@return the TLS private key} */
    public Optional<Path> tlsPrivateKey() {
        return Optional.ofNullable(tlsPrivateKey);
    }

    /** {@return the OAuth client id the SAP system uses at the token endpoint} */
    public String clientId() {
        return clientId;
    }

    /** {@return the client secret} */
    public Secret clientSecret() {
        return clientSecret;
    }

    /** {@return the HMAC key for tokens, if configured; otherwise each bridge generates its own at start} */
    public Optional<Secret> tokenSigningKey() {
        return Optional.ofNullable(tokenSigningKey);
    }

    /** {@return the token TTL} */
    public Duration tokenTtl() {
        return tokenTtl;
    }

    /** {@return the issuer} */
    public String issuer() {
        return issuer;
    }

    /** {@return the audience} */
    public String audience() {
        return audience;
    }

    /** {@return whether a WebSocket upgrade without a bearer token is let through, the token then being the CONNECT password} */
    public boolean tokenAsConnectPassword() {
        return tokenAsConnectPassword;
    }

    /** {@return the max payload bytes} */
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** {@return the max in flight per connection} */
    public int maxInFlightPerConnection() {
        return maxInFlightPerConnection;
    }

    /** {@return the max in flight} */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** {@return the keep alive factor} */
    public double keepAliveFactor() {
        return keepAliveFactor;
    }

    /** {@return the connect timeout} */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** {@return the max idle} */
    public Duration maxIdle() {
        return maxIdle;
    }

    /** {@return the HTTP idle timeout} */
    public Duration httpIdleTimeout() {
        return httpIdleTimeout;
    }

    /** {@return the max HTTP request bytes} */
    public int maxHttpRequestBytes() {
        return maxHttpRequestBytes;
    }

    /**
     * Attempts per event, the first included, before the connection is closed without PUBACK.
     *
     * @return the publish attempts
     */
    public int publishAttempts() {
        return publishAttempts;
    }

    /** {@return the retry backoff} */
    public Duration retryBackoff() {
        return retryBackoff;
    }

    /** {@return the max retry backoff} */
    public Duration maxRetryBackoff() {
        return maxRetryBackoff;
    }

    /** {@return the publish timeout} */
    public Duration publishTimeout() {
        return publishTimeout;
    }

    /** {@return the shutdown deadline} */
    public Duration shutdownDeadline() {
        return shutdownDeadline;
    }

    /** {@return the topic spaces} */
    public List<String> topicSpaces() {
        return topicSpaces;
    }

    /** {@return the clock} */
    public Clock clock() {
        return clock;
    }

    /** {@return the AsyncAPI document served at {@code /asyncapi.json}, if any (a copy)} */
    public Optional<JsonNode> asyncApi() {
        return Optional.ofNullable(asyncApi).map(JsonNode::deepCopy);
    }

    JsonNode asyncApiNode() {
        return asyncApi;
    }

    /** {@return the publisher} */
    public EventPublisher publisher() {
        return publisher;
    }

    /** {@return the dead letter sink} */
    public DeadLetterSink deadLetterSink() {
        return deadLetterSink;
    }

    /** {@return the listeners} */
    public List<BridgeListener> listeners() {
        return listeners;
    }

    /** {@return the routes} */
    public Map<String, HttpRoute> routes() {
        return routes;
    }

    /** {@return the I/O threads} */
    public int ioThreads() {
        return ioThreads;
    }

    /** {@return open connections on all ports together; a connection beyond it is closed at once} */
    public int maxConnections() {
        return maxConnections;
    }

    /** {@return open connections from one source address (the TCP peer); a connection beyond it is closed at once} */
    public int maxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    /** {@return how long one HTTP request, head and body, may take to arrive; a connection that misses it is closed} */
    public Duration httpRequestTimeout() {
        return httpRequestTimeout;
    }

    /** {@return requests a connection may have sent ahead of its unwritten answers; one more closes the connection} */
    public int maxPipelinedRequests() {
        return maxPipelinedRequests;
    }

    /** {@return the longest MQTT keep-alive honoured: a client asking for more is closed after this × the keep-alive factor of silence} */
    public Duration maxKeepAlive() {
        return maxKeepAlive;
    }

    /** {@return how long a QoS 2 packet id answered with PUBREC is remembered while its PUBREL does not come} */
    public Duration qos2ReleaseTimeout() {
        return qos2ReleaseTimeout;
    }

    /** {@return QoS 2 packet ids awaiting PUBREL kept per connection; beyond it the oldest is forgotten} */
    public int maxQos2AwaitingRelease() {
        return maxQos2AwaitingRelease;
    }

    /** {@return failed token requests per source address within {@link #tokenFailureWindow()} before the address gets 429} */
    public int tokenMaxFailures() {
        return tokenMaxFailures;
    }

    /** {@return the window in which failed token requests from one address are counted} */
    public Duration tokenFailureWindow() {
        return tokenFailureWindow;
    }

    /** {@return the interval in which refused token requests and refused connections are logged once per address, with a count} */
    public Duration failureLogInterval() {
        return failureLogInterval;
    }

    /** {@return how far in the future a token's issue time may lie before the token is refused} */
    public Duration tokenClockSkew() {
        return tokenClockSkew;
    }

    /** {@return proxies in front of the HTTP port that append to {@code X-Forwarded-For}; 0 trusts no header} */
    public int trustedProxyHops() {
        return trustedProxyHops;
    }

    /**
     * Why a client secret is too weak to stand against guessing, or empty when it is strong enough:
     * at least {@value #MIN_CLIENT_SECRET_LENGTH} characters, {@value #MIN_CLIENT_SECRET_DISTINCT_CHARACTERS}
     * of them different (a random one from {@code openssl rand -base64 24} has 32). The reason never
     * contains the secret.
     *
     * @param secret the secret
     * @return the client secret weakness
     */
    public static Optional<String> clientSecretWeakness(Secret secret) {
        Objects.requireNonNull(secret, "secret");
        String value = secret.reveal();
        int length = value.codePointCount(0, value.length());
        long distinct = value.codePoints().distinct().count();
        if (length < MIN_CLIENT_SECRET_LENGTH || distinct < MIN_CLIENT_SECRET_DISTINCT_CHARACTERS) {
            return Optional.of("too weak to resist guessing: it has " + length + " characters, " + distinct + " of them different;"
                    + " use at least " + MIN_CLIENT_SECRET_LENGTH + " characters with at least " + MIN_CLIENT_SECRET_DISTINCT_CHARACTERS
                    + " different ones, best a random value such as `openssl rand -base64 24` gives");
        }
        return Optional.empty();
    }

    /** {@return event loops shared with others (such as the event publisher), if given; the caller shuts them down} */
    public Optional<ScheduledExecutorService> eventLoops() {
        return Optional.ofNullable(eventLoops);
    }

    @Override
    public String toString() {
        return "BridgeConfig[host=" + host + ", httpPort=" + httpPort
                + ", tcpPort=" + (tcpPort.isPresent() ? tcpPort.getAsInt() : "none")
                + ", tls=" + (tlsEnabled() ? tlsCertificateChain : "off")
                + ", clientId=" + clientId + ", clientSecret=" + clientSecret
                + ", tokenSigningKey=" + (tokenSigningKey == null ? "generated" : tokenSigningKey)
                + ", tokenTtl=" + tokenTtl + ", issuer=" + issuer + ", audience=" + audience
                + ", tokenAsConnectPassword=" + tokenAsConnectPassword
                + ", maxPayloadBytes=" + maxPayloadBytes + ", maxInFlightPerConnection=" + maxInFlightPerConnection
                + ", maxInFlight=" + maxInFlight + ", keepAliveFactor=" + keepAliveFactor
                + ", connectTimeout=" + connectTimeout + ", maxIdle=" + maxIdle + ", httpIdleTimeout=" + httpIdleTimeout
                + ", maxHttpRequestBytes=" + maxHttpRequestBytes + ", publishAttempts=" + publishAttempts
                + ", retryBackoff=" + retryBackoff + ".." + maxRetryBackoff + ", publishTimeout=" + publishTimeout
                + ", shutdownDeadline=" + shutdownDeadline + ", topicSpaces=" + topicSpaces
                + ", routes=" + routes.keySet() + ", maxConnections=" + maxConnections
                + ", maxConnectionsPerAddress=" + maxConnectionsPerAddress + ", httpRequestTimeout=" + httpRequestTimeout
                + ", maxPipelinedRequests=" + maxPipelinedRequests + ", maxKeepAlive=" + maxKeepAlive
                + ", qos2ReleaseTimeout=" + qos2ReleaseTimeout + ", maxQos2AwaitingRelease=" + maxQos2AwaitingRelease
                + ", tokenMaxFailures=" + tokenMaxFailures + ", tokenFailureWindow=" + tokenFailureWindow
                + ", failureLogInterval=" + failureLogInterval + ", tokenClockSkew=" + tokenClockSkew
                + ", trustedProxyHops=" + trustedProxyHops
                + (eventLoops == null ? ", ioThreads=" + ioThreads : ", shared event loops") + "]";
    }

    /** Collects the settings. Every setter checks its value at once. */
    public static final class Builder {

        private String host = DEFAULT_HOST;
        private int httpPort = DEFAULT_HTTP_PORT;
        private OptionalInt tcpPort = OptionalInt.empty();
        private Path tlsCertificateChain;
        private Path tlsPrivateKey;
        private String clientId;
        private Secret clientSecret;
        private Secret tokenSigningKey;
        private Duration tokenTtl = DEFAULT_TOKEN_TTL;
        private String issuer = DEFAULT_ISSUER;
        private String audience = DEFAULT_AUDIENCE;
        private boolean tokenAsConnectPassword;
        private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
        private int maxInFlightPerConnection = DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private double keepAliveFactor = DEFAULT_KEEP_ALIVE_FACTOR;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration maxIdle = DEFAULT_MAX_IDLE;
        private Duration httpIdleTimeout = DEFAULT_HTTP_IDLE_TIMEOUT;
        private int maxHttpRequestBytes = DEFAULT_MAX_HTTP_REQUEST_BYTES;
        private int publishAttempts = DEFAULT_PUBLISH_ATTEMPTS;
        private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
        private Duration maxRetryBackoff = DEFAULT_MAX_RETRY_BACKOFF;
        private Duration publishTimeout = DEFAULT_PUBLISH_TIMEOUT;
        private Duration shutdownDeadline = DEFAULT_SHUTDOWN_DEADLINE;
        private final List<String> topicSpaces = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private JsonNode asyncApi;
        private EventPublisher publisher;
        private DeadLetterSink deadLetterSink;
        private final List<BridgeListener> listeners = new ArrayList<>();
        private final Map<String, HttpRoute> routes = new LinkedHashMap<>();
        private int ioThreads = DEFAULT_IO_THREADS;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
        private Duration httpRequestTimeout = DEFAULT_HTTP_REQUEST_TIMEOUT;
        private int maxPipelinedRequests = DEFAULT_MAX_PIPELINED_REQUESTS;
        private Duration maxKeepAlive = DEFAULT_MAX_KEEP_ALIVE;
        private Duration qos2ReleaseTimeout = DEFAULT_QOS2_RELEASE_TIMEOUT;
        private int maxQos2AwaitingRelease = DEFAULT_MAX_QOS2_AWAITING_RELEASE;
        private int tokenMaxFailures = DEFAULT_TOKEN_MAX_FAILURES;
        private Duration tokenFailureWindow = DEFAULT_TOKEN_FAILURE_WINDOW;
        private Duration failureLogInterval = DEFAULT_FAILURE_LOG_INTERVAL;
        private Duration tokenClockSkew = DEFAULT_TOKEN_CLOCK_SKEW;
        private int trustedProxyHops = DEFAULT_TRUSTED_PROXY_HOPS;
        private ScheduledExecutorService eventLoops;

        private Builder() {
        }

        /**
         * Sets the host.
         *
         * @param host the host
         * @return this builder
         */
        public Builder host(String host) {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host must not be blank");
            }
            this.host = host.strip();
            return this;
        }

        /**
         * Listens on the loopback address ({@code 127.0.0.1}) on a free HTTP port, as {@code MockKyma} and
         * {@code MockMarketingSystem} do: for tests, demos and anything that must not be reachable from
         * other machines. Same as {@code host("127.0.0.1").httpPort(0)}; the defaults
         * ({@value #DEFAULT_HOST}:{@value #DEFAULT_HTTP_PORT}) suit a pod. {@link MqttBridge#baseUri()} tells the port.
         *
         * @return this builder
         */
        public Builder loopbackOnFreePort() {
            return host("127.0.0.1").httpPort(0);
        }

        /**
         * 0 picks a free port.
         *
         * @param port the port, 0 for a free one
         * @return this builder
         */
        public Builder httpPort(int port) {
            this.httpPort = port("httpPort", port);
            return this;
        }

        /**
         * Also accept plain MQTT over TCP on this port (0 picks a free one); the token is then the CONNECT password.
         *
         * @param port the port, 0 for a free one
         * @return this builder
         */
        public Builder tcpPort(int port) {
            this.tcpPort = OptionalInt.of(port("tcpPort", port));
            return this;
        }

        private static int port(String name, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(name + " must be 0..65535, got " + port);
            }
            return port;
        }

        /**
         * Serve TLS on every port, from a PEM certificate chain and a PEM (PKCS#8) private key.
         *
         * @param certificateChain the certificate chain
         * @param privateKey the private key
         * @return this builder
         */
        public Builder tls(Path certificateChain, Path privateKey) {
            this.tlsCertificateChain = readable("tls certificate chain", certificateChain);
            this.tlsPrivateKey = readable("tls private key", privateKey);
            return this;
        }

        private static Path readable(String name, Path file) {
            Objects.requireNonNull(file, name);
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new IllegalArgumentException(name + " '" + file + "' is not a readable file");
            }
            return file;
        }

        /**
         * The client id and secret the SAP system presents at {@code /oauth/token}.
         *
         * @param clientId the client id
         * @param clientSecret the client secret
         * @return this builder
         */
        public Builder oauthClient(String clientId, Secret clientSecret) {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientSecret, "clientSecret");
            if (clientId.isBlank()) {
                throw new IllegalArgumentException("clientId must not be blank");
            }
            if (clientSecret.isEmpty()) {
                throw new IllegalArgumentException("clientSecret must not be empty");
            }
            clientSecretWeakness(clientSecret).ifPresent(weakness -> {
                throw new IllegalArgumentException("clientSecret is " + weakness);
            });
            this.clientId = clientId;
            this.clientSecret = clientSecret;
            return this;
        }

        /**
         * Takes the OAuth client id and secret from the connector's seven settings.
         *
         * @param configuration the connector configuration
         * @return this builder
         */
        public Builder connector(ConnectorConfiguration configuration) {
            Objects.requireNonNull(configuration, "configuration");
            return oauthClient(configuration.oauthClientId(), configuration.oauthClientSecret());
        }

        /**
         * The HMAC-SHA256 key for tokens (at least 32 bytes as UTF-8); share it between replicas.
         *
         * @param key the key
         * @return this builder
         */
        public Builder tokenSigningKey(Secret key) {
            Objects.requireNonNull(key, "tokenSigningKey");
            int bytes = key.reveal().getBytes(StandardCharsets.UTF_8).length;
            if (bytes < MIN_SIGNING_KEY_BYTES) {
                throw new IllegalArgumentException("tokenSigningKey must have at least " + MIN_SIGNING_KEY_BYTES
                        + " bytes, got " + bytes);
            }
            this.tokenSigningKey = key;
            return this;
        }

        /**
         * Sets the token TTL.
         *
         * @param ttl the TTL
         * @return this builder
         */
        public Builder tokenTtl(Duration ttl) {
            this.tokenTtl = positive("tokenTtl", ttl);
            if (ttl.toSeconds() < 1) {
                throw new IllegalArgumentException("tokenTtl must be at least 1 s, got " + ttl);
            }
            return this;
        }

        /**
         * Sets the issuer.
         *
         * @param issuer the issuer
         * @return this builder
         */
        public Builder issuer(String issuer) {
            this.issuer = nonBlank("issuer", issuer);
            return this;
        }

        /**
         * Sets the audience.
         *
         * @param audience the audience
         * @return this builder
         */
        public Builder audience(String audience) {
            this.audience = nonBlank("audience", audience);
            return this;
        }

        /**
         * Lets a WebSocket upgrade without an {@code Authorization} header through; such a client must
         * then send the token as its CONNECT password (user name ignored) or is refused with
         * "not authorized". Off by default: SAP sends the token at the upgrade.
         *
         * @param allowed the allowed
         * @return this builder
         */
        public Builder tokenAsConnectPassword(boolean allowed) {
            this.tokenAsConnectPassword = allowed;
            return this;
        }

        /**
         * Larger payloads are dead-lettered and acknowledged; a packet over twice this closes the
         * connection. The publisher's own limit ({@code EventPublisher#maxEventBytes()}, 64 KiB for
         * Kyma) lowers it: what it could not deliver is dead-lettered at once, with that reason.
         *
         * @param bytes the bytes
         * @return this builder
         */
        public Builder maxPayloadBytes(int bytes) {
            if (bytes < 1024 || bytes > 64 * 1024 * 1024) {
                throw new IllegalArgumentException("maxPayloadBytes must be 1 KiB..64 MiB, got " + bytes);
            }
            this.maxPayloadBytes = bytes;
            return this;
        }

        /**
         * Sets the max in flight per connection.
         *
         * @param messages the messages
         * @return this builder
         */
        public Builder maxInFlightPerConnection(int messages) {
            this.maxInFlightPerConnection = atLeastOne("maxInFlightPerConnection", messages);
            return this;
        }

        /**
         * Sets the max in flight.
         *
         * @param messages the messages
         * @return this builder
         */
        public Builder maxInFlight(int messages) {
            this.maxInFlight = atLeastOne("maxInFlight", messages);
            return this;
        }

        /**
         * The client's keep-alive times this is how long a silent connection lives (MQTT says 1.5).
         *
         * @param factor the factor
         * @return this builder
         */
        public Builder keepAliveFactor(double factor) {
            if (!(factor >= 1.0 && factor <= 10.0)) {
                throw new IllegalArgumentException("keepAliveFactor must be 1..10, got " + factor);
            }
            this.keepAliveFactor = factor;
            return this;
        }

        /**
         * How long after opening the connection the CONNECT must have arrived.
         *
         * @param timeout how long to wait
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive("connectTimeout", timeout);
            return this;
        }

        /**
         * How long a client that asked for no keep-alive may stay silent.
         *
         * @param idle the idle
         * @return this builder
         */
        public Builder maxIdle(Duration idle) {
            this.maxIdle = positive("maxIdle", idle);
            return this;
        }

        /**
         * Sets the HTTP idle timeout.
         *
         * @param timeout how long to wait
         * @return this builder
         */
        public Builder httpIdleTimeout(Duration timeout) {
            this.httpIdleTimeout = positive("httpIdleTimeout", timeout);
            return this;
        }

        /**
         * Sets the max HTTP request bytes.
         *
         * @param bytes the bytes
         * @return this builder
         */
        public Builder maxHttpRequestBytes(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxHttpRequestBytes must be >= 1024, got " + bytes);
            }
            this.maxHttpRequestBytes = bytes;
            return this;
        }

        /**
         * Attempts per event on transient failures, the first included (1 = no retry). Only for a
         * publisher that does not retry by itself ({@code EventPublisher#retriesTransientFailures()}):
         * one that does is called once per event, so that retries do not multiply.
         *
         * @param attempts the attempts
         * @return this builder
         */
        public Builder publishAttempts(int attempts) {
            this.publishAttempts = atLeastOne("publishAttempts", attempts);
            return this;
        }

        /**
         * Back-off between attempts: {@code initial}, doubling up to {@code max}.
         *
         * @param initial the initial
         * @param max the max
         * @return this builder
         */
        public Builder retryBackoff(Duration initial, Duration max) {
            positive("retryBackoff", initial);
            positive("maxRetryBackoff", max);
            this.retryBackoff = initial;
            this.maxRetryBackoff = max;
            return this;
        }

        /**
         * How long one publish attempt may take before it counts as a transient failure.
         *
         * @param timeout how long to wait
         * @return this builder
         */
        public Builder publishTimeout(Duration timeout) {
            this.publishTimeout = positive("publishTimeout", timeout);
            return this;
        }

        /**
         * Sets the shutdown deadline.
         *
         * @param deadline the deadline
         * @return this builder
         */
        public Builder shutdownDeadline(Duration deadline) {
            Objects.requireNonNull(deadline, "shutdownDeadline");
            if (deadline.isNegative()) {
                throw new IllegalArgumentException("shutdownDeadline must not be negative, got " + deadline);
            }
            this.shutdownDeadline = deadline;
            return this;
        }

        /**
         * A topic space of the SAP arrangement, stripped when an event type is derived from the topic.
         *
         * @param topicSpace the topic space
         * @return this builder
         */
        public Builder topicSpace(String topicSpace) {
            SapEventMapper.normalizeTopicSpace(Objects.requireNonNull(topicSpace, "topicSpace"));
            this.topicSpaces.add(topicSpace);
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
         * The event catalog served at {@code /asyncapi.json} (current Kyma's Events entry points there).
         *
         * @param document the document
         * @return this builder
         */
        public Builder asyncApi(JsonNode document) {
            Objects.requireNonNull(document, "asyncApi");
            if (!document.isObject()) {
                throw new IllegalArgumentException("asyncApi must be a JSON object");
            }
            this.asyncApi = document;
            return this;
        }

        /**
         * Where events go. The bridge does not close it.
         *
         * @param publisher the publisher
         * @return this builder
         */
        public Builder publisher(EventPublisher publisher) {
            this.publisher = Objects.requireNonNull(publisher, "publisher");
            return this;
        }

        /**
         * Defaults to a {@link LoggingDeadLetterSink}.
         *
         * @param sink the sink
         * @return this builder
         */
        public Builder deadLetterSink(DeadLetterSink sink) {
            this.deadLetterSink = Objects.requireNonNull(sink, "deadLetterSink");
            return this;
        }

        /**
         * Adds a listener; several may be added.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(BridgeListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Adds a route on the HTTP port, such as {@code /metrics}; the bridge's own paths cannot be taken.
         *
         * @param path the path
         * @param route the route
         * @return this builder
         */
        public Builder route(String path, HttpRoute route) {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(route, "route");
            if (!path.startsWith("/") || path.contains("?") || path.contains("#")) {
                throw new IllegalArgumentException("route path must start with '/' and hold no query: '" + path + "'");
            }
            if (RESERVED_PATHS.contains(path)) {
                throw new IllegalArgumentException("route path '" + path + "' is served by the bridge itself");
            }
            this.routes.put(path, route);
            return this;
        }

        /**
         * Runs the connections on these event loops instead of loops of its own: a Netty
         * {@code EventLoopGroup} (NIO or a native transport), which is a {@link ScheduledExecutorService}.
         * Give the event publisher the same loops (the Kyma publishers take them in their config) and
         * an event is forwarded and acknowledged on its connection's loop, without a thread hop. The
         * caller shuts them down after the bridge; {@link #ioThreads} then does not apply.
         *
         * @throws IllegalArgumentException when {@code loops} is not a Netty event loop group
         * @param loops a Netty event loop group, shared
         * @return this builder
         */
        public Builder eventLoops(ScheduledExecutorService loops) {
            Objects.requireNonNull(loops, "eventLoops");
            if (!(loops instanceof io.netty.channel.EventLoopGroup)) {
                throw new IllegalArgumentException("eventLoops must be a Netty EventLoopGroup (such as an NioEventLoopGroup), got "
                        + loops.getClass().getName());
            }
            this.eventLoops = loops;
            return this;
        }

        /**
         * Netty I/O threads; 0 lets Netty choose.
         *
         * @param threads the threads
         * @return this builder
         */
        public Builder ioThreads(int threads) {
            if (threads < 0) {
                throw new IllegalArgumentException("ioThreads must be >= 0, got " + threads);
            }
            this.ioThreads = threads;
            return this;
        }

        /**
         * Open connections on all ports together; a connection beyond it is closed as soon as it is accepted.
         *
         * @param connections the connections
         * @return this builder
         */
        public Builder maxConnections(int connections) {
            this.maxConnections = atLeastOne("maxConnections", connections);
            return this;
        }

        /**
         * Open connections from one source address; behind a proxy every connection comes from the proxy's address.
         *
         * @param connections the connections
         * @return this builder
         */
        public Builder maxConnectionsPerAddress(int connections) {
            this.maxConnectionsPerAddress = atLeastOne("maxConnectionsPerAddress", connections);
            return this;
        }

        /**
         * How long one HTTP request may take to arrive, head and body, counted from the connection's
         * start or from the first byte after the previous request; a connection that misses it is
         * closed, however steadily it trickles bytes.
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder httpRequestTimeout(Duration timeout) {
            this.httpRequestTimeout = positive("httpRequestTimeout", timeout);
            return this;
        }

        /**
         * Requests a connection may send ahead while its earlier answers are not written (the peer
         * does not read them): the bridge then stops reading the socket, and one request more than
         * this closes the connection.
         *
         * @param requests the requests
         * @return this builder
         */
        public Builder maxPipelinedRequests(int requests) {
            this.maxPipelinedRequests = atLeastOne("maxPipelinedRequests", requests);
            return this;
        }

        /**
         * The longest keep-alive a client gets; one asking for more is treated as asking for this.
         *
         * @param keepAlive the keep alive
         * @return this builder
         */
        public Builder maxKeepAlive(Duration keepAlive) {
            this.maxKeepAlive = positive("maxKeepAlive", keepAlive);
            if (keepAlive.toSeconds() < 1 || keepAlive.toSeconds() > 65_535) {
                throw new IllegalArgumentException("maxKeepAlive must be 1 s..65535 s, got " + keepAlive);
            }
            return this;
        }

        /**
         * How long a QoS 2 packet id is remembered after PUBREC while no PUBREL comes.
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder qos2ReleaseTimeout(Duration timeout) {
            this.qos2ReleaseTimeout = positive("qos2ReleaseTimeout", timeout);
            return this;
        }

        /**
         * QoS 2 packet ids awaiting PUBREL per connection; beyond it the oldest is forgotten.
         *
         * @param ids the ids
         * @return this builder
         */
        public Builder maxQos2AwaitingRelease(int ids) {
            if (ids < 1 || ids > 65_535) {
                throw new IllegalArgumentException("maxQos2AwaitingRelease must be 1..65535, got " + ids);
            }
            this.maxQos2AwaitingRelease = ids;
            return this;
        }

        /**
         * Token throttling: after {@code failures} failed token requests (wrong client id or secret)
         * from one source address within {@code window}, that address gets 429 with Retry-After
         * for every token request until the window ends.
         *
         * @param failures the failures
         * @param window the window
         * @return this builder
         */
        public Builder tokenThrottle(int failures, Duration window) {
            this.tokenMaxFailures = atLeastOne("tokenMaxFailures", failures);
            this.tokenFailureWindow = positive("tokenFailureWindow", window);
            if (window.toMillis() < 1000) {
                throw new IllegalArgumentException("tokenFailureWindow must be at least 1 s, got " + window);
            }
            return this;
        }

        /**
         * Refused token requests and connections are logged once per source address and interval, with a count.
         *
         * @param interval the interval
         * @return this builder
         */
        public Builder failureLogInterval(Duration interval) {
            this.failureLogInterval = positive("failureLogInterval", interval);
            return this;
        }

        /**
         * How far in the future a token's issue time may lie (the replicas' clocks differ a little).
         *
         * @param skew the skew
         * @return this builder
         */
        public Builder tokenClockSkew(Duration skew) {
            Objects.requireNonNull(skew, "tokenClockSkew");
            if (skew.isNegative() || skew.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("tokenClockSkew must be 0..10 min, got " + skew);
            }
            this.tokenClockSkew = skew;
            return this;
        }

        /**
         * How many proxies in front of the HTTP port append the address they saw to
         * {@code X-Forwarded-For} (the Istio ingress gateway is one): the client address for
         * token throttling and logs is then the {@code hops}-th entry from the right. 0 (default)
         * trusts no header and uses the TCP peer.
         *
         * @param hops the hops
         * @return this builder
         */
        public Builder trustedProxyHops(int hops) {
            if (hops < 0 || hops > 10) {
                throw new IllegalArgumentException("trustedProxyHops must be 0..10, got " + hops);
            }
            this.trustedProxyHops = hops;
            return this;
        }

        /**
         * @return the build
         * @throws IllegalStateException naming every missing setting or conflict
         */
        public BridgeConfig build() {
            List<String> problems = new ArrayList<>();
            if (publisher == null) {
                problems.add("publisher is required");
            }
            if (clientId == null) {
                problems.add("oauthClient (client id and secret) is required");
            }
            if (tcpPort.isPresent() && tcpPort.getAsInt() != 0 && tcpPort.getAsInt() == httpPort) {
                problems.add("tcpPort and httpPort must differ, both are " + httpPort);
            }
            if (maxInFlightPerConnection > maxInFlight) {
                problems.add("maxInFlightPerConnection (" + maxInFlightPerConnection + ") must not exceed maxInFlight ("
                        + maxInFlight + ")");
            }
            if (retryBackoff.compareTo(maxRetryBackoff) > 0) {
                problems.add("retryBackoff (" + retryBackoff + ") must not exceed maxRetryBackoff (" + maxRetryBackoff + ")");
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException("Invalid bridge configuration: " + String.join("; ", problems));
            }
            return new BridgeConfig(this);
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
            return value;
        }

        private static int atLeastOne(String name, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be >= 1, got " + value);
            }
            return value;
        }

        private static String nonBlank(String name, String value) {
            Objects.requireNonNull(value, name);
            if (value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }
    }
}
