package dev.marketingconnector.kyma.events;

import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.CircuitState;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.events.PublishReceipt;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Publishes to Kyma's events v1 API: a JSON body with {@code event-type}, {@code event-type-version},
 * {@code event-id}, {@code event-time} (RFC 3339) and {@code data} (the JSON text the event carries,
 * byte for byte); 200 {@code {event-id}} is success. Two forms, told apart by the endpoint:
 * <ul>
 *   <li>{@code POST …/{application}/v1/events} (the Application gateway, and the current publisher
 *       proxy's legacy route): the Application is in the path;</li>
 *   <li>any other URL, such as {@code POST …/v1/events} of the Kyma 1.x in-cluster publish service:
 *       the body also carries {@code source-id} = the Application name.</li>
 * </ul>
 * Retries, circuit breaker and bulkhead as {@link PublisherConfig} says; the event id is the
 * {@link BusinessEvent}'s, so a redelivered event keeps it.
 */
public final class LegacyEventsPublisher implements EventPublisher {

    private final PublisherConfig config;
    private final String applicationName;
    private final boolean sourceIdInBody;
    private final EventRequest request;
    private final ResilientSender sender;

    /**
     * @param config the settings
     * @param applicationName the Kyma Application the events come from
     */
    public LegacyEventsPublisher(PublisherConfig config, String applicationName) {
        this(config, applicationName, false);
    }

    /**
     * @param config the settings
     * @param applicationName    the Kyma Application the events come from
     * @param alwaysSendSourceId put {@code source-id} in the body on the path form too (the runnable
     *                           connector's {@code kyma-v1} format does, so one body fits every route)
     */
    public LegacyEventsPublisher(PublisherConfig config, String applicationName, boolean alwaysSendSourceId) {
        this.config = Objects.requireNonNull(config, "config");
        this.applicationName = Objects.requireNonNull(applicationName, "applicationName");
        if (applicationName.isBlank()) {
            throw new IllegalArgumentException("applicationName must not be blank");
        }
        String path = config.endpoint().getPath() == null ? "" : config.endpoint().getPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        this.sourceIdInBody = alwaysSendSourceId || !path.endsWith("/" + applicationName + "/v1/events");
        this.request = new Body(config.endpoint(), sourceIdInBody ? applicationName : null);
        this.sender = new ResilientSender(config);
    }

    /**
     * True when the body carries {@code source-id} (the endpoint does not name the Application).
     *
     * @return true when the body carries {@code source-id} (the endpoint does not name the Application)
     */
    public boolean sendsSourceId() {
        return sourceIdInBody;
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

    /** {@link PublisherConfig#MAX_BODY_BYTES}: what the events v1 API accepts. */
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
        return "LegacyEventsPublisher[" + applicationName + " -> " + config.endpoint() + (sourceIdInBody ? ", source-id in body" : "") + "]";
    }

    /** {@code {"source-id":…,"event-type":…,"event-type-version":…,"event-id":…,"event-time":…,"data":…}}. */
    private static final class Body extends EventRequest {

        private static final byte[] TYPE = ascii("\"event-type\":\"");
        private static final byte[] VERSION = ascii("\",\"event-type-version\":\"");
        private static final byte[] ID = ascii("\",\"event-id\":\"");
        private static final byte[] TIME = ascii("\",\"event-time\":\"");
        private static final byte[] DATA = ascii("\",\"data\":");
        private final byte[] start;

        Body(URI endpoint, String sourceId) {
            super(endpoint, "content-type: application/json\r\naccept: application/json\r\n");
            byte[] open = sourceId == null ? ascii("{") : concat(ascii("{\"source-id\":"), jsonString(sourceId), ascii(","));
            this.start = concat(open, TYPE);
        }

        private static byte[] concat(byte[]... parts) {
            int length = 0;
            for (byte[] part : parts) {
                length += part.length;
            }
            byte[] out = new byte[length];
            int at = 0;
            for (byte[] part : parts) {
                System.arraycopy(part, 0, out, at, part.length);
                at += part.length;
            }
            return out;
        }

        @Override
        int bodyBytes(BusinessEvent event) {
            return start.length + event.type().name().length() + VERSION.length + event.type().version().length() + ID.length
                    + UUID_LENGTH + TIME.length + timeLength(event.time()) + DATA.length + event.dataSize() + 1;
        }

        @Override
        void writeEventHeaders(ByteBuf out, BusinessEvent event) {
        }

        @Override
        void writeBody(ByteBuf out, BusinessEvent event) {
            out.writeBytes(start);
            ByteBufUtil.writeAscii(out, event.type().name());
            out.writeBytes(VERSION);
            ByteBufUtil.writeAscii(out, event.type().version());
            out.writeBytes(ID);
            writeUuid(out, event.id());
            out.writeBytes(TIME);
            writeTime(out, event.time());
            out.writeBytes(DATA);
            writeData(out, event);
            out.writeByte('}');
        }
    }
}
