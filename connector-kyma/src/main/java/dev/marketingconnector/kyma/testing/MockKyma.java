package dev.marketingconnector.kyma.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.events.EventType;
import dev.marketingconnector.core.events.EventTypeMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A Kyma on loopback for tests and demos: the Kyma 1.x Application Registry, events v1 (both forms)
 * and the eventing publisher proxy's CloudEvents {@code /publish}, on a JDK HTTP server.
 *
 * <table>
 *   <caption>Routes</caption>
 *   <tr><td>{@code GET|POST /{app}/v1/metadata/services}</td><td>list (array of {id, provider, name, description, identifier, labels}) / register (200 {id})</td></tr>
 *   <tr><td>{@code GET|PUT|DELETE /{app}/v1/metadata/services/{id}}</td><td>read (secrets masked) / update (200) / delete (204); 404 for unknown ids</td></tr>
 *   <tr><td>{@code POST /v1/events}</td><td>events v1 with {@code source-id} in the body → 200 {event-id}</td></tr>
 *   <tr><td>{@code POST /{app}/v1/events}</td><td>events v1, the Application in the path → 200 {event-id}</td></tr>
 *   <tr><td>{@code POST /publish}</td><td>CloudEvents 1.0, binary or structured → 204</td></tr>
 * </table>
 *
 * <p>It enforces the contract: ServiceDetails needs {@code provider}, {@code name}, {@code description};
 * {@code api} needs {@code targetUrl}; {@code api.credentials} holds exactly one kind; errors are
 * {@code {code, error}} naming the field. Events v1 need a valid {@code event-type} (dot-separated
 * host-name labels, at most 253), {@code event-type-version} (1–4 letters or digits), an optional UUID
 * {@code event-id}, an RFC 3339 {@code event-time} and non-null {@code data}; errors are 400
 * {@code {status, type, message, details[]}} naming the field. {@code /publish} needs
 * {@code specversion} 1.0, {@code id}, {@code source} and {@code type}. A body over 64 KiB gets 413.
 *
 * <p>It records services, events (duplicates included) and requests, and injects faults:
 * <pre>{@code
 * try (MockKyma kyma = new MockKyma()) {
 *     kyma.failNext(503, 2);              // the next two calls answer 503
 *     kyma.failRandomly(0.3, 503);        // then 30 % of event calls (seeded, repeatable)
 *     kyma.failRandomly(Route.REGISTRY, 0.3, 7L, Failure.UNAVAILABLE, Failure.CUT_AFTER_APPLYING); // any route
 *     ... publish to kyma.publishUrl() ...
 *     assertThat(kyma.events()).extracting(ReceivedEvent::id) ...
 * }
 * }</pre>
 */
public final class MockKyma implements AutoCloseable {

    /** The seed of the random failures unless the builder says otherwise. */
    public static final long DEFAULT_SEED = 42L;
    /** The largest event request body accepted: 64 KiB. */
    public static final int MAX_EVENT_BODY_BYTES = 64 * 1024;
    /** What the registry returns instead of a password or client secret. */
    public static final String MASKED_SECRET = "********";
    /** How long a {@link Failure#STALL_AFTER_APPLYING} answer waits unless {@link #stallFor(Duration)} says otherwise. */
    public static final Duration DEFAULT_STALL = Duration.ofSeconds(30);

    /** The routes MockKyma serves. */
    public enum Route {
        /** The Application Registry, {@code /{app}/v1/metadata/services[/{id}]}. */
        REGISTRY,
        /** Events v1 with {@code source-id}, {@code /v1/events}. */
        EVENTS_V1,
        /** Events v1 with the Application in the path, {@code /{app}/v1/events}. */
        EVENTS_V1_APPLICATION,
        /** CloudEvents, {@code /publish}. */
        PUBLISH;

        boolean isEvents() {
            return this != REGISTRY;
        }
    }

    /** How an event arrived. */
    public enum Encoding {
        /** The events v1 JSON body. */
        EVENTS_V1,
        /** CloudEvents binary mode: {@code ce-*} headers and the data as the body. */
        BINARY,
        /** CloudEvents structured mode: {@code application/cloudevents+json}. */
        STRUCTURED
    }

    /** How a request picked for a fault by {@link #failRandomly(Route, double, long, Failure...)} or {@link #failNext(Route, Failure, int)} fails. */
    public enum Failure {
        /** Answers 503 before doing anything. */
        UNAVAILABLE,
        /**
         * Does what was asked (registers, updates, deletes, accepts the event), then closes the connection
         * without an answer: the client cannot tell whether its request took effect.
         */
        CUT_AFTER_APPLYING,
        /** Does what was asked, then answers only after {@link #stallFor(Duration)}: past the client's timeout. */
        STALL_AFTER_APPLYING
    }

    /**
     * An accepted event.
     *
     * @param id       the event id ({@code event-id}, generated when absent; CloudEvents {@code id})
     * @param type     the event type without its version ({@code bo.marketingpermission.changed}); for a
     *                 CloudEvent, its {@code type} less a trailing {@code .vN} segment
     * @param version  {@code event-type-version}, or a CloudEvent type's trailing {@code vN} (else empty)
     * @param source   {@code source-id}, the Application of the path, or the CloudEvent's {@code source}
     * @param time     {@code event-time} / {@code time}
     * @param data     the data (a JSON value; text for non-JSON binary data; missing when there was none)
     * @param route    where it arrived
     * @param encoding how it was encoded
     */
    public record ReceivedEvent(String id, String type, String version, String source, Optional<OffsetDateTime> time,
            JsonNode data, Route route, Encoding encoding) {

        /**
         * The type as CloudEvents name it.
         *
         * @return {@code <type>.<version>}, or the type alone when it has no version
         */
        public String qualifiedType() {
            return version.isEmpty() ? type : type + "." + version;
        }

        /**
         * The type as the core names it, e.g. {@code bo.marketingpermission.changed} {@code v1}.
         *
         * @return the type and version; a CloudEvent type without a trailing {@code .vN} gets {@code v1}
         * @throws dev.marketingconnector.core.events.InvalidEventTypeException when the type is no valid event type
         */
        public EventType eventType() {
            return EventTypeMapper.of(type, version.isEmpty() ? EventTypeMapper.DEFAULT_VERSION : version);
        }

        /**
         * The event id as a UUID.
         *
         * @return the id, when it is a UUID (events v1 ids always are)
         */
        public Optional<UUID> uuid() {
            return UUID_TEXT.matcher(id).matches() ? Optional.of(UUID.fromString(id)) : Optional.empty();
        }

        /**
         * One field of the data.
         *
         * @param name a field of the data object
         * @return its value as text, when the data is an object with that field
         */
        public Optional<String> dataText(String name) {
            JsonNode value = data == null ? null : data.get(name);
            return value == null || value.isNull() || value.isContainerNode() ? Optional.empty() : Optional.of(value.asText());
        }

        /**
         * Whether it came as a CloudEvent (binary or structured, on {@code /publish}).
         *
         * @return true for {@link Encoding#BINARY} and {@link Encoding#STRUCTURED}
         */
        public boolean isCloudEvent() {
            return encoding != Encoding.EVENTS_V1;
        }
    }

