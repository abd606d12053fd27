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

    /** Listen on every interface. */
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final Duration DEFAULT_TOKEN_TTL = Duration.ofHours(1);
    public static final String DEFAULT_ISSUER = "marketing-connector";
    public static final String DEFAULT_AUDIENCE = "marketing-connector-mqtt";
    /** HMAC-SHA256 needs a key of at least 256 bits. */
    public static final int MIN_SIGNING_KEY_BYTES = 32;
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;
    public static final int DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION = 64;
    public static final int DEFAULT_MAX_IN_FLIGHT = 4096;
    public static final double DEFAULT_KEEP_ALIVE_FACTOR = 1.5;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long a client with keep-alive 0 (none) may stay silent. */
    public static final Duration DEFAULT_MAX_IDLE = Duration.ofMinutes(15);
    public static final Duration DEFAULT_HTTP_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_HTTP_REQUEST_BYTES = 16 * 1024;
    /** Attempts per event when the publisher does not retry by itself (the Kyma publishers do; then the bridge makes one). */
    public static final int DEFAULT_PUBLISH_ATTEMPTS = 10;
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(20);
    public static final Duration DEFAULT_MAX_RETRY_BACKOFF = Duration.ofSeconds(1);
    public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_SHUTDOWN_DEADLINE = Duration.ofSeconds(10);
    /** 0 lets Netty choose (twice the number of cores). */
    public static final int DEFAULT_IO_THREADS = 0;

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
        eventLoops = b.eventLoops;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The address to listen on. */
    public String host() {
        return host;
    }

    /** The HTTP/WebSocket port; 0 picks a free one ({@link MqttBridge#httpPort()} tells which). */
    public int httpPort() {
        return httpPort;
    }

    /** The plain MQTT-over-TCP port, if enabled. */
    public OptionalInt tcpPort() {
        return tcpPort;
    }

    public boolean tlsEnabled() {
        return tlsCertificateChain != null;
    }

    public Optional<Path> tlsCertificateChain() {
        return Optional.ofNullable(tlsCertificateChain);
    }

    public Optional<Path> tlsPrivateKey() {
        return Optional.ofNullable(tlsPrivateKey);
    }

    /** The OAuth client id the SAP system uses at the token endpoint. */
    public String clientId() {
        return clientId;
    }

    public Secret clientSecret() {
        return clientSecret;
    }

    /** The HMAC key for tokens, if configured; otherwise each bridge generates its own at start. */
    public Optional<Secret> tokenSigningKey() {
        return Optional.ofNullable(tokenSigningKey);
    }

    public Duration tokenTtl() {
        return tokenTtl;
    }

    public String issuer() {
        return issuer;
    }

    public String audience() {
        return audience;
    }

    /** Whether a WebSocket upgrade without a bearer token is let through, the token then being the CONNECT password. */
    public boolean tokenAsConnectPassword() {
        return tokenAsConnectPassword;
    }

    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    public int maxInFlightPerConnection() {
        return maxInFlightPerConnection;
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    public double keepAliveFactor() {
        return keepAliveFactor;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration maxIdle() {
        return maxIdle;
    }

    public Duration httpIdleTimeout() {
        return httpIdleTimeout;
    }

    public int maxHttpRequestBytes() {
        return maxHttpRequestBytes;
    }

    /** Attempts per event, the first included, before the connection is closed without PUBACK. */
    public int publishAttempts() {
        return publishAttempts;
    }

    public Duration retryBackoff() {
        return retryBackoff;
    }

    public Duration maxRetryBackoff() {
        return maxRetryBackoff;
    }

    public Duration publishTimeout() {
        return publishTimeout;
    }

    public Duration shutdownDeadline() {
        return shutdownDeadline;
    }

    public List<String> topicSpaces() {
        return topicSpaces;
    }

    public Clock clock() {
        return clock;
    }

    /** The AsyncAPI document served at {@code /asyncapi.json}, if any (a copy). */
    public Optional<JsonNode> asyncApi() {
        return Optional.ofNullable(asyncApi).map(JsonNode::deepCopy);
    }

    JsonNode asyncApiNode() {
        return asyncApi;
    }

    public EventPublisher publisher() {
        return publisher;
    }

    public DeadLetterSink deadLetterSink() {
        return deadLetterSink;
    }

    public List<BridgeListener> listeners() {
        return listeners;
    }

    public Map<String, HttpRoute> routes() {
        return routes;
    }

    public int ioThreads() {
        return ioThreads;
    }

    /** Event loops shared with others (such as the event publisher), if given; the caller shuts them down. */
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
                + ", routes=" + routes.keySet() + (eventLoops == null ? ", ioThreads=" + ioThreads : ", shared event loops") + "]";
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
        private ScheduledExecutorService eventLoops;

        private Builder() {
        }

        public Builder host(String host) {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host must not be blank");
            }
            this.host = host.strip();
            return this;
        }

        /** 0 picks a free port. */
        public Builder httpPort(int port) {
            this.httpPort = port("httpPort", port);
            return this;
        }

        /** Also accept plain MQTT over TCP on this port (0 picks a free one); the token is then the CONNECT password. */
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

        /** Serve TLS on every port, from a PEM certificate chain and a PEM (PKCS#8) private key. */
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

        /** The client id and secret the SAP system presents at {@code /oauth/token}. */
        public Builder oauthClient(String clientId, Secret clientSecret) {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(clientSecret, "clientSecret");
            if (clientId.isBlank()) {
                throw new IllegalArgumentException("clientId must not be blank");
            }
            if (clientSecret.isEmpty()) {
                throw new IllegalArgumentException("clientSecret must not be empty");
            }
            this.clientId = clientId;
            this.clientSecret = clientSecret;
            return this;
        }

        /** Takes the OAuth client id and secret from the connector's seven settings. */
        public Builder connector(ConnectorConfiguration configuration) {
            Objects.requireNonNull(configuration, "configuration");
            return oauthClient(configuration.oauthClientId(), configuration.oauthClientSecret());
        }

        /** The HMAC-SHA256 key for tokens (at least 32 bytes as UTF-8); share it between replicas. */
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

        public Builder tokenTtl(Duration ttl) {
            this.tokenTtl = positive("tokenTtl", ttl);
            if (ttl.toSeconds() < 1) {
                throw new IllegalArgumentException("tokenTtl must be at least 1 s, got " + ttl);
            }
            return this;
        }

        public Builder issuer(String issuer) {
            this.issuer = nonBlank("issuer", issuer);
            return this;
        }

        public Builder audience(String audience) {
            this.audience = nonBlank("audience", audience);
            return this;
        }

        /**
         * Lets a WebSocket upgrade without an {@code Authorization} header through; such a client must
         * then send the token as its CONNECT password (user name ignored) or is refused with
         * "not authorized". Off by default: SAP sends the token at the upgrade.
         */
        public Builder tokenAsConnectPassword(boolean allowed) {
            this.tokenAsConnectPassword = allowed;
            return this;
        }

        /**
         * Larger payloads are dead-lettered and acknowledged; a packet over twice this closes the
         * connection. The publisher's own limit ({@code EventPublisher#maxEventBytes()}, 64 KiB for
         * Kyma) lowers it: what it could not deliver is dead-lettered at once, with that reason.
         */
        public Builder maxPayloadBytes(int bytes) {
            if (bytes < 1024 || bytes > 64 * 1024 * 1024) {
                throw new IllegalArgumentException("maxPayloadBytes must be 1 KiB..64 MiB, got " + bytes);
            }
            this.maxPayloadBytes = bytes;
            return this;
        }

        public Builder maxInFlightPerConnection(int messages) {
            this.maxInFlightPerConnection = atLeastOne("maxInFlightPerConnection", messages);
            return this;
        }

        public Builder maxInFlight(int messages) {
            this.maxInFlight = atLeastOne("maxInFlight", messages);
            return this;
        }

        /** The client's keep-alive times this is how long a silent connection lives (MQTT says 1.5). */
        public Builder keepAliveFactor(double factor) {
            if (!(factor >= 1.0 && factor <= 10.0)) {
                throw new IllegalArgumentException("keepAliveFactor must be 1..10, got " + factor);
            }
            this.keepAliveFactor = factor;
            return this;
        }

        /** How long after opening the connection the CONNECT must have arrived. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive("connectTimeout", timeout);
            return this;
        }

        /** How long a client that asked for no keep-alive may stay silent. */
        public Builder maxIdle(Duration idle) {
            this.maxIdle = positive("maxIdle", idle);
            return this;
        }

        public Builder httpIdleTimeout(Duration timeout) {
            this.httpIdleTimeout = positive("httpIdleTimeout", timeout);
            return this;
        }

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
         */
        public Builder publishAttempts(int attempts) {
            this.publishAttempts = atLeastOne("publishAttempts", attempts);
            return this;
        }

        /** Back-off between attempts: {@code initial}, doubling up to {@code max}. */
        public Builder retryBackoff(Duration initial, Duration max) {
            positive("retryBackoff", initial);
            positive("maxRetryBackoff", max);
            this.retryBackoff = initial;
            this.maxRetryBackoff = max;
            return this;
        }

        /** How long one publish attempt may take before it counts as a transient failure. */
        public Builder publishTimeout(Duration timeout) {
            this.publishTimeout = positive("publishTimeout", timeout);
            return this;
        }

        public Builder shutdownDeadline(Duration deadline) {
            Objects.requireNonNull(deadline, "shutdownDeadline");
            if (deadline.isNegative()) {
                throw new IllegalArgumentException("shutdownDeadline must not be negative, got " + deadline);
            }
            this.shutdownDeadline = deadline;
            return this;
        }

        /** A topic space of the SAP arrangement, stripped when an event type is derived from the topic. */
        public Builder topicSpace(String topicSpace) {
            SapEventMapper.normalizeTopicSpace(Objects.requireNonNull(topicSpace, "topicSpace"));
            this.topicSpaces.add(topicSpace);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The event catalog served at {@code /asyncapi.json} (current Kyma's Events entry points there). */
        public Builder asyncApi(JsonNode document) {
            Objects.requireNonNull(document, "asyncApi");
            if (!document.isObject()) {
                throw new IllegalArgumentException("asyncApi must be a JSON object");
            }
            this.asyncApi = document;
            return this;
        }

        /** Where events go. The bridge does not close it. */
        public Builder publisher(EventPublisher publisher) {
            this.publisher = Objects.requireNonNull(publisher, "publisher");
            return this;
        }

        /** Defaults to a {@link LoggingDeadLetterSink}. */
        public Builder deadLetterSink(DeadLetterSink sink) {
            this.deadLetterSink = Objects.requireNonNull(sink, "deadLetterSink");
            return this;
        }

        /** Adds a listener; several may be added. */
        public Builder listener(BridgeListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Adds a route on the HTTP port, such as {@code /metrics}; the bridge's own paths cannot be taken. */
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

        /** Netty I/O threads; 0 lets Netty choose. */
        public Builder ioThreads(int threads) {
            if (threads < 0) {
                throw new IllegalArgumentException("ioThreads must be >= 0, got " + threads);
            }
            this.ioThreads = threads;
            return this;
        }

        /**
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
