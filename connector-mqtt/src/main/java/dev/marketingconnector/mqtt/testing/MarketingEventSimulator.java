package dev.marketingconnector.mqtt.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import dev.marketingconnector.core.ConnectorException;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.internal.OptionalDependency;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Plays the SAP Marketing tenant for tests and demos: gets a token from the bridge's
 * {@code /oauth/token} with the client credentials, connects over MQTT 3.1.1 on a WebSocket with
 * {@code Authorization: Bearer …} on the upgrade (as SAP_COM_0092 does) and publishes SAP-shaped
 * events at QoS 1, counting the acknowledgements.
 *
 * <p>It uses the HiveMQ MQTT client, an optional dependency of this module: add
 * {@code com.hivemq:hivemq-mqtt-client} to your test classpath to use the simulator.
 *
 * <pre>{@code
 * try (MarketingEventSimulator sap = MarketingEventSimulator.builder(bridge.baseUri())
 *         .credentials("sap-marketing", Secret.of("…")).build().connect()) {
 *     sap.publishLegacy("BO.MarketingPermission.Changed", MarketingEventSimulator.marketingPermissionData("4711")).join();
 *     assertThat(sap.acknowledged()).isEqualTo(1);
 * }
 * }</pre>
 */
public final class MarketingEventSimulator implements AutoCloseable {

    /** The default MQTT client id. */
    public static final String DEFAULT_MQTT_CLIENT_ID = "sap-marketing-simulator";
    /** The default topic space. */
    public static final String DEFAULT_TOPIC_SPACE = "sap/mkt/simulator";
    /** The default web socket path. */
    public static final String DEFAULT_WEB_SOCKET_PATH = "/mqtt";
    /** The default source. */
    public static final String DEFAULT_SOURCE = "/default/sap.mkt/simulator";
    /** The default timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** The default keep alive seconds. */
    public static final int DEFAULT_KEEP_ALIVE_SECONDS = 60;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Builder settings;
    private final HttpClient http;
    private final AtomicInteger published = new AtomicInteger();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private Mqtt3AsyncClient client;

    private MarketingEventSimulator(Builder settings) {
        this.settings = settings;
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(settings.timeout);
        if (settings.trust != null) {
            http.sslContext(sslContext(settings.trust));
        }
        this.http = http.build();
    }

    /**
     * Starts the settings of a simulator.
     *
     * @param bridgeUri the bridge's base URL, such as {@code http://127.0.0.1:8080} or {@code https://mqtt.example.com}
     * @return a builder; {@link Builder#credentials} is required
     * @throws dev.marketingconnector.core.MissingDependencyException when the HiveMQ MQTT client (an optional
     *         dependency of this module) is not on the class path
     */
    public static Builder builder(URI bridgeUri) {
        OptionalDependency.require(MarketingEventSimulator.class, "MarketingEventSimulator", "com.hivemq.client.mqtt.MqttClient",
                "hivemq-mqtt-client");
        return new Builder(bridgeUri);
    }