    /** The kind of credentials a registered API carries. */
    public enum CredentialsKind {
        /** {@code api.credentials.basic}: user name and password, usually with a CSRF token endpoint. */
        BASIC,
        /** {@code api.credentials.oauth}: token URL, client id and secret. */
        OAUTH
    }

    /**
     * The credentials of a registered API, read from {@code api.credentials}.
     *
     * @param kind         basic or OAuth
     * @param user         the basic {@code username}, or the OAuth {@code clientId}
     * @param secret       the basic {@code password}, or the OAuth {@code clientSecret}, as sent (never shown by {@code toString})
     * @param csrfTokenUrl {@code basic.csrfInfo.tokenEndpointURL}, when given
     * @param tokenUrl     the OAuth {@code url}, when given
     */
    public record RegisteredCredentials(CredentialsKind kind, String user, Secret secret, Optional<URI> csrfTokenUrl,
            Optional<URI> tokenUrl) {
    }

    /**
     * A registered service: its Application, id and ServiceDetails as sent (secrets unmasked; {@link #toString()}
     * masks them). The typed accessors read the wire format's fields in any case, as the registry does.
     *
     * @param application the Application it was registered in
     * @param id          the id the registry gave it
     * @param details     the ServiceDetails as last sent (a copy)
     */
    public record RegisteredService(String application, String id, ObjectNode details) {

        @Override
        public String toString() {
            return "RegisteredService[application=" + application + ", id=" + id + ", details=" + masked(details) + "]";
        }

        /**
         * The service's name.
         *
         * @return {@code name}
         */
        public String name() {
            return details.path("name").asText();
        }

        /**
         * The provider shown in Kyma.
         *
         * @return {@code provider}
         */
        public String provider() {
            return textOf(details, "provider").orElse("");
        }

        /**
         * The description.
         *
         * @return {@code description}
         */
        public String description() {
            return textOf(details, "description").orElse("");
        }

        /**
         * Whether the service registers an API.
         *
         * @return true when it has an {@code api} object
         */
        public boolean isApi() {
            JsonNode api = field(details, "api");
            return api != null && api.isObject();
        }

        /**
         * Whether the service registers an event catalog.
         *
         * @return true when it has an {@code events} object
         */
        public boolean isEvents() {
            JsonNode events = field(details, "events");
            return events != null && events.isObject();
        }

        /**
         * Where the API is.
         *
         * @return {@code api.targetUrl}, empty for an events-only service
         */
        public Optional<URI> targetUrl() {
            return uriOf(api(), "targetUrl");
        }

        /**
         * Where the API's specification is (the {@code $metadata} URL for OData).
         *
         * @return {@code api.SpecificationUrl}, when given
         */
        public Optional<URI> specificationUrl() {
            return uriOf(api(), "specificationUrl");
        }

        /**
         * The API's type.
         *
         * @return {@code api.ApiType}, e.g. {@code OData}, when given
         */
        public Optional<String> apiType() {
            return textOf(api(), "apiType");
        }

        /**
         * The API's credentials.
         *
         * @return {@code api.credentials}, empty when there are none
         */
        public Optional<RegisteredCredentials> credentials() {
            JsonNode credentials = field(api(), "credentials");
            if (credentials == null || !credentials.isObject()) {
                return Optional.empty();
            }
            JsonNode basic = field(credentials, "basic");
            if (basic != null && basic.isObject()) {
                JsonNode csrf = field(basic, "csrfInfo");
                return Optional.of(new RegisteredCredentials(CredentialsKind.BASIC, textOf(basic, "username").orElse(""),
                        Secret.of(textOf(basic, "password").orElse("")),
                        csrf == null ? Optional.empty() : uriOf(csrf, "tokenEndpointURL"), Optional.empty()));
            }
            JsonNode oauth = field(credentials, "oauth");
            if (oauth != null && oauth.isObject()) {
                return Optional.of(new RegisteredCredentials(CredentialsKind.OAUTH, textOf(oauth, "clientId").orElse(""),
                        Secret.of(textOf(oauth, "clientSecret").orElse("")), Optional.empty(), uriOf(oauth, "url")));
            }
            return Optional.empty();
        }

        /**
         * The CSRF token endpoint of basic credentials.
         *
         * @return {@code api.credentials.basic.csrfInfo.tokenEndpointURL}, when given
         */
        public Optional<URI> csrfTokenUrl() {
            return credentials().flatMap(RegisteredCredentials::csrfTokenUrl);
        }

        /**
         * The event catalog.
         *
         * @return {@code events.spec} (the AsyncAPI document), empty for an API-only service
         */
        public Optional<JsonNode> eventsSpec() {
            JsonNode events = field(details, "events");
            JsonNode spec = events == null ? null : field(events, "spec");
            return spec == null || spec.isNull() ? Optional.empty() : Optional.of(spec.deepCopy());
        }

        private JsonNode api() {
            JsonNode api = field(details, "api");
            return api == null ? MissingNode.getInstance() : api;
        }

        /** {@return the identifier} */
        public Optional<String> identifier() {
            JsonNode identifier = field(details, "identifier");
            return identifier == null || !identifier.isTextual() ? Optional.empty() : Optional.of(identifier.asText());
        }

        /** {@return the labels} */
        public Map<String, String> labels() {
            Map<String, String> labels = new LinkedHashMap<>();
            JsonNode node = field(details, "labels");
            if (node != null && node.isObject()) {
                node.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
            }
            return labels;
        }
    }

    /**
     * A request as MockKyma answered it.
     *
     * @param route           the route, empty for a path it does not serve
     * @param clientPrincipal the TLS client certificate's subject, when one was presented
     */
    public record RecordedRequest(Optional<Route> route, String method, String path, int status, Optional<String> clientPrincipal) {
    }

    private record Fault(Route route, int status) {
    }

    private record RouteFailure(Route route, Failure failure) {
    }

    private record RandomFailures(double fraction, Random random, List<Failure> failures) {
    }

