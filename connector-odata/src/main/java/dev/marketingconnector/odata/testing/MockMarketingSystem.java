package dev.marketingconnector.odata.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.marketingconnector.core.catalog.CatalogService;
import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.communication.CommunicationUser;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.odata.EdmxMetadataParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mock SAP system serving OData V2 on loopback, for tests and demos: it serves the services of any
 * {@link ServiceCatalog} the way an SAP tenant does. By default that is the bundled SAP Marketing
 * Cloud catalog, whose 26 services with real {@code $metadata} documents are active and whose other
 * three are not; give another product's catalog and its {@code $metadata} documents
 * ({@link Builder#catalog}, {@link Builder#metadata(String, Path)}) to play Cloud for Customer,
 * Commerce or a system of your own. The name says Marketing because that is the connector's first product.
 *
 * <pre>{@code
 * try (MockMarketingSystem tenant = new MockMarketingSystem()) {
 *     ServiceDiscovery discovery = new ODataServiceDiscovery(DiscoveryConfig.builder()
 *             .systemUrl(tenant.url()).user(tenant.communicationUser()).build());
 *     tenant.failNext("API_MKT_CONTACT_SRV;v=0002", 503, 2);
 *     DiscoveryReport report = discovery.discover(ServiceCatalog.marketing());
 * }
 * }</pre>
 *
 * <ul>
 * <li>{@code GET {url}/sap/opu/odata/sap/{SERVICE}[;v=NNNN]/}: the service document, JSON
 *     ({@code {"d":{"EntitySets":[...]}}}) when {@code Accept} asks for JSON or {@code $format=json},
 *     else Atom; {@code …/$metadata}: the EDMX document. With or without the catalog's {@code ;v=}.</li>
 * <li>{@code GET …/{EntitySet}}: an empty collection; {@code POST …/{EntitySet}}: 201 echoing the
 *     body; {@code PUT/PATCH/MERGE/DELETE …/{EntitySet}(key)}: 204. Nothing is stored.</li>
 * <li>Basic authentication with {@link #DEFAULT_USER} / {@link #DEFAULT_PASSWORD} unless built
 *     otherwise; anything else → 401 with {@code WWW-Authenticate}.</li>
 * <li>CSRF as on a tenant: a request with {@code X-CSRF-Token: Fetch} gets a token and a
 *     {@value #CSRF_COOKIE} session cookie; a POST, PUT, PATCH, MERGE or DELETE must echo both, else
 *     403 with {@code X-CSRF-Token: Required}.</li>
 * <li>Inactive services (no arrangement) → 403; unknown services and paths → 404.</li>
 * <li>Faults: {@link #setLatency}, {@link #failNext}, {@link #serveLoginPage}, {@link #truncateMetadata}.</li>
 * <li>Every request is recorded: {@link #awaitRequest(Duration)}, {@link #requests()}.</li>
 * </ul>
 *
 * It listens on the loopback address ({@code 127.0.0.1}), on a free port unless one is chosen,
 * and starts in its constructor. {@link #close()} stops it at once. Thread-safe.
 *
 * <p>Loading this class sets the system property {@code sun.net.httpserver.nodelay} to
 * {@code true} unless it is set already: without it the JDK server's answers wait about 40 ms
 * each on Nagle's algorithm, which would drown any latency a test or benchmark injects.
 */
public final class MockMarketingSystem implements AutoCloseable {

    /** The default user. */
    public static final String DEFAULT_USER = "MKT_COMM_USER";
    /** The default password. */
    public static final String DEFAULT_PASSWORD = "mock-Passw0rd";
    /** Threads serving requests: enough that a discovery run's parallel requests never queue, even with latency. */
    public static final int DEFAULT_THREADS = 32;
    /** The service path. */
    public static final String SERVICE_PATH = "/sap/opu/odata/sap/";
    /** The CSRF header. */
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** The CSRF cookie. */
    public static final String CSRF_COOKIE = "sap-XSRF_MCK_100";
    /** Where the bundled metadata documents live, one {@code {SERVICE}.xml} per service. */
    public static final String METADATA_RESOURCES = "/dev/marketingconnector/odata/testing/metadata/";

    private static final Logger LOG = LoggerFactory.getLogger(MockMarketingSystem.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern SEGMENT = Pattern.compile("([A-Za-z0-9_]+)(;v=([0-9]{4}))?");
    private static final Pattern ENTITY_PATH = Pattern.compile("([A-Za-z0-9_]+)(\\(.*\\))?(/.*)?");
    private static final Set<String> MODIFYING = Set.of("POST", "PUT", "PATCH", "MERGE", "DELETE");
    private static final Map<String, Document> BUNDLED = new ConcurrentHashMap<>();
    private static final String LOGIN_PAGE = """
            <!DOCTYPE html>
            <html><head><title>Logon</title></head>
            <body><form method="post" action="/sap/saml2/sp/acs"><h1>Log on to SAP Marketing Cloud</h1>
            <input name="j_username"><input name="j_password" type="password"><button>Log On</button></form></body></html>
            """;

    static {
        // The JDK server writes headers and body in separate packets; with Nagle's algorithm on, every
        // answer then waits for the client's delayed ACK (about 40 ms), which would swamp any latency
        // a test injects. Read once, when the JDK's server configuration loads.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final ServiceCatalog catalog;
    private final String user;
    private final Secret password;
    private final String pathPrefix;
    private final Map<String, Document> customMetadata;
    private final HttpServer server;
    private final ExecutorService executor;
    private final URI url;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakConcurrency = new AtomicInteger();
    /** Whether the current handler thread still counts as serving a request. */
    private final ThreadLocal<Boolean> serving = ThreadLocal.withInitial(() -> false);

    private final Set<String> active = ConcurrentHashMap.newKeySet();
    private final Set<String> truncated = ConcurrentHashMap.newKeySet();
    private final Map<String, Duration> serviceLatency = new ConcurrentHashMap<>();
    private final Map<String, Failure> serviceFailures = new ConcurrentHashMap<>();
    private final Map<String, String> csrfTokens = new ConcurrentHashMap<>();
    private final BlockingQueue<RecordedRequest> unread = new LinkedBlockingQueue<>();
    private final List<RecordedRequest> recorded = new CopyOnWriteArrayList<>();
    /** Notified on every recorded request, for {@link #awaitRequests}. */
    private final Object arrivals = new Object();
    private volatile Duration latency = Duration.ZERO;
    private volatile Failure allFailure;
    private volatile boolean loginPage;

    /** A failure to inject: this status for the next {@code remaining} requests. */
    private record Failure(int status, AtomicInteger remaining) {
    }

    /** A metadata document and the entity sets it declares. */
    private record Document(byte[] bytes, List<String> entitySets) {
    }

    /** The Marketing catalog on a free port, with the default user and password. */
    public MockMarketingSystem() {
        this(builder());
    }

    /**
     * The Marketing catalog on the given port (0 for a free one), with the default user and password.
     *
     * @param port the port, 0 for a free one
     */
    public MockMarketingSystem(int port) {
        this(builder().port(port));
    }

    private MockMarketingSystem(Builder builder) {
        this.catalog = builder.catalog == null ? ServiceCatalog.marketing() : builder.catalog;
        this.user = builder.user;
        this.password = builder.password;
        this.pathPrefix = builder.pathPrefix;
        this.customMetadata = Map.copyOf(builder.metadata);
        for (String name : customMetadata.keySet()) {
            if (catalog.services().stream().noneMatch(service -> service.name().equals(name))) {
                throw new IllegalArgumentException("metadata given for service '" + name + "', which is not in the catalog " + catalog.product());
            }
        }
        for (CatalogService service : catalog.services()) {
            if (hasMetadata(service)) {
                active.add(service.key());
            }
        }
        AtomicInteger threadCount = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(builder.threads, task -> {
            Thread thread = new Thread(task, "mock-marketing-" + threadCount.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), builder.port), 64);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("MockMarketingSystem cannot listen on port " + builder.port, e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        String host = loopback instanceof Inet6Address ? "[" + loopback.getHostAddress() + "]" : loopback.getHostAddress();
        this.url = URI.create("http://" + host + ":" + server.getAddress().getPort() + pathPrefix);
        LOG.debug("MockMarketingSystem listening at {}", url);
    }

    /** {@return a builder with the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The system URL to configure the connector with, e.g. {@code http://127.0.0.1:41234}, without a trailing slash.
     *
     * @return the system URL to configure the connector with, e.g
     */
    public URI url() {
        return url;
    }

    /** {@return the port} */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@return the user and password the mock accepts} */
    public CommunicationUser communicationUser() {
        return new CommunicationUser(user, password);
    }

    /** {@return the catalog} */
    public ServiceCatalog catalog() {
        return catalog;
    }

    /**
     * The root URL of a service, e.g. {@code http://127.0.0.1:41234/sap/opu/odata/sap/API_MKT_CONTACT_SRV;v=0002}.
     *
     * @param serviceKey the catalog key (e.g. {@code API_MKT_CONTACT_SRV;v=0002}) or the bare service name
     * @return the root URL of a service, e.g
     */
    public URI serviceRoot(String serviceKey) {
        return URI.create(url + service(serviceKey).path());
    }

    // ---- switches ----

    /**
     * Opens a service to the communication user, as an arrangement would.
     *
     * @param serviceKey the catalog key ({@code API_MKT_CONTACT_SRV;v=0002}) or the bare name
     * @return this MockMarketingSystem
     * @throws IllegalArgumentException for a service not in the catalog or without a metadata document
     */
    public MockMarketingSystem activate(String serviceKey) {
        CatalogService service = service(serviceKey);
        if (!hasMetadata(service)) {
            throw new IllegalArgumentException("service " + service.key()
                    + " has no metadata document to serve; give one with MockMarketingSystem.builder().metadata(...)");
        }
        active.add(service.key());
        return this;
    }

    /**
     * Closes a service to the communication user: it answers 403 from now on.
     *
     * @param serviceKey the catalog key (e.g. {@code API_MKT_CONTACT_SRV;v=0002}) or the bare service name
     * @return this MockMarketingSystem
     */
    public MockMarketingSystem deactivate(String serviceKey) {
        active.remove(service(serviceKey).key());
        return this;
    }

    /**
     * Whether the service answers the communication user.
     *
     * @param serviceKey the catalog key (e.g. {@code API_MKT_CONTACT_SRV;v=0002}) or the bare service name
     * @return whether active
     */
    public boolean isActive(String serviceKey) {
        return active.contains(service(serviceKey).key());
    }

    /** {@return the keys of the active services, in catalog order} */
    public List<String> activeServices() {
        return catalog.services().stream().map(CatalogService::key).filter(active::contains).toList();
    }

    // ---- faults ----

    /**
     * Delays every answer by this much (zero for none); a service's own latency takes precedence.
     *
     * @param latency the delay
     * @return this MockMarketingSystem
     */
    public MockMarketingSystem setLatency(Duration latency) {
        this.latency = nonNegative(latency);
        return this;
    }

    /**
     * Delays the answers of one service.
     *
     * @param serviceKey the catalog key (e.g. {@code API_MKT_CONTACT_SRV;v=0002}) or the bare service name
     * @param latency the delay
     * @return this MockMarketingSystem
     */
    public MockMarketingSystem setLatency(String serviceKey, Duration latency) {
        serviceLatency.put(service(serviceKey).key(), nonNegative(latency));
        return this;
    }

    /**
     * The next {@code count} requests, to any path, are answered with {@code status} (400 to 599).
     *
     * @param status the HTTP status
     * @param count how many
     * @return this MockMarketingSystem
     */
    public MockMarketingSystem failNext(int status, int count) {
        allFailure = failure(status, count);
        return this;
    }

    /**
     * The next {@code count} requests to one service (service document, metadata or data) are answered with {@code status}.
     *
     * @param serviceKey the catalog key (e.g. {@code API_MKT_CONTACT_SRV;v=0002}) or the bare service name
     * @param status the HTTP status
     * @param count how many
     * @return this MockMarketingSystem
     */
    public MockMarketingSystem failNext(String serviceKey, int status, int count) {
        serviceFailures.put(service(serviceKey).key(), failure(status, count));
        return this;
    }

    /**
     * While on, every request is answered 200 with an HTML logon page, as a tenant does that expects SAML instead of basic authentication.
     *
     * @param on the on
     * @return this MockMarketingSystem
     */
    public MockMarketingSystem serveLoginPage(boolean on) {
        this.loginPage = on;
        return this;
    }

    /**
     * Serves only the first half of the service's {@code $metadata} document, so that it cannot be parsed.
     *
     * @param serviceKey the catalog key (e.g. {@code API_MKT_CONTACT_SRV;v=0002}) or the bare service name
     * @return this MockMarketingSystem
     */
    public MockMarketingSystem truncateMetadata(String serviceKey) {
        truncated.add(service(serviceKey).key());
        return this;
    }

    /**
     * Back to the state after construction: default switches, no faults, no recorded requests, no CSRF sessions.
     *
     * @return this MockMarketingSystem
     */
    public MockMarketingSystem reset() {
        active.clear();
        for (CatalogService service : catalog.services()) {
            if (hasMetadata(service)) {
                active.add(service.key());
            }
        }
        truncated.clear();
        serviceLatency.clear();
        serviceFailures.clear();
        csrfTokens.clear();
        latency = Duration.ZERO;
        allFailure = null;
        loginPage = false;
        unread.clear();
        recorded.clear();
        peakConcurrency.set(inFlight.get());
        return this;
    }

    // ---- recording ----

    /**
     * Waits for the oldest request not yet taken.
     *
     * @param timeout how long to wait
     * @return the request
     * @throws AssertionError when none arrives in time
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public RecordedRequest awaitRequest(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        RecordedRequest request = unread.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (request == null) {
            throw new AssertionError("expected a request within " + timeout + ", got none (" + recorded.size() + " received in all)");
        }
        return request;
    }

    /**
     * Waits until at least {@code count} requests were received (taken or not).
     *
     * @param count   how many
     * @param timeout how long to wait
     * @return every request received by then, oldest first
     * @throws AssertionError when they do not arrive in time
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public List<RecordedRequest> awaitRequests(int count, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (arrivals) {
            while (recorded.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " requests within " + timeout + ", got " + recorded.size());
                }
                TimeUnit.NANOSECONDS.timedWait(arrivals, left);
            }
        }
        return requests();
    }

    /** {@return every request received so far (taken or not), oldest first} */
    public List<RecordedRequest> requests() {
        return List.copyOf(recorded);
    }

    /** {@return the request count} */
    public int requestCount() {
        return recorded.size();
    }

    /** {@return the most requests that were being served at the same moment since the start or the last {@link #reset()}} */
    public int peakConcurrency() {
        return peakConcurrency.get();
    }

    /** Stops listening and ends requests in progress (latency waits included) at once. */
    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "MockMarketingSystem[" + url + ", " + active.size() + " active services]";
    }

    // ---- serving ----

    private void handle(HttpExchange exchange) {
        serving.set(true);
        peakConcurrency.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try (exchange) {
            serve(exchange);
        } catch (IOException | RuntimeException e) {
            if (closed.getCount() > 0) {
                LOG.debug("MockMarketingSystem could not answer {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            }
        } finally {
            doneServing();
        }
    }

    /** Counted before the answer goes out, so a client's next request never overlaps the one just answered. */
    private void doneServing() {
        if (serving.get()) {
            serving.set(false);
            inFlight.decrementAndGet();
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String rawPath = exchange.getRequestURI().getRawPath();
        String query = Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("");
        byte[] body = exchange.getRequestBody().readAllBytes();
        Optional<String> presentedUser = basicUser(exchange.getRequestHeaders());
        Route route = route(rawPath);
        record(exchange, method, rawPath, query, body, presentedUser, route);

        Duration delay = route.service() == null ? latency : serviceLatency.getOrDefault(route.service().key(), latency);
        if (!delay.isZero()) {
            try {
                if (closed.await(delay.toNanos(), TimeUnit.NANOSECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        Integer injected = route.service() == null ? null : take(serviceFailures.get(route.service().key()));
        if (injected == null) {
            injected = take(allFailure);
        }
        if (injected != null) {
            error(exchange, method, injected, "Injected failure (HTTP " + injected + ")");
            return;
        }
        if (loginPage) {
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            send(exchange, method, 200, LOGIN_PAGE.getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (!authenticated(exchange.getRequestHeaders())) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"SAP NetWeaver Application Server [MCK/100]\"");
            error(exchange, method, 401, "Logon failed");
            return;
        }
        if (route.service() == null) {
            error(exchange, method, 404, route.problem());
            return;
        }
        CatalogService service = route.service();
        if (!active.contains(service.key())) {
            error(exchange, method, 403, "No communication arrangement opens service " + service.key() + " to user " + user);
            return;
        }
        if (!csrf(exchange, method)) {
            return;
        }
        String resource = route.resource();
        if (resource.isEmpty() || resource.equals("/")) {
            serviceDocument(exchange, method, service, query);
        } else if (resource.equals("/$metadata")) {
            metadata(exchange, method, service);
        } else {
            data(exchange, method, service, resource.substring(1), body);
        }
    }

    private void record(HttpExchange exchange, String method, String rawPath, String query, byte[] body,
            Optional<String> presentedUser, Route route) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> {
            String key = name.toLowerCase(Locale.ROOT);
            headers.put(key, key.equals("authorization") ? values.stream().map(MockMarketingSystem::mask).toList() : List.copyOf(values));
        });
        RecordedRequest request = new RecordedRequest(method, rawPath, query, headers, new String(body, StandardCharsets.UTF_8),
                presentedUser, Optional.ofNullable(route.service()).map(CatalogService::key));
        recorded.add(request);
        unread.add(request);
        synchronized (arrivals) {
            arrivals.notifyAll();
        }
    }

    private static String mask(String authorization) {
        int space = authorization.indexOf(' ');
        return (space > 0 ? authorization.substring(0, space + 1) : "") + "******";
    }

    /** Where a path leads: a service and the rest of the path, or why it leads nowhere. */
    private record Route(CatalogService service, String resource, String problem) {
    }

    /**
     * Finds the catalog service a path leads to, by the service's own path (so another product's
     * catalog, with other paths, is served the same way). A service is reached with its matrix
     * version, without it, and an unversioned one also as {@code ;v=0001}.
     */
    private Route route(String rawPath) {
        if (!rawPath.startsWith(pathPrefix + "/")) {
            return new Route(null, "", "No OData service at " + rawPath);
        }
        String path = URLDecoder.decode(rawPath.substring(pathPrefix.length()).replace("+", "%2B"), StandardCharsets.UTF_8);
        Route best = null;
        int bestLength = -1;
        for (CatalogService service : catalog.services()) {
            String versioned = service.path();
            int matrix = versioned.lastIndexOf(";v=");
            String plain = matrix > versioned.lastIndexOf('/') ? versioned.substring(0, matrix) : versioned;
            // A service without a version is version 0001 on a tenant, so ";v=0001" addresses it too.
            List<String> candidates = service.version().isPresent() ? List.of(versioned, plain) : List.of(plain, plain + ";v=0001");
            for (String candidate : candidates) {
                if ((path.equals(candidate) || path.startsWith(candidate + "/")) && candidate.length() > bestLength) {
                    best = new Route(service, path.substring(candidate.length()), null);
                    bestLength = candidate.length();
                }
            }
        }
        if (best != null) {
            return best;
        }
        Matcher matcher = SEGMENT.matcher(path.substring(path.lastIndexOf('/') + 1));
        String name = matcher.matches() ? matcher.group(1) : path;
        return new Route(null, "", "No service found for namespace '', name '" + name + "'");
    }

    private static Integer take(Failure failure) {
        if (failure == null) {
            return null;
        }
        return failure.remaining().getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? failure.status() : null;
    }

    private boolean authenticated(Headers headers) {
        String authorization = headers.getFirst("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = pair.indexOf(':');
        return colon > 0 && pair.substring(0, colon).equals(user) && password.matches(pair.substring(colon + 1));
    }

    private static Optional<String> basicUser(Headers headers) {
        String authorization = headers.getFirst("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String pair = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon > 0 ? Optional.of(pair.substring(0, colon)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Hands out tokens on {@code Fetch} and checks them on modifying calls; false when it has answered already. */
    private boolean csrf(HttpExchange exchange, String method) throws IOException {
        Headers request = exchange.getRequestHeaders();
        String presented = request.getFirst(CSRF_HEADER);
        String session = cookie(request, CSRF_COOKIE);
        if (MODIFYING.contains(method)) {
            String expected = session == null ? null : csrfTokens.get(session);
            if (expected == null || presented == null || !expected.equals(presented)) {
                exchange.getResponseHeaders().set(CSRF_HEADER, "Required");
                error(exchange, method, 403, "CSRF token validation failed");
                return false;
            }
            return true;
        }
        if ("fetch".equalsIgnoreCase(presented)) {
            if (session == null || !csrfTokens.containsKey(session)) {
                session = randomToken();
                csrfTokens.put(session, randomToken());
            }
            exchange.getResponseHeaders().set(CSRF_HEADER, csrfTokens.get(session));
            exchange.getResponseHeaders().add("Set-Cookie", CSRF_COOKIE + "=" + session + "; path=/; HttpOnly");
        }
        return true;
    }

    private static String cookie(Headers headers, String name) {
        List<String> cookies = headers.get("Cookie");
        if (cookies == null) {
            return null;
        }
        for (String line : cookies) {
            for (String pair : line.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().equals(name)) {
                    return pair.substring(eq + 1).strip();
                }
            }
        }
        return null;
    }

    private static String randomToken() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private void serviceDocument(HttpExchange exchange, String method, CatalogService service, String query) throws IOException {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            error(exchange, method, 405, "The service document can only be read");
            return;
        }
        List<String> sets = document(service).entitySets();
        String format = queryParameter(query, "$format");
        String accept = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Accept")).orElse("").toLowerCase(Locale.ROOT);
        boolean json = format != null ? format.equalsIgnoreCase("json") : accept.contains("json");
        if (json) {
            ObjectNode root = JSON.createObjectNode();
            ArrayNode names = root.putObject("d").putArray("EntitySets");
            sets.forEach(names::add);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            send(exchange, method, 200, JSON.writeValueAsBytes(root));
            return;
        }
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<app:service xml:base=\"")
                .append(escape(url + service.path() + "/"))
                .append("\" xmlns:app=\"http://www.w3.org/2007/app\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n")
                .append("  <app:workspace>\n    <atom:title type=\"text\">Data</atom:title>\n");
        for (String set : sets) {
            xml.append("    <app:collection href=\"").append(escape(set)).append("\"><atom:title type=\"text\">")
                    .append(escape(set)).append("</atom:title></app:collection>\n");
        }
        xml.append("  </app:workspace>\n</app:service>\n");
        exchange.getResponseHeaders().set("Content-Type", "application/atomsvc+xml; charset=utf-8");
        send(exchange, method, 200, xml.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void metadata(HttpExchange exchange, String method, CatalogService service) throws IOException {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            error(exchange, method, 405, "$metadata can only be read");
            return;
        }
        byte[] bytes = document(service).bytes();
        if (truncated.contains(service.key())) {
            bytes = Arrays.copyOf(bytes, bytes.length / 2);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/xml");
        send(exchange, method, 200, bytes);
    }

    private void data(HttpExchange exchange, String method, CatalogService service, String path, byte[] body) throws IOException {
        Matcher matcher = ENTITY_PATH.matcher(path);
        if (!matcher.matches() || !document(service).entitySets().contains(matcher.group(1))) {
            error(exchange, method, 404, "Resource not found for segment '" + path + "'");
            return;
        }
        boolean keyed = matcher.group(2) != null;
        switch (method) {
            case "GET", "HEAD" -> {
                if (keyed) {
                    error(exchange, method, 404, "Resource not found for the key " + matcher.group(2));
                    return;
                }
                exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
                send(exchange, method, 200, "{\"d\":{\"results\":[]}}".getBytes(StandardCharsets.UTF_8));
            }
            case "POST" -> {
                if (keyed) {
                    error(exchange, method, 405, "POST goes to an entity set, not to an entity");
                    return;
                }
                ObjectNode created = JSON.createObjectNode();
                try {
                    created.set("d", body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body));
                } catch (IOException e) {
                    error(exchange, method, 400, "The request body is not JSON");
                    return;
                }
                exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
                send(exchange, method, 201, JSON.writeValueAsBytes(created));
            }
            case "PUT", "PATCH", "MERGE", "DELETE" -> {
                if (!keyed) {
                    error(exchange, method, 405, method + " needs an entity key");
                    return;
                }
                send(exchange, method, 204, new byte[0]);
            }
            default -> error(exchange, method, 405, "Method " + method + " is not supported");
        }
    }

    private Document document(CatalogService service) {
        Document custom = customMetadata.get(service.name());
        if (custom != null) {
            return custom;
        }
        return BUNDLED.computeIfAbsent(service.name(), name -> {
            try (InputStream in = MockMarketingSystem.class.getResourceAsStream(METADATA_RESOURCES + name + ".xml")) {
                if (in == null) {
                    throw new IllegalStateException("no metadata document bundled for " + name);
                }
                return parse(in.readAllBytes(), name);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static Document parse(byte[] bytes, String name) {
        return new Document(bytes, EdmxMetadataParser.parse(bytes, name + ".xml").entitySets());
    }

    private boolean hasMetadata(CatalogService service) {
        return customMetadata.containsKey(service.name())
                || MockMarketingSystem.class.getResource(METADATA_RESOURCES + service.name() + ".xml") != null;
    }

    private CatalogService service(String keyOrName) {
        Objects.requireNonNull(keyOrName, "serviceKey");
        Optional<CatalogService> byKey = catalog.service(keyOrName);
        if (byKey.isPresent()) {
            return byKey.get();
        }
        return catalog.services().stream().filter(s -> s.name().equals(keyOrName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("service '" + keyOrName + "' is not in the catalog " + catalog.product()));
    }

    private void error(HttpExchange exchange, String method, int status, String message) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", "MCK/" + status);
        ObjectNode text = error.putObject("message");
        text.put("lang", "en");
        text.put("value", message);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        send(exchange, method, status, JSON.writeValueAsBytes(root));
    }

    private void send(HttpExchange exchange, String method, int status, byte[] body) throws IOException {
        doneServing();
        boolean noBody = method.equals("HEAD") || status == 204 || body.length == 0;
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static String queryParameter(String rawQuery, String name) {
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;");
    }

    private static Duration nonNegative(Duration latency) {
        Objects.requireNonNull(latency, "latency");
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative, got " + latency);
        }
        return latency;
    }

    private static Failure failure(int status, int count) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an injected failure needs an error status (400 to 599), got " + status);
        }
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        return new Failure(status, new AtomicInteger(count));
    }

    /** Settings of a {@link MockMarketingSystem}; {@link #start()} builds and starts it. */
    public static final class Builder {

        private int port;
        private String user = DEFAULT_USER;
        private Secret password = Secret.of(DEFAULT_PASSWORD);
        private ServiceCatalog catalog;
        private String pathPrefix = "";
        private int threads = DEFAULT_THREADS;
        private final Map<String, Document> metadata = new HashMap<>();

        private Builder() {
        }

        /**
         * 0 (the default) for a free port.
         *
         * @param port the port, 0 for a free one
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Sets the user.
         *
         * @param user the user
         * @return this builder
         */
        public Builder user(String user) {
            Objects.requireNonNull(user, "user");
            if (user.isBlank() || user.contains(":")) {
                throw new IllegalArgumentException("user must be a non-blank name without ':', got '" + user + "'");
            }
            this.user = user;
            return this;
        }

        /**
         * Sets the password.
         *
         * @param password the password
         * @return this builder
         */
        public Builder password(String password) {
            Objects.requireNonNull(password, "password");
            if (password.isEmpty()) {
                throw new IllegalArgumentException("password must not be empty");
            }
            this.password = Secret.of(password);
            return this;
        }

        /**
         * The services to serve (default: {@link ServiceCatalog#marketing()}); those without a metadata document start inactive.
         *
         * @param catalog the service catalog
         * @return this builder
         */
        public Builder catalog(ServiceCatalog catalog) {
            this.catalog = Objects.requireNonNull(catalog, "catalog");
            return this;
        }

        /**
         * Serves below a path, e.g. {@code /tenant-a}: the URL becomes {@code http://127.0.0.1:port/tenant-a}.
         *
         * @param pathPrefix the path prefix
         * @return this builder
         */
        public Builder pathPrefix(String pathPrefix) {
            Objects.requireNonNull(pathPrefix, "pathPrefix");
            String prefix = pathPrefix.strip();
            while (prefix.endsWith("/")) {
                prefix = prefix.substring(0, prefix.length() - 1);
            }
            if (!prefix.isEmpty() && (!prefix.startsWith("/") || !prefix.matches("[A-Za-z0-9/_.~-]+"))) {
                throw new IllegalArgumentException("pathPrefix must start with '/' and hold only letters, digits, '/', '_', '.', '~' and '-', got '"
                        + pathPrefix + "'");
            }
            this.pathPrefix = prefix;
            return this;
        }

        /**
         * Threads serving requests (default {@value MockMarketingSystem#DEFAULT_THREADS}).
         *
         * @param threads the threads
         * @return this builder
         */
        public Builder threads(int threads) {
            if (threads < 1 || threads > 1024) {
                throw new IllegalArgumentException("threads must be between 1 and 1024, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Serves this {@code $metadata} document for a service (by technical name, without
         * {@code ;v=}) instead of the bundled one, or for a service that has none bundled.
         *
         * @param serviceName the service name
         * @param document the document
         * @return this builder
         * @throws IllegalArgumentException when the document cannot be parsed, with the parser's message
         */
        public Builder metadata(String serviceName, String document) {
            Objects.requireNonNull(serviceName, "serviceName");
            Objects.requireNonNull(document, "document");
            try {
                metadata.put(serviceName, parse(document.getBytes(StandardCharsets.UTF_8), serviceName));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("metadata for " + serviceName + " cannot be served: " + e.getMessage(), e);
            }
            return this;
        }

        /**
         * Serves the {@code $metadata} document in a file for a service (by technical name, without {@code ;v=}).
         *
         * @param serviceName the service's technical name, e.g. {@code c4codataapi}
         * @param file        an EDMX document
         * @return this builder
         * @throws IllegalArgumentException when the file cannot be read or parsed, naming the file
         */
        public Builder metadata(String serviceName, Path file) {
            Objects.requireNonNull(serviceName, "serviceName");
            Objects.requireNonNull(file, "file");
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new IllegalArgumentException("metadata for " + serviceName + " cannot be read from " + file + ": " + e, e);
            }
            return metadata(serviceName, bytes, file.toString());
        }

        /**
         * Serves a {@code $metadata} document from the class path for a service (by technical name,
         * without {@code ;v=}), as {@link ServiceCatalog#fromClasspath(String)} loads a catalog.
         *
         * @param serviceName the service's technical name
         * @param resource    the resource's absolute name, e.g. {@code /acme/crm/ACME_ACCOUNT_SRV.xml} (a leading
         *                    {@code /} is assumed)
         * @return this builder
         * @throws IllegalArgumentException when there is no such resource or it cannot be parsed, naming it
         */
        public Builder metadataFromClasspath(String serviceName, String resource) {
            Objects.requireNonNull(serviceName, "serviceName");
            Objects.requireNonNull(resource, "resource");
            String absolute = resource.startsWith("/") ? resource : "/" + resource;
            try (InputStream in = MockMarketingSystem.class.getResourceAsStream(absolute)) {
                if (in == null) {
                    throw new IllegalArgumentException("metadata for " + serviceName + ": no class path resource " + absolute);
                }
                return metadata(serviceName, in.readAllBytes(), absolute);
            } catch (IOException e) {
                throw new IllegalArgumentException("metadata for " + serviceName + " cannot be read from " + absolute + ": " + e, e);
            }
        }

        private Builder metadata(String serviceName, byte[] bytes, String source) {
            try {
                metadata.put(serviceName, parse(bytes, serviceName));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("metadata for " + serviceName + " from " + source + " cannot be served: " + e.getMessage(), e);
            }
            return this;
        }

        /**
         * Starts the mock.
         *
         * @return the running mock; {@link MockMarketingSystem#close()} stops it
         * @throws UncheckedIOException when the port is taken
         */
        public MockMarketingSystem start() {
            return new MockMarketingSystem(this);
        }
    }
}