    /**
     * Fetches a token with the client credentials (HTTP Basic).
     *
     * @return the access token
     * @throws SimulatorException with the status when the bridge refuses
     */
    public Secret fetchToken() {
        String basic = Base64.getEncoder().encodeToString((form(settings.clientId) + ":" + form(settings.clientSecret.reveal()))
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(settings.bridgeUri.resolve("/oauth/token"))
                .timeout(settings.timeout)
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SimulatorException("Cannot reach the token endpoint " + request.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SimulatorException("Interrupted while fetching a token from " + request.uri(), e);
        }
        if (response.statusCode() != 200) {
            throw new SimulatorException("The token endpoint " + request.uri() + " answered " + response.statusCode());
        }
        try {
            JsonNode token = JSON.readTree(response.body()).path("access_token");
            if (!token.isTextual()) {
                throw new SimulatorException("The token endpoint " + request.uri() + " sent no access_token");
            }
            return Secret.of(token.asText());
        } catch (IOException e) {
            throw new SimulatorException("The token endpoint " + request.uri() + " sent no JSON", e);
        }
    }

    /**
     * Fetches a token and connects. Returns this simulator.
     *
     * @return the marketing event simulator
     * @throws SimulatorException when the token cannot be fetched or the bridge refuses the connection
     */
    public MarketingEventSimulator connect() {
        if (client != null) {
            throw new IllegalStateException("already connected");
        }
        Secret token = fetchToken();
        URI uri = settings.bridgeUri;
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        Mqtt3ClientBuilder builder = MqttClient.builder()
                .useMqttVersion3()
                .identifier(settings.mqttClientId)
                .serverHost(uri.getHost())
                .serverPort(port)
                .webSocketConfig()
                .serverPath(settings.webSocketPath)
                .subprotocol("mqtt")
                .httpHeaders(Map.of("Authorization", "Bearer " + token.reveal()))
                .applyWebSocketConfig();
        if (tls) {
            builder = settings.trust == null ? builder.sslWithDefaultConfig()
                    : builder.sslConfig().trustManagerFactory(settings.trust).applySslConfig();
        }
        if (settings.automaticReconnect) {
            builder = builder.automaticReconnectWithDefaultConfig();
        }
        Mqtt3AsyncClient candidate = builder.buildAsync();
        try {
            candidate.connectWith()
                    .cleanSession(settings.cleanSession)
                    .keepAlive(settings.keepAliveSeconds)
                    .send()
                    .get(settings.timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            candidate.disconnect();
            throw new SimulatorException("The bridge at " + settings.webSocketUri() + " refused the MQTT connection: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            candidate.disconnect();
            throw new SimulatorException("No CONNACK from " + settings.webSocketUri() + " within " + settings.timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            candidate.disconnect();
            throw new SimulatorException("Interrupted while connecting to " + settings.webSocketUri(), e);
        }
        client = candidate;
        return this;
    }

    /**
     * Publishes raw bytes at QoS 1; completes when the bridge acknowledged (PUBACK).
     *
     * @param topic the MQTT topic
     * @param payload the payload
     * @return completes when the bridge acknowledged (PUBACK), exceptionally when publishing failed
     */
    public CompletableFuture<Void> publish(String topic, byte[] payload) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        if (client == null) {
            throw new IllegalStateException("connect() first");
        }
        published.incrementAndGet();
        return client.publishWith()
                .topic(topic)
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload)
                .send()
                .handle((result, failure) -> {
                    if (failure != null) {
                        failed.incrementAndGet();
                        throw new SimulatorException("Publishing to '" + topic + "' failed: " + failure.getMessage(), failure);
                    }
                    acknowledged.incrementAndGet();
                    return null;
                });
    }

    /**
     * Publishes an event in the legacy SAP shape ({@code eventType}, {@code eventID}, …) on
     * {@code <topic space>/BO/<Object>/<Action>}.
     *
     * @param sapEventType the SAP event type
     * @param data the event data
     * @return completes when the bridge acknowledged (PUBACK)
     */
    public CompletableFuture<Void> publishLegacy(String sapEventType, JsonNode data) {
        return publish(legacyTopic(settings.topicSpace, sapEventType),
                legacyPayload(sapEventType, UUID.randomUUID(), Instant.now(), data));
    }

    /**
     * Publishes a CloudEvents 1.0 event on {@code ce/<type with / for .>}.
     *
     * @param type the type
     * @param data the event data
     * @return completes when the bridge acknowledged (PUBACK)
     */
    public CompletableFuture<Void> publishCloudEvent(String type, JsonNode data) {
        return publish(cloudEventTopic(type), cloudEventPayload(type, UUID.randomUUID(), Instant.now(), settings.source, data));
    }

    /**
     * Publishes {@code count} sample {@code BO.MarketingPermission.Changed} events (alternating
     * the legacy and CloudEvents shapes) and waits for their acknowledgements.
     *
     * @param count how many
     * @return how many were sent and acknowledged, and how long it took
     */
    public Report sendSampleEvents(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        long start = System.nanoTime();
        List<CompletableFuture<Void>> sent = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            JsonNode data = marketingPermissionData(String.valueOf(100000 + i));
            sent.add(i % 2 == 0 ? publishLegacy("BO.MarketingPermission.Changed", data)
                    : publishCloudEvent("sap.mkt.beh.marketingpermission.v1.MarketingPermission.Changed.v1", data));
        }
        int acknowledgedNow = 0;
        for (CompletableFuture<Void> future : sent) {
            try {
                future.get(settings.timeout.toMillis(), TimeUnit.MILLISECONDS);
                acknowledgedNow++;
            } catch (ExecutionException | TimeoutException e) {
                // counted as not acknowledged
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new Report(count, acknowledgedNow, Duration.ofNanos(System.nanoTime() - start));
    }

    /** What {@link #sendSampleEvents(int)} achieved. */
    public record Report(int sent, int acknowledged, Duration elapsed) {
    }

    /**
     * Messages published so far.
     *
     * @return messages published so far
     */
    public int published() {
        return published.get();
    }

    /**
     * Messages the bridge acknowledged so far.
     *
     * @return messages the bridge acknowledged so far
     */
    public int acknowledged() {
        return acknowledged.get();
    }

    /**
     * Messages whose publishing failed (connection lost for good, session ended).
     *
     * @return messages whose publishing failed (connection lost for good, session ended)
     */
    public int failed() {
        return failed.get();
    }

    /** {@return whether connected} */
    public boolean isConnected() {
        return client != null && client.getState().isConnected();
    }

    @Override
    public void close() {
        if (client != null) {
            try {
                client.disconnect().get(settings.timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // already gone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            client = null;
        }
    }

    // ---------------------------------------------------------------- payload helpers

    /**
     * {@code <topic space>/BO/MarketingPermission/Changed} for {@code BO.MarketingPermission.Changed}.
     *
     * @param topicSpace the topic space
     * @param sapEventType the SAP event type
     * @return {@code <topic space>/BO/MarketingPermission/Changed} for {@code BO.MarketingPermission.Changed}
     */
    public static String legacyTopic(String topicSpace, String sapEventType) {
        return topicSpace + "/" + sapEventType.replace('.', '/');
    }

    /**
     * {@code ce/sap/s4/…/Completed/v1} for a CloudEvents type.
     *
     * @param type the type
     * @return {@code ce/sap/s4/…/Completed/v1} for a CloudEvents type
     */
    public static String cloudEventTopic(String type) {
        return "ce/" + type.replace('.', '/');
    }

    /**
     * A payload in the legacy SAP shape (CloudEvents 0.1-like).
     *
     * @param sapEventType the SAP event type
     * @param eventId the event id
     * @param eventTime the event time
     * @param data the event data
     * @return a payload in the legacy SAP shape (CloudEvents 0.1-like)
     */
    public static byte[] legacyPayload(String sapEventType, UUID eventId, Instant eventTime, JsonNode data) {
        ObjectNode payload = JSON.createObjectNode()
                .put("eventType", sapEventType)
                .put("cloudEventsVersion", "0.1")
                .put("source", "https://my300000.s4hana.ondemand.com")
                .put("eventID", eventId.toString())
                .put("eventTime", eventTime.toString())
                .put("schemaURL", "https://my300000.s4hana.ondemand.com/sap/opu/odata/sap/API_MKT_EVENTS/$metadata")
                .put("contentType", "application/json");
        payload.set("data", data);
        return bytes(payload);
    }

    /**
     * A CloudEvents 1.0 structured-mode payload.
     *
     * @param type the type
     * @param id the id
     * @param time the time
     * @param source the file or resource name
     * @param data the event data
     * @return a CloudEvents 1.0 structured-mode payload
     */
    public static byte[] cloudEventPayload(String type, UUID id, Instant time, String source, JsonNode data) {
        ObjectNode payload = JSON.createObjectNode()
                .put("specversion", "1.0")
                .put("type", type)
                .put("source", source)
                .put("id", id.toString())
                .put("time", time.toString())
                .put("datacontenttype", "application/json");
        payload.set("data", data);
        return bytes(payload);
    }

    /**
     * Sample {@code data} of a MarketingPermission event: the key and a few fields.
     *
     * @param contactId the contact id
     * @return the data object
     */
    public static ObjectNode marketingPermissionData(String contactId) {
        ObjectNode data = JSON.createObjectNode();
        data.putArray("KEY").addObject()
                .put("CONTACTID", contactId)
                .put("CONTACTIDORIGIN", "SAP_HYBRIS_MKT_IC")
                .put("MARKETINGAREA", "CXXGLOBAL")
                .put("COMMUNICATIONMEDIUM", "EMAIL");
        data.put("PERMISSIONSTATUS", "Y");
        data.put("PERMISSIONUTCDATETIME", "2019-02-19T13:56:21Z");
        return data;
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static SSLContext sslContext(TrustManagerFactory trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new SimulatorException("Cannot set up TLS with the given trust: " + e.getMessage(), e);
        }
    }

    /** The simulator could not fetch a token, connect or publish; the message names the endpoint. */
    public static final class SimulatorException extends ConnectorException {

        private static final long serialVersionUID = 1L;

        /**
         * Creates the exception.
         *
         * @param message the message
         */
        public SimulatorException(String message) {
            super(message);
        }

        /**
         * Creates the exception.
         *
         * @param message the message
         * @param cause the cause
         */
        public SimulatorException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Settings; {@link #credentials} is required. */
    public static final class Builder {

        private final URI bridgeUri;
        private String clientId;
        private Secret clientSecret;
        private String mqttClientId = DEFAULT_MQTT_CLIENT_ID;
        private String topicSpace = DEFAULT_TOPIC_SPACE;
        private String webSocketPath = DEFAULT_WEB_SOCKET_PATH;
        private String source = DEFAULT_SOURCE;
        private Duration timeout = DEFAULT_TIMEOUT;
        private int keepAliveSeconds = DEFAULT_KEEP_ALIVE_SECONDS;
        private boolean cleanSession;
        private boolean automaticReconnect = true;
        private TrustManagerFactory trust;

        private Builder(URI bridgeUri) {
            Objects.requireNonNull(bridgeUri, "bridgeUri");
            String scheme = bridgeUri.getScheme();
            if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || bridgeUri.getHost() == null) {
                throw new IllegalArgumentException("bridgeUri must be an http or https URL with a host, got " + bridgeUri);
            }
            this.bridgeUri = bridgeUri;
        }

        /**
         * The OAuth client id and secret configured on the bridge.
         *
         * @param clientId the client id
         * @param clientSecret the client secret
         * @return this builder
         */
        public Builder credentials(String clientId, Secret clientSecret) {
            this.clientId = Objects.requireNonNull(clientId, "clientId");
            this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
            return this;
        }

        /**
         * Sets the MQTT client id.
         *
         * @param id the id
         * @return this builder
         */
        public Builder mqttClientId(String id) {
            this.mqttClientId = Objects.requireNonNull(id, "mqttClientId");
            return this;
        }

        /**
         * The topic space legacy events are published under (default {@value #DEFAULT_TOPIC_SPACE}).
         *
         * @param topicSpace the topic space
         * @return this builder
         */
        public Builder topicSpace(String topicSpace) {
            this.topicSpace = Objects.requireNonNull(topicSpace, "topicSpace");
            return this;
        }

        /**
         * Sets the web socket path.
         *
         * @param path the path
         * @return this builder
         */
        public Builder webSocketPath(String path) {
            this.webSocketPath = Objects.requireNonNull(path, "webSocketPath");
            return this;
        }

        /**
         * The CloudEvents {@code source} (default {@value #DEFAULT_SOURCE}).
         *
         * @param source the file or resource name
         * @return this builder
         */
        public Builder source(String source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * How long to wait for the token, the CONNACK and each acknowledgement in {@link #sendSampleEvents}.
         *
         * @param timeout how long to wait
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Sets the keep alive seconds.
         *
         * @param seconds the seconds
         * @return this builder
         */
        public Builder keepAliveSeconds(int seconds) {
            if (seconds < 0 || seconds > 65535) {
                throw new IllegalArgumentException("keepAliveSeconds must be 0..65535, got " + seconds);
            }
            this.keepAliveSeconds = seconds;
            return this;
        }

        /**
         * Default false: a persistent session, so unacknowledged messages are resent after a reconnect.
         *
         * @param cleanSession the clean session
         * @return this builder
         */
        public Builder cleanSession(boolean cleanSession) {
            this.cleanSession = cleanSession;
            return this;
        }

        /**
         * Default true: reconnect after a lost connection, as the SAP system does.
         *
         * @param automaticReconnect the automatic reconnect
         * @return this builder
         */
        public Builder automaticReconnect(boolean automaticReconnect) {
            this.automaticReconnect = automaticReconnect;
            return this;
        }

        /**
         * Trust for an https bridge with a private certificate.
         *
         * @param trust the trust
         * @return this builder
         */
        public Builder trust(TrustManagerFactory trust) {
            this.trust = Objects.requireNonNull(trust, "trust");
            return this;
        }

        /**
         * Builds a simulator that is not connected yet.
         *
         * @return the simulator; {@link MarketingEventSimulator#connect()} connects it
         * @throws IllegalStateException without {@link #credentials}
         */
        public MarketingEventSimulator build() {
            if (clientId == null) {
                throw new IllegalStateException("credentials(clientId, clientSecret) are required");
            }
            return new MarketingEventSimulator(this);
        }

        /**
         * Builds the simulator and connects it: {@code build().connect()}.
         *
         * @return the connected simulator; {@link MarketingEventSimulator#close()} disconnects it
         * @throws SimulatorException when the token cannot be fetched or the bridge refuses the connection
         */
        public MarketingEventSimulator connect() {
            return build().connect();
        }

        private URI webSocketUri() {
            boolean tls = "https".equalsIgnoreCase(bridgeUri.getScheme());
            String path = webSocketPath.startsWith("/") ? webSocketPath : "/" + webSocketPath;
            return URI.create((tls ? "wss" : "ws") + "://" + bridgeUri.getRawAuthority() + path);
        }
    }
}