    private record Problem(String field, String type, String message) {
    }

    private record Response(int status, String contentType, byte[] body, boolean injected) {

        Response(int status, String contentType, byte[] body) {
            this(status, contentType, body, false);
        }

        Response asInjected() {
            return new Response(status, contentType, body, true);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // As MockMarketingSystem does: without it every answer of the JDK server waits about 40 ms on the
        // client's delayed ACK (Nagle). Read once, when the JDK's server configuration loads.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?");
    private static final Pattern VERSION = Pattern.compile("[a-zA-Z0-9]{1,4}");
    private static final Pattern VERSION_SUFFIX = Pattern.compile("v[0-9]+");
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern RFC_3339 = Pattern.compile("\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})");
    private static final String CE_JSON = "application/cloudevents+json";
    private static final String CE_BATCH = "application/cloudevents-batch+json";

    private final HttpServer server;
    private final ExecutorService executor;
    private final ScheduledExecutorService delayer;
    private final Clock clock;
    private final Random random;
    private final URI url;

    private final Map<String, Map<String, ObjectNode>> services = new LinkedHashMap<>();
    private final List<ReceivedEvent> events = new ArrayList<>();
    private final LinkedBlockingQueue<ReceivedEvent> eventQueue = new LinkedBlockingQueue<>();
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private double randomFraction;
    private int randomStatus;
    private boolean randomAfterAccepting;
    private Duration latency = Duration.ZERO;
    private boolean outage;
    private Instant outageUntil;
    private String retryAfter;
    private final Deque<RouteFailure> routeFailures = new ArrayDeque<>();
    private final Map<Route, RandomFailures> randomFailures = new java.util.EnumMap<>(Route.class);
    private Duration stall = DEFAULT_STALL;
    private boolean duplicateIdentifiers;
    private final Map<Failure, Integer> failuresInjected = new java.util.EnumMap<>(Failure.class);

    /** A MockKyma on a free loopback port, plain HTTP, started. */
    public MockKyma() {
        this(builder());
    }

    private MockKyma(Builder builder) {
        this.clock = builder.clock;
        this.random = new Random(builder.seed);
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), builder.port);
            if (builder.sslContext != null) {
                HttpsServer https = HttpsServer.create(address, 0);
                SSLContext context = builder.sslContext;
                boolean needClientAuth = builder.needClientAuth;
                https.setHttpsConfigurator(new HttpsConfigurator(context) {
                    @Override
                    public void configure(HttpsParameters params) {
                        SSLParameters parameters = context.getDefaultSSLParameters();
                        parameters.setNeedClientAuth(needClientAuth);
                        params.setSSLParameters(parameters);
                    }
                });
                server = https;
            } else {
                server = HttpServer.create(address, 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("MockKyma cannot listen on port " + builder.port, e);
        }
        this.executor = Executors.newCachedThreadPool(daemon("mock-kyma"));
        this.delayer = Executors.newSingleThreadScheduledExecutor(daemon("mock-kyma-latency"));
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        this.url = URI.create((builder.sslContext != null ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort());
    }

    /** {@return a builder with the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    // --- addresses ---

    /** {@return {@code http://127.0.0.1:<port>} (or https), without a trailing slash} */
    public URI url() {
        return url;
    }

    /** {@return the port} */
    public int port() {
        return url.getPort();
    }

    /**
     * The Application Registry base of an Application: {@code …/{application}/v1/metadata/services}.
     *
     * @param application the Kyma Application
     * @return the Application Registry base of an Application: {@code …/{application}/v1/metadata/services}
     */
    public URI registryUrl(String application) {
        return URI.create(url + "/" + application + "/v1/metadata/services");
    }

    /**
     * Events v1 with {@code source-id}: {@code …/v1/events}.
     *
     * @return events v1 with {@code source-id}: {@code …/v1/events}
     */
    public URI eventsUrl() {
        return URI.create(url + "/v1/events");
    }

    /**
     * Events v1 of an Application: {@code …/{application}/v1/events}.
     *
     * @param application the Kyma Application
     * @return events v1 of an Application: {@code …/{application}/v1/events}
     */
    public URI eventsUrl(String application) {
        return URI.create(url + "/" + application + "/v1/events");
    }

    /**
     * CloudEvents: {@code …/publish}.
     *
     * @return the publish URL
     */
    public URI publishUrl() {
        return URI.create(url + "/publish");
    }

    // --- what it saw ---

    /** {@return every registered service of every Application, in registration order} */
    public synchronized List<RegisteredService> services() {
        List<RegisteredService> all = new ArrayList<>();
        services.forEach((app, byId) -> byId.forEach((id, details) -> all.add(new RegisteredService(app, id, details.deepCopy()))));
        return all;
    }

    /**
     * The registered services of one Application, in registration order.
     *
     * @param application the Kyma Application
     * @return the services
     */
    public synchronized List<RegisteredService> services(String application) {
        return services().stream().filter(s -> s.application().equals(application)).toList();
    }

    /** {@return every accepted event in arrival order, redeliveries included} */
    public synchronized List<ReceivedEvent> events() {
        return List.copyOf(events);
    }

    /** {@return the accepted events grouped by id, in order of first arrival} */
    public synchronized Map<String, List<ReceivedEvent>> eventsById() {
        Map<String, List<ReceivedEvent>> byId = new LinkedHashMap<>();
        events.forEach(e -> byId.computeIfAbsent(e.id(), k -> new ArrayList<>()).add(e));
        return byId;
    }

    /**
     * Ids accepted more than once, with how often.
     *
     * @return ids accepted more than once, with how often
     */
    public synchronized Map<String, Integer> duplicates() {
        Map<String, Integer> duplicates = new LinkedHashMap<>();
        eventsById().forEach((id, list) -> {
            if (list.size() > 1) {
                duplicates.put(id, list.size());
            }
        });
        return duplicates;
    }

    /**
     * The next accepted event (in arrival order, each once), waiting up to {@code timeout}; empty when none came.
     *
     * @param timeout how long to wait
     * @return the next accepted event (in arrival order, each once), waiting up to {@code timeout}; empty when none came
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public Optional<ReceivedEvent> takeEvent(Duration timeout) throws InterruptedException {
        return Optional.ofNullable(eventQueue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    /**
     * Waits for the next accepted event (in arrival order, each once; shares its queue with {@link #takeEvent}).
     *
     * @param timeout how long to wait
     * @return the event
     * @throws AssertionError when none arrives in time
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public ReceivedEvent awaitEvent(Duration timeout) throws InterruptedException {
        return takeEvent(timeout).orElseThrow(() -> new AssertionError("expected an event within " + timeout + ", got none"
                + " (" + events().size() + " accepted in all)"));
    }

    /**
     * Waits until at least {@code count} events were accepted.
     *
     * @param count how many
     * @param timeout how long to wait
     * @return the events accepted by then, in arrival order
     * @throws InterruptedException when the waiting thread is interrupted
     * @throws AssertionError when they do not arrive in time
     */
    public synchronized List<ReceivedEvent> awaitEvents(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (events.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + count + " events within " + timeout + ", got " + events.size());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return List.copyOf(events);
    }

    /** {@return every request answered so far, faults included} */
    public synchronized List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /**
     * How many requests reached this route (answered with anything).
     *
     * @param route the route, e.g. {@code /v1/events}
     * @return how many requests reached this route (answered with anything)
     */
    public synchronized int requestCount(Route route) {
        return (int) requests.stream().filter(r -> r.route().equals(Optional.of(route))).count();
    }

    // --- faults ---

    /**
     * The next {@code count} requests (any route) answer {@code status}.
     *
     * @param status the HTTP status
     * @param count how many
     * @return this MockKyma
     */
    public synchronized MockKyma failNext(int status, int count) {
        return failNext(null, status, count);
    }

    /**
     * The next {@code count} requests to {@code route} answer {@code status}.
     *
     * @param route the route, e.g. {@code /v1/events}
     * @param status the HTTP status
     * @param count how many
     * @return this MockKyma
     */
    public synchronized MockKyma failNext(Route route, int status, int count) {
        checkStatus(status);
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        for (int i = 0; i < count; i++) {
            faults.add(new Fault(route, status));
        }
        return this;
    }

    /**
     * A {@code fraction} of event calls answer {@code status} before the event is accepted, chosen by
     * the seeded random (repeatable for the same order of calls); 0 turns it off.
     *
     * @param fraction between 0 and 1
     * @param status the HTTP status
     * @return this MockKyma
     */
    public synchronized MockKyma failRandomly(double fraction, int status) {
        return random(fraction, status, false);
    }

    /**
     * A {@code fraction} of event calls are accepted and recorded but answer {@code status}, as when a
     * gateway times out after the backend took the event: the client retries and the event arrives twice.
     *
     * @param fraction between 0 and 1
     * @param status the HTTP status
     * @return this MockKyma
     */
    public synchronized MockKyma failRandomlyAfterAccepting(double fraction, int status) {
        return random(fraction, status, true);
    }

    private MockKyma random(double fraction, int status, boolean afterAccepting) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in [0, 1], got " + fraction);
        }
        checkStatus(status);
        this.randomFraction = fraction;
        this.randomStatus = status;
        this.randomAfterAccepting = afterAccepting;
        return this;
    }

