package dev.marketingconnector.kyma.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.CircuitState;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.events.PublishException;
import dev.marketingconnector.core.events.PublishReceipt;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import java.net.http.HttpRequest;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Publishes to Kyma's events v1 API: a JSON body with {@code event-type}, {@code event-type-version},
 * {@code event-id}, {@code event-time} (RFC 3339) and {@code data}; 200 {@code {event-id}} is success.
 * Two forms, told apart by the endpoint:
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

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PublisherConfig config;
    private final String applicationName;
    private final boolean sourceIdInBody;
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
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(body(event));
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(new PublishException(false, config.endpoint().toString(), 0, null, null,
                    "Cannot write event " + ResilientSender.describe(event) + " as JSON", e));
        }
        HttpRequest request = HttpRequest.newBuilder(config.endpoint())
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return sender.send(event, request, body.length, response -> new PublishReceipt(event.id(), response.statusCode()));
    }

    ObjectNode body(BusinessEvent event) {
        ObjectNode body = JSON.createObjectNode();
        if (sourceIdInBody) {
            body.put("source-id", applicationName);
        }
        body.put("event-type", event.type().name());
        body.put("event-type-version", event.type().version());
        body.put("event-id", event.id().toString());
        body.put("event-time", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(event.time()));
        body.set("data", event.data());
        return body;
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

    /** {@return the retry (for metrics and retry events)} */
    public Retry retry() {
        return sender.retry();
    }

    /** {@return the bound on concurrent calls} */
    public Bulkhead bulkhead() {
        return sender.bulkhead();
    }

    /** Fails events still in flight (transiently) and releases the retry thread. */
    @Override
    public void close() {
        sender.close();
    }

    @Override
    public String toString() {
        return "LegacyEventsPublisher[" + applicationName + " -> " + config.endpoint() + (sourceIdInBody ? ", source-id in body" : "") + "]";
    }
}
