package dev.marketingconnector.kyma.events;

import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.CircuitState;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.events.PublishException;
import dev.marketingconnector.core.events.PublishReceipt;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Publishes CloudEvents 1.0 to Kyma's eventing publisher proxy ({@code POST …/publish}), in binary
 * mode ({@code ce-*} headers, the data as a JSON body) or structured mode
 * ({@code application/cloudevents+json}), written by the CloudEvents Java SDK. Attributes:
 * {@code id} = the business event's id, {@code source} = the Application name as Kyma eventing
 * cleans it ({@link #eventingSource(String)}), {@code type} = {@code <event type>.<version>}, e.g.
 * {@code bo.marketingpermission.changed.v1}, {@code time}, {@code datacontenttype} application/json.
 * Any 2xx (the proxy answers 204) is success. Retries, circuit breaker and bulkhead as
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

    /** Headers the JDK client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED_HEADERS = Set.of("content-length", "host", "connection", "expect", "upgrade");
    private static final JsonFormat FORMAT = new JsonFormat();

    private final PublisherConfig config;
    private final String applicationName;
    private final URI source;
    private final Mode mode;
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
        try {
            this.source = new URI(null, null, cleaned, null);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("applicationName '" + applicationName + "' does not make a valid CloudEvents source", e);
        }
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
        CloudEvent cloudEvent = toCloudEvent(event);
        HttpRequest.Builder request = HttpRequest.newBuilder(config.endpoint()).timeout(config.requestTimeout());
        byte[][] body = new byte[1][];
        try {
            var writer = HttpMessageFactory.createWriter((name, value) -> {
                if (!RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    request.header(name, value);
                }
            }, bytes -> body[0] = bytes);
            if (mode == Mode.BINARY) {
                writer.writeBinary(cloudEvent);
            } else {
                writer.writeStructured(cloudEvent, FORMAT);
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new PublishException(false, config.endpoint().toString(), 0, null, null,
                    "Cannot write event " + ResilientSender.describe(event) + " as a CloudEvent: " + e.getMessage(), e));
        }
        byte[] bytes = body[0] == null ? new byte[0] : body[0];
        request.POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        return sender.send(event, request.build(), bytes.length, response -> new PublishReceipt(event.id(), response.statusCode()));
    }

    CloudEvent toCloudEvent(BusinessEvent event) {
        return CloudEventBuilder.v1()
                .withId(event.id().toString())
                .withSource(source)
                .withType(event.type().qualified())
                .withTime(event.time())
                .withDataContentType("application/json")
                .withData(JsonCloudEventData.wrap(event.data()))
                .build();
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
        return "CloudEventsPublisher[" + applicationName + " -> " + config.endpoint() + ", " + mode + "]";
    }
}