    /**
     * Every answer is delayed by this much (without blocking a server thread).
     *
     * @param latency the delay
     * @return this MockKyma
     */
    public synchronized MockKyma setLatency(Duration latency) {
        Objects.requireNonNull(latency, "latency");
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative, got " + latency);
        }
        this.latency = latency;
        return this;
    }

    /**
     * Every request answers 503 from now until {@code duration} later on the MockKyma's clock.
     *
     * @param duration the duration
     * @return this MockKyma
     */
    public synchronized MockKyma outage(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        this.outageUntil = clock.instant().plus(duration);
        return this;
    }

    /** {@return every request answers 503 until {@link #endOutage()}} */
    public synchronized MockKyma startOutage() {
        this.outage = true;
        return this;
    }

    /** {@return this MockKyma} */
    public synchronized MockKyma endOutage() {
        this.outage = false;
        this.outageUntil = null;
        return this;
    }

    /**
     * A {@code Retry-After} header value (seconds or an HTTP-date) sent with every injected failure; null for none.
     *
     * @param value the value
     * @return this MockKyma
     */
    public synchronized MockKyma setRetryAfter(String value) {
        this.retryAfter = value;
        return this;
    }

    /**
     * A {@code fraction} of the requests to {@code route} fail, each in one of the {@code failures} ways
     * (chosen evenly), picked by a random of its own with this {@code seed}; 0 turns it off. Applies to
     * every route, the registry included, and works alongside the other faults.
     *
     * @param route the route, e.g. {@code /v1/events}
     * @param fraction between 0 and 1
     * @param seed the seed of the random that picks the failing requests
     * @param failures the ways to fail, at least one
     * @return this MockKyma
     */
    public synchronized MockKyma failRandomly(Route route, double fraction, long seed, Failure... failures) {
        Objects.requireNonNull(route, "route");
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in [0, 1], got " + fraction);
        }
        if (failures.length == 0 && fraction > 0) {
            throw new IllegalArgumentException("name at least one failure");
        }
        if (fraction == 0) {
            randomFailures.remove(route);
        } else {
            randomFailures.put(route, new RandomFailures(fraction, new Random(seed), List.of(failures)));
        }
        return this;
    }

    /**
     * The next {@code count} requests to {@code route} fail this way.
     *
     * @param route the route, e.g. {@code /v1/events}
     * @param failure how the requests fail
     * @param count   how many requests
     * @return the fail next
     */
    public synchronized MockKyma failNext(Route route, Failure failure, int count) {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(failure, "failure");
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        for (int i = 0; i < count; i++) {
            routeFailures.add(new RouteFailure(route, failure));
        }
        return this;
    }

    /**
     * How long a {@link Failure#STALL_AFTER_APPLYING} answer waits (default {@link #DEFAULT_STALL}).
     *
     * @param stall zero or more
     * @return this MockKyma
     */
    public synchronized MockKyma stallFor(Duration stall) {
        Objects.requireNonNull(stall, "stall");
        if (stall.isNegative()) {
            throw new IllegalArgumentException("stall must not be negative, got " + stall);
        }
        this.stall = stall;
        return this;
    }

    /**
     * Whether the registry accepts a second service with an identifier it already has (off by default:
     * 409). On, it shows what a client that repeats a create whose outcome it did not learn leaves behind.
     *
     * @param accept true to accept duplicates
     * @return this MockKyma
     */
    public synchronized MockKyma acceptDuplicateIdentifiers(boolean accept) {
        this.duplicateIdentifiers = accept;
        return this;
    }

    /**
     * How many requests failed in this way so far (by {@link #failNext(Route, Failure, int)} or at random).
     *
     * @param failure the failure
     * @return the failures injected
     */
    public synchronized int failuresInjected(Failure failure) {
        return failuresInjected.getOrDefault(failure, 0);
    }

    /**
     * Services of the Application that share an identifier with another, by identifier.
     *
     * @param application the application
     * @return the duplicate identifiers
     */
    public synchronized Map<String, Integer> duplicateIdentifiers(String application) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        services(application).forEach(s -> s.identifier().ifPresent(id -> counts.merge(id, 1, Integer::sum)));
        counts.values().removeIf(n -> n < 2);
        return counts;
    }

    /**
     * Forgets services, events, requests and faults.
     *
     * @return this MockKyma
     */
    public synchronized MockKyma reset() {
        services.clear();
        events.clear();
        eventQueue.clear();
        requests.clear();
        faults.clear();
        randomFraction = 0;
        latency = Duration.ZERO;
        outage = false;
        outageUntil = null;
        retryAfter = null;
        routeFailures.clear();
        randomFailures.clear();
        stall = DEFAULT_STALL;
        duplicateIdentifiers = false;
        failuresInjected.clear();
        return this;
    }

    /** Stops at once; requests in progress are cut off. */
    @Override
    public void close() {
        server.stop(0);
        delayer.shutdownNow();
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "MockKyma[" + url + "]";
    }

    // --- request handling ---

    private void handle(HttpExchange exchange) {
        try {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            Optional<Route> route = route(path);
            Response response;
            Duration delay;
            Failure failure = route.map(this::pickFailure).orElse(null);
            response = failure == Failure.UNAVAILABLE ? injected(route.get(), 503, "injected failure: unavailable")
                    : respond(route, method, path, exchange, body);
            synchronized (this) {
                requests.add(new RecordedRequest(route, method, path, failure == Failure.CUT_AFTER_APPLYING ? 0 : response.status(),
                        clientPrincipal(exchange)));
                delay = failure == Failure.STALL_AFTER_APPLYING ? latency.plus(stall) : latency;
            }
            if (failure == Failure.CUT_AFTER_APPLYING) {
                exchange.close();
            } else if (delay.isZero()) {
                send(exchange, response);
            } else {
                delayer.schedule(() -> send(exchange, response), delay.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (IOException | RuntimeException e) {
            send(exchange, new Response(500, "application/json", bytes(JSON.createObjectNode().put("code", 500)
                    .put("error", "MockKyma failed: " + e))));
        }
    }

    /** The failure of this request, if one was asked for (next ones first, then at random). */
    private synchronized Failure pickFailure(Route route) {
        Failure failure = null;
        for (Iterator<RouteFailure> it = routeFailures.iterator(); it.hasNext(); ) {
            RouteFailure next = it.next();
            if (next.route() == route) {
                it.remove();
                failure = next.failure();
                break;
            }
        }
        RandomFailures random = randomFailures.get(route);
        if (failure == null && random != null && random.random().nextDouble() < random.fraction()) {
            failure = random.failures().get(random.random().nextInt(random.failures().size()));
        }
        if (failure != null) {
            failuresInjected.merge(failure, 1, Integer::sum);
        }
        return failure;
    }

    /** Faults are decided under the lock; events are validated outside it, so parallel publishers are not serialised. */
    private Response respond(Optional<Route> route, String method, String path, HttpExchange exchange, byte[] body) {
        if (route.isEmpty()) {
            return registryError(404, "no route for " + method + " " + path);
        }
        Route r = route.get();
        boolean failAfterAccepting;
        int failStatus;
        synchronized (this) {
            if (outage || (outageUntil != null && clock.instant().isBefore(outageUntil))) {
                return injected(r, 503, "outage: the service is unavailable");
            }
            for (Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
                Fault fault = it.next();
                if (fault.route() == null || fault.route() == r) {
                    it.remove();
                    return injected(r, fault.status(), "injected failure");
                }
            }
            boolean randomHit = r.isEvents() && randomFraction > 0 && random.nextDouble() < randomFraction;
            if (randomHit && !randomAfterAccepting) {
                return injected(r, randomStatus, "injected random failure");
            }
            failAfterAccepting = randomHit;
            failStatus = randomStatus;
            if (r == Route.REGISTRY) {
                return registry(method, path, body);
            }
        }
        Response response = r == Route.PUBLISH ? publish(method, exchange, body) : eventsV1(r, method, path, body);
        if (failAfterAccepting && response.status() / 100 == 2) {
            return injected(r, failStatus, "injected random failure after the event was accepted");
        }
        return response;
    }

    private static Optional<Route> route(String path) {
        String[] segments = segments(path);
        if (segments.length == 1 && segments[0].equals("publish")) {
            return Optional.of(Route.PUBLISH);
        }
        if (segments.length == 2 && segments[0].equals("v1") && segments[1].equals("events")) {
            return Optional.of(Route.EVENTS_V1);
        }
        if (segments.length == 3 && segments[1].equals("v1") && segments[2].equals("events")) {
            return Optional.of(Route.EVENTS_V1_APPLICATION);
        }
        if ((segments.length == 4 || segments.length == 5) && segments[1].equals("v1") && segments[2].equals("metadata")
                && segments[3].equals("services")) {
            return Optional.of(Route.REGISTRY);
        }
        return Optional.empty();
    }

    private static String[] segments(String path) {
        String trimmed = path.replaceAll("^/+|/+$", "");
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/+");
    }

    private Response injected(Route route, int status, String message) {
        Response response = route == Route.REGISTRY ? registryError(status, message) : eventsError(status, message, List.of());
        return response.asInjected();
    }

    // --- Application Registry ---

    private Response registry(String method, String path, byte[] body) {
        String[] segments = segments(path);
        String application = segments[0];
        Map<String, ObjectNode> byId = services.computeIfAbsent(application, k -> new LinkedHashMap<>());
        if (segments.length == 4) {
            switch (method) {
                case "GET": {
                    ArrayNode list = JSON.createArrayNode();
                    byId.forEach((id, details) -> {
                        ObjectNode item = list.addObject();
                        item.put("id", id);
                        for (String field : new String[] {"provider", "name", "description", "identifier", "labels"}) {
                            JsonNode value = field(details, field);
                            if (value != null) {
                                item.set(field, value.deepCopy());
                            }
                        }
                    });
                    return json(200, list);
                }
                case "POST": {
                    JsonNode details = parse(body);
                    String problems = validateServiceDetails(details);
                    if (problems != null) {
                        return registryError(400, problems);
                    }
                    String conflict = duplicateIdentifiers ? null : identifierConflict(byId, details, null);
                    if (conflict != null) {
                        return registryError(409, conflict);
                    }
                    String id = UUID.randomUUID().toString();
                    byId.put(id, (ObjectNode) details);
                    return json(200, JSON.createObjectNode().put("id", id));
                }
                default:
                    return registryError(405, "method " + method + " is not allowed on " + path);
            }
        }
        String id = segments[4];
        ObjectNode stored = byId.get(id);
        if (!method.equals("GET") && !method.equals("PUT") && !method.equals("DELETE")) {
            return registryError(405, "method " + method + " is not allowed on " + path);
        }
        if (stored == null) {
            return registryError(404, "service with id '" + id + "' not found in Application '" + application + "'");
        }
        switch (method) {
            case "GET":
                return json(200, masked(stored));
            case "PUT": {
                JsonNode details = parse(body);
                String problems = validateServiceDetails(details);
                if (problems != null) {
                    return registryError(400, problems);
                }
                String conflict = duplicateIdentifiers ? null : identifierConflict(byId, details, id);
                if (conflict != null) {
                    return registryError(409, conflict);
                }
                byId.put(id, (ObjectNode) details);
                return json(200, masked((ObjectNode) details));
            }
            default:
                byId.remove(id);
                return new Response(204, null, new byte[0]);
        }
    }

    private static String identifierConflict(Map<String, ObjectNode> byId, JsonNode details, String exceptId) {
        JsonNode identifier = field(details, "identifier");
        if (identifier == null || !identifier.isTextual() || identifier.asText().isEmpty()) {
            return null;
        }
        for (Map.Entry<String, ObjectNode> entry : byId.entrySet()) {
            JsonNode other = field(entry.getValue(), "identifier");
            if (!entry.getKey().equals(exceptId) && other != null && identifier.asText().equals(other.asText())) {
                return "identifier: service '" + entry.getKey() + "' already has the identifier '" + identifier.asText() + "'";
            }
        }
        return null;
    }

    /** Every problem of a ServiceDetails document, joined, or null when it is valid. */
    static String validateServiceDetails(JsonNode details) {
        if (details == null || !details.isObject()) {
            return "body: must be a ServiceDetails JSON object";
        }
        List<String> problems = new ArrayList<>();
        for (String required : new String[] {"provider", "name", "description"}) {
            requireText(details, required, required, problems);
        }
        optionalText(details, "shortDescription", "shortDescription", problems);
        optionalText(details, "identifier", "identifier", problems);
        JsonNode labels = field(details, "labels");
        if (labels != null && !labels.isNull()) {
            if (!labels.isObject()) {
                problems.add("labels: must be an object of strings");
            } else {
                labels.properties().forEach(e -> {
                    if (!e.getValue().isTextual()) {
                        problems.add("labels." + e.getKey() + ": must be a string");
                    }
                });
            }
        }
        JsonNode api = field(details, "api");
        if (api != null && !api.isNull()) {
            if (!api.isObject()) {
                problems.add("api: must be an object");
            } else {
                requireUrl(api, "targetUrl", "api.targetUrl", problems);
                optionalUrl(api, "specificationUrl", "api.SpecificationUrl", problems);
                optionalText(api, "apiType", "api.ApiType", problems);
                JsonNode credentials = field(api, "credentials");
                if (credentials != null && !credentials.isNull()) {
                    validateCredentials(credentials, "api.credentials", true, problems);
                }
                JsonNode specificationCredentials = field(api, "specificationCredentials");
                if (specificationCredentials != null && !specificationCredentials.isNull()) {
                    validateCredentials(specificationCredentials, "api.specificationCredentials", false, problems);
                }
            }
        }
        JsonNode events = field(details, "events");
        if (events != null && !events.isNull()) {
            JsonNode spec = events.isObject() ? field(events, "spec") : null;
            if (!events.isObject()) {
                problems.add("events: must be an object");
            } else if (spec == null || !spec.isObject()) {
                problems.add("events.spec: must be an AsyncAPI JSON object");
            }
        }
        JsonNode documentation = field(details, "documentation");
        if (documentation != null && !documentation.isNull() && !documentation.isObject()) {
            problems.add("documentation: must be an object");
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    private static void validateCredentials(JsonNode credentials, String path, boolean certificateAllowed, List<String> problems) {
        if (!credentials.isObject()) {
            problems.add(path + ": must be an object");
            return;
        }
        List<String> kinds = new ArrayList<>();
        for (String kind : certificateAllowed ? new String[] {"basic", "oauth", "certificateGen"} : new String[] {"basic", "oauth"}) {
            JsonNode value = field(credentials, kind);
            if (value != null && !value.isNull()) {
                kinds.add(kind);
            }
        }
        if (kinds.size() != 1) {
            problems.add(path + ": exactly one of basic, oauth" + (certificateAllowed ? ", certificateGen" : "") + " is allowed, found "
                    + (kinds.isEmpty() ? "none" : String.join(" and ", kinds)));
            return;
        }
        String kind = kinds.get(0);
        JsonNode value = field(credentials, kind);
        String at = path + "." + kind;
        if (!value.isObject()) {
            problems.add(at + ": must be an object");
            return;
        }
        if (kind.equals("basic")) {
            requireText(value, "username", at + ".username", problems);
            requireText(value, "password", at + ".password", problems);
        } else if (kind.equals("oauth")) {
            requireUrl(value, "url", at + ".url", problems);
            requireText(value, "clientId", at + ".clientId", problems);
            requireText(value, "clientSecret", at + ".clientSecret", problems);
        }
        JsonNode csrf = field(value, "csrfInfo");
        if (csrf != null && !csrf.isNull()) {
            if (!csrf.isObject()) {
                problems.add(at + ".csrfInfo: must be an object");
            } else {
                requireUrl(csrf, "tokenEndpointURL", at + ".csrfInfo.tokenEndpointURL", problems);
            }
        }
    }

    private static void requireText(JsonNode node, String name, String path, List<String> problems) {
        JsonNode value = field(node, name);
        if (value == null || value.isNull()) {
            problems.add(path + ": required field is missing");
        } else if (!value.isTextual()) {
            problems.add(path + ": must be a string");
        } else if (value.asText().isBlank()) {
            problems.add(path + ": must not be empty");
        }
    }

    private static void optionalText(JsonNode node, String name, String path, List<String> problems) {
        JsonNode value = field(node, name);
        if (value != null && !value.isNull() && !value.isTextual()) {
            problems.add(path + ": must be a string");
        }
    }

    private static void requireUrl(JsonNode node, String name, String path, List<String> problems) {
        int before = problems.size();
        requireText(node, name, path, problems);
        if (problems.size() == before && !isUrl(field(node, name).asText())) {
            problems.add(path + ": '" + field(node, name).asText() + "' is not an absolute http(s) URL");
        }
    }

    private static void optionalUrl(JsonNode node, String name, String path, List<String> problems) {
        JsonNode value = field(node, name);
        if (value != null && !value.isNull()) {
            requireUrl(node, name, path, problems);
        }
    }

    private static boolean isUrl(String text) {
        try {
            URI uri = new URI(text);
            return uri.isAbsolute() && uri.getHost() != null && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()));
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static ObjectNode masked(ObjectNode details) {
        ObjectNode copy = details.deepCopy();
        JsonNode api = field(copy, "api");
        if (api != null && api.isObject()) {
            for (String credentialsField : new String[] {"credentials", "specificationCredentials"}) {
                JsonNode credentials = field(api, credentialsField);
                if (credentials == null || !credentials.isObject()) {
                    continue;
                }
                JsonNode basic = field(credentials, "basic");
                if (basic instanceof ObjectNode b && field(b, "password") != null) {
                    b.put("password", MASKED_SECRET);
                }
                JsonNode oauth = field(credentials, "oauth");
                if (oauth instanceof ObjectNode o && field(o, "clientSecret") != null) {
                    o.put("clientSecret", MASKED_SECRET);
                }
            }
        }
        return copy;
    }

    private static Response registryError(int status, String error) {
        return json(status, JSON.createObjectNode().put("code", status).put("error", error));
    }

    // --- events v1 ---

    private Response eventsV1(Route route, String method, String path, byte[] body) {
        if (!method.equals("POST")) {
            return eventsError(405, "method " + method + " is not allowed on " + path, List.of());
        }
        if (body.length > MAX_EVENT_BODY_BYTES) {
            return tooLarge(body.length);
        }
        JsonNode event = parse(body);
        List<Problem> problems = new ArrayList<>();
        if (event == null || !event.isObject()) {
            problems.add(new Problem("body", "invalid_field", "body: must be a JSON object"));
            return eventsError(400, "body: must be a JSON object", problems);
        }
        String source;
        if (route == Route.EVENTS_V1) {
            source = text(event, "source-id", true, problems);
            if (source != null && source.isBlank()) {
                problems.add(new Problem("source-id", "invalid_field", "source-id: must not be empty"));
            }
        } else {
            source = segments(path)[0];
        }
        String type = text(event, "event-type", true, problems);
        if (type != null && !validEventType(type)) {
            problems.add(new Problem("event-type", "invalid_field", "event-type '" + abbreviate(type)
                    + "': must be dot-separated labels of letters, digits and inner '-' (each at most 63), at most 253 characters"));
        }
        String version = text(event, "event-type-version", true, problems);
        if (version != null && !VERSION.matcher(version).matches()) {
            problems.add(new Problem("event-type-version", "invalid_field", "event-type-version '" + abbreviate(version)
                    + "': must be 1 to 4 letters or digits"));
        }
        String id = text(event, "event-id", false, problems);
        if (id != null && !UUID_TEXT.matcher(id).matches()) {
            problems.add(new Problem("event-id", "invalid_field", "event-id '" + abbreviate(id) + "': must be a UUID"));
        }
        String timeText = text(event, "event-time", true, problems);
        OffsetDateTime time = null;
        if (timeText != null) {
            time = rfc3339(timeText);
            if (time == null) {
                problems.add(new Problem("event-time", "invalid_field", "event-time '" + abbreviate(timeText) + "': must be an RFC 3339 date-time"));
            }
        }
        JsonNode data = event.get("data");
        if (data == null) {
            problems.add(new Problem("data", "missing_field", "data: required field is missing"));
        } else if (data.isNull()) {
            problems.add(new Problem("data", "invalid_field", "data: must not be null"));
        }
        if (!problems.isEmpty()) {
            return eventsError(400, String.join("; ", problems.stream().map(Problem::message).toList()), problems);
        }
        String eventId = id != null ? id : UUID.randomUUID().toString();
        accept(new ReceivedEvent(eventId, type, version, source, Optional.of(time), data, route, Encoding.EVENTS_V1));
        return json(200, JSON.createObjectNode().put("event-id", eventId));
    }

    private static String text(JsonNode node, String field, boolean required, List<Problem> problems) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                problems.add(new Problem(field, "missing_field", field + ": required field is missing"));
            }
            return null;
        }
        if (!value.isTextual()) {
            problems.add(new Problem(field, "invalid_field", field + ": must be a string"));
            return null;
        }
        return value.asText();
    }

    private static boolean validEventType(String type) {
        if (type.isEmpty() || type.length() > 253) {
            return false;
        }
        for (String label : type.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    private static OffsetDateTime rfc3339(String text) {
        if (!RFC_3339.matcher(text).matches()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    // --- CloudEvents /publish ---

    private Response publish(String method, HttpExchange exchange, byte[] body) {
        if (!method.equals("POST")) {
            return eventsError(405, "method " + method + " is not allowed on /publish", List.of());
        }
        if (body.length > MAX_EVENT_BODY_BYTES) {
            return tooLarge(body.length);
        }
        String contentType = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type")).orElse("")
                .split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (contentType.equals(CE_BATCH)) {
            return eventsError(400, "content-type: batched CloudEvents are not supported", List.of());
        }
        List<Problem> problems = new ArrayList<>();
        String specVersion;
        String id;
        String source;
        String type;
        String timeText;
        JsonNode data;
        Encoding encoding;
        if (contentType.equals(CE_JSON)) {
            encoding = Encoding.STRUCTURED;
            JsonNode event = parse(body);
            if (event == null || !event.isObject()) {
                return eventsError(400, "body: a structured CloudEvent must be a JSON object", List.of());
            }
            specVersion = text(event, "specversion", true, problems);
            id = text(event, "id", true, problems);
            source = text(event, "source", true, problems);
            type = text(event, "type", true, problems);
            timeText = text(event, "time", false, problems);
            if (event.has("data") && event.get("data").isNull()) {
                problems.add(new Problem("data", "invalid_field", "data: must not be null"));
                data = null;
            } else if (event.has("data")) {
                data = event.get("data");
            } else if (event.hasNonNull("data_base64")) {
                data = decodeData(Base64.getDecoder().decode(event.get("data_base64").asText()),
                        event.path("datacontenttype").asText("application/json"), problems);
            } else {
                data = MissingNode.getInstance();
            }
        } else {
            encoding = Encoding.BINARY;
            specVersion = header(exchange, "ce-specversion", true, problems);
            id = header(exchange, "ce-id", true, problems);
            source = header(exchange, "ce-source", true, problems);
            type = header(exchange, "ce-type", true, problems);
            timeText = header(exchange, "ce-time", false, problems);
            data = body.length == 0 ? MissingNode.getInstance() : decodeData(body, contentType, problems);
        }
        if (specVersion != null && !specVersion.equals("1.0")) {
            problems.add(new Problem("specversion", "invalid_field", "specversion '" + abbreviate(specVersion) + "': only 1.0 is supported"));
        }
        for (Object[] check : new Object[][] {{"id", id}, {"source", source}, {"type", type}}) {
            if (check[1] != null && ((String) check[1]).isBlank()) {
                problems.add(new Problem((String) check[0], "invalid_field", check[0] + ": must not be empty"));
            }
        }
        OffsetDateTime time = null;
        if (timeText != null) {
            time = rfc3339(timeText);
            if (time == null) {
                problems.add(new Problem("time", "invalid_field", "time '" + abbreviate(timeText) + "': must be an RFC 3339 date-time"));
            }
        }
        if (!problems.isEmpty()) {
            return eventsError(400, String.join("; ", problems.stream().map(Problem::message).toList()), problems);
        }
        String name = type;
        String version = "";
        int lastDot = type.lastIndexOf('.');
        if (lastDot > 0 && VERSION_SUFFIX.matcher(type.substring(lastDot + 1)).matches()) {
            name = type.substring(0, lastDot);
            version = type.substring(lastDot + 1);
        }
        accept(new ReceivedEvent(id, name, version, source, Optional.ofNullable(time), data, Route.PUBLISH, encoding));
        return new Response(204, null, new byte[0]);
    }

    private static String header(HttpExchange exchange, String name, boolean required, List<Problem> problems) {
        String value = exchange.getRequestHeaders().getFirst(name);
        if (value == null && required) {
            problems.add(new Problem(name.substring(3), "missing_field", name + ": required header is missing"));
        }
        return value;
    }

    private static JsonNode decodeData(byte[] bytes, String contentType, List<Problem> problems) {
        String type = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (type.isEmpty() || type.equals("application/json") || type.endsWith("+json") || type.equals("text/json")) {
            JsonNode node = parse(bytes);
            if (node == null) {
                problems.add(new Problem("data", "invalid_field", "data: is not valid JSON"));
            } else if (node.isNull()) {
                problems.add(new Problem("data", "invalid_field", "data: must not be null"));
            }
            return node;
        }
        return TextNode.valueOf(new String(bytes, StandardCharsets.UTF_8));
    }

    // --- shared ---

    private synchronized void accept(ReceivedEvent event) {
        events.add(event);
        eventQueue.add(event);
        notifyAll();
    }

    private static Response tooLarge(int bytes) {
        return eventsError(413, "body: " + bytes + " bytes is more than the " + MAX_EVENT_BODY_BYTES + " (64 KiB) accepted", List.of());
    }

    private static Response eventsError(int status, String message, List<Problem> problems) {
        ObjectNode error = JSON.createObjectNode();
        error.put("status", status);
        error.put("type", reason(status));
        error.put("message", message);
        ArrayNode details = error.putArray("details");
        problems.forEach(p -> details.addObject().put("field", p.field()).put("type", p.type()).put("message", p.message()));
        return json(status, error);
    }

    private static String reason(int status) {
        switch (status) {
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 413: return "Request Entity Too Large";
            case 429: return "Too Many Requests";
            case 500: return "Internal Server Error";
            case 502: return "Bad Gateway";
            case 503: return "Service Unavailable";
            case 504: return "Gateway Timeout";
            case 507: return "Insufficient Storage";
            default: return "HTTP " + status;
        }
    }

    private static Response json(int status, JsonNode body) {
        return new Response(status, "application/json", bytes(body));
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private void send(HttpExchange exchange, Response response) {
        try (exchange) {
            if (response.contentType() != null) {
                exchange.getResponseHeaders().set("Content-Type", response.contentType());
            }
            String retry;
            synchronized (this) {
                retry = retryAfter;
            }
            if (retry != null && response.injected()) {
                exchange.getResponseHeaders().set("Retry-After", retry);
            }
            boolean empty = response.body().length == 0;
            exchange.sendResponseHeaders(response.status(), empty ? -1 : response.body().length);
            if (!empty) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
        } catch (IOException e) {
            // the client went away: nothing to tell it
        }
    }

    private static Optional<String> clientPrincipal(HttpExchange exchange) {
        if (exchange instanceof HttpsExchange https) {
            try {
                return Optional.of(https.getSSLSession().getPeerPrincipal().getName());
            } catch (SSLPeerUnverifiedException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static void checkStatus(int status) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP status (100-599), got " + status);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }

    private static Optional<String> textOf(JsonNode node, String name) {
        JsonNode value = field(node, name);
        return value == null || !value.isTextual() ? Optional.empty() : Optional.of(value.asText());
    }

    private static Optional<URI> uriOf(JsonNode node, String name) {
        return textOf(node, name).flatMap(text -> {
            try {
                return Optional.of(URI.create(text));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        });
    }

    /** The field with this name in any case, as the Go registry matches it. */
    static JsonNode field(JsonNode node, String name) {
        JsonNode exact = node.get(name);
        if (exact != null) {
            return exact;
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String candidate = names.next();
            if (candidate.equalsIgnoreCase(name)) {
                return node.get(candidate);
            }
        }
        return null;
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Settings of a {@link MockKyma}. */
    public static final class Builder {

        private int port;
        private Clock clock = Clock.systemUTC();
        private long seed = DEFAULT_SEED;
        private SSLContext sslContext;
        private boolean needClientAuth;

        private Builder() {
        }

        /**
         * The port to listen on; 0 (the default) picks a free one.
         *
         * @param port the port, 0 for a free one
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0-65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The clock that {@link MockKyma#outage(Duration)} windows are measured on.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The seed of {@link MockKyma#failRandomly(double, int)}.
         *
         * @param seed the seed of the random that picks the failing requests
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Serves HTTPS with this context; with {@code needClientAuth} a client certificate is required.
         *
         * @param sslContext the ssl context
         * @param needClientAuth the need client auth
         * @return this builder
         */
        public Builder tls(SSLContext sslContext, boolean needClientAuth) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            this.needClientAuth = needClientAuth;
            return this;
        }

        /**
         * Starts the MockKyma, as {@code MockMarketingSystem.Builder.start()} starts its server.
         *
         * @return the running MockKyma; {@link MockKyma#close()} stops it
         * @throws UncheckedIOException when the port is taken
         */
        public MockKyma start() {
            return new MockKyma(this);
        }
    }
}
