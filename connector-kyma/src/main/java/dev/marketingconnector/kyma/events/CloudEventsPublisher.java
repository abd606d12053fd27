package dev.marketingconnector.kyma.events;

import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.CircuitState;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.events.PublishReceipt;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.netty.buffer.ByteBuf;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Publishes CloudEvents 1.0 to Kyma's eventing publisher proxy ({@code POST …/publish}) following
 * the CloudEvents HTTP protocol binding, in binary mode ({@code ce-*} headers, the data as the
 * body) or structured mode ({@code application/cloudevents+json}). Attributes: {@code id} = the
 * business event's id, {@code source} = the Application name as Kyma eventing cleans it
 * ({@link #eventingSource(String)}), {@code type} = {@code <event type>.<version>}, e.g.
 * {@code bo.marketingpermission.changed.v1}, {@code time}, {@code datacontenttype}
 * application/json. The data is sent as the JSON text the event carries, byte for byte. Any 2xx
 * (the proxy answers 204) is success. Retries, circuit breaker and bulkhead as
 * {@link PublisherConfig} says.
 */
public final class CloudEventsPublisher implements EventPublisher {

    /** How the event travels in the HTTP request. */
    public enum Mode {
        /** Attributes as {@code ce-*} headers, the data as the body. */
        BINARY,
        /** The whole event as one {@code application/cloudevents+json} document. */
        STRUCTURED
    }

    /** The default mode. */
    public static final Mode DEFAULT_MODE = Mode.BINARY;

    private final PublisherConfig config;
    private final String applicationName;
    private final Mode mode;
    private final EventRequest request;
    private final ResilientSender sender;

    /**
     * Creates a CloudEventsPublisher.
     *
     * @param config the settings
     * @param applicationName the Kyma Application
     */
    public CloudEventsPublisher(PublisherConfig config, String applicationName) {
        this(config, applicationName, DEFAULT_MODE);
    }

    /**
     * Creates a CloudEventsPublisher.
     *
     * @param config the settings
     * @param applicationName the Kyma Application
     * @param mode the mode
     */
    public CloudEventsPublisher(PublisherConfig config, String applicationName, Mode mode) {
        this.config = Objects.requireNonNull(config, "config");
        this.applicationName = Objects.requireNonNull(applicationName, "applicationName");
        this.mode = Objects.requireNonNull(mode, "mode");
        String cleaned = eventingSource(applicationName);
        if (cleaned.isEmpty()) {
            throw new IllegalArgumentException("applicationName '" + applicationName + "' leaves no event source once '-' and '.' are removed");
        }
        String source;
        try {
            source = new URI(null, null, cleaned, null).toString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("applicationName '" + applicationName + "' does not make a valid CloudEvents source", e);
        }
        this.request = mode == Mode.BINARY ? new Binary(config.endpoint(), source) : new Structured(config.endpoint(), source);
        this.sender = new ResilientSender(config);
    }

    /**
     * The source Kyma eventing knows an Application by: its name without '-' and '.' ({@code mkt-prod} → {@code mktprod}).
     *
     * @param applicationName the Kyma Application
     * @return the source Kyma eventing knows an Application by: its name without '-' and '.' ({@code mkt-prod} → {@code mktprod})
     */
    public static String eventingSource(String applicationName) {
        return applicationName.replace("-", "").replace(".", "");
    }

    /** {@return the mode} */
    public Mode mode() {
        return mode;
    }

    /** {@return the application name} */
    public String applicationName() {
        return applicationName;
    }

    /** {@return the config} */
    public PublisherConfig config() {
        return config;
    }

    @Override
    public CompletionStage<PublishReceipt> publish(BusinessEvent event) {
        Objects.requireNonNull(event, "event");
        return sender.send(event, request);
    }

    /** True: it retries transient failures itself until {@link PublisherConfig#deliveryTimeout()}. */
    @Override
    public boolean retriesTransientFailures() {
        return true;
    }

    /** {@link PublisherConfig#MAX_BODY_BYTES}: what the publisher proxy accepts. */
    @Override
    public int maxEventBytes() {
        return PublisherConfig.MAX_BODY_BYTES;
    }

    @Override
    public CircuitState circuitState() {
        return sender.circuitState();
    }

    /**
     * The circuit breaker in front of the event service (for metrics, e.g. resilience4j-micrometer).
     *
     * @return the circuit breaker in front of the event service (for metrics, e.g
     */
    public CircuitBreaker circuitBreaker() {
        return sender.circuitBreaker();
    }

    /** {@return the retry (for metrics and retry events: each {@code onRetry} event is one repeated attempt)} */
    public Retry retry() {
        return sender.retry();
    }

    /** {@return the bound on concurrent calls} */
    public Bulkhead bulkhead() {
        return sender.bulkhead();
    }

    /** Fails events still in flight (transiently), closes the connections and stops its own event loops. */
    @Override
    public void close() {
        sender.close();
    }

    @Override
    public String toString() {
        return "CloudEventsPublisher[" + applicationName + " -> " + config.endpoint() + ", " + mode + "]";
    }

    /** Binary mode: the attributes as {@code ce-*} headers, the data as the body. */
    private static final class Binary extends EventRequest {

        private static final byte[] ID = ascii("ce-id: ");
        private static final byte[] TYPE = ascii("\r\nce-type: ");
        private static final byte[] TIME = ascii("\r\nce-time: ");
        private static final byte[] END = ascii("\r\n");

        Binary(URI endpoint, String source) {
            super(endpoint, "content-type: application/json\r\nce-specversion: 1.0\r\nce-source: " + percentEncode(source) + "\r\n");
        }

        @Override
        int bodyBytes(BusinessEvent event) {
            return event.dataSize();
        }

        @Override
        void writeEventHeaders(ByteBuf out, BusinessEvent event) {
            out.writeBytes(ID);
            writeUuid(out, event.id());
            out.writeBytes(TYPE);
            writeQualifiedType(out, event.type());
            out.writeBytes(TIME);
            writeTime(out, event.time());
            out.writeBytes(END);
        }

        @Override
        void writeBody(ByteBuf out, BusinessEvent event) {
            writeData(out, event);
        }
    }

    /** Structured mode: one {@code application/cloudevents+json} document. */
    private static final class Structured extends EventRequest {

        private static final byte[] ID = ascii("{\"specversion\":\"1.0\",\"id\":\"");
        private static final byte[] SOURCE = ascii("\",\"source\":");
        private static final byte[] TYPE = ascii(",\"type\":\"");
        private static final byte[] TIME = ascii("\",\"datacontenttype\":\"application/json\",\"time\":\"");
        private static final byte[] DATA = ascii("\",\"data\":");
        private final byte[] source;

        Structured(URI endpoint, String source) {
            super(endpoint, "content-type: application/cloudevents+json\r\n");
            this.source = jsonString(source);
        }

        @Override
        int bodyBytes(BusinessEvent event) {
            return ID.length + UUID_LENGTH + SOURCE.length + source.length + TYPE.length + qualifiedTypeLength(event.type())
                    + TIME.length + timeLength(event.time()) + DATA.length + event.dataSize() + 1;
        }

        @Override
        void writeEventHeaders(ByteBuf out, BusinessEvent event) {
        }

        @Override
        void writeBody(ByteBuf out, BusinessEvent event) {
            out.writeBytes(ID);
            writeUuid(out, event.id());
            out.writeBytes(SOURCE).writeBytes(source).writeBytes(TYPE);
            writeQualifiedType(out, event.type());
            out.writeBytes(TIME);
            writeTime(out, event.time());
            out.writeBytes(DATA);
            writeData(out, event);
            out.writeByte('}');
        }
    }
}
