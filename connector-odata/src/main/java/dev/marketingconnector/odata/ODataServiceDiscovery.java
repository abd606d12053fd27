package dev.marketingconnector.odata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marketingconnector.core.catalog.CatalogService;
import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.communication.CommunicationUser;
import dev.marketingconnector.core.config.ConnectorConfiguration;
import dev.marketingconnector.core.discovery.AuthenticationFailedException;
import dev.marketingconnector.core.discovery.DiscoveredService;
import dev.marketingconnector.core.discovery.DiscoveryException;
import dev.marketingconnector.core.discovery.DiscoveryReport;
import dev.marketingconnector.core.discovery.ServiceDiscovery;
import dev.marketingconnector.core.discovery.ServiceMetadata;
import dev.marketingconnector.core.discovery.ServiceStatus;
import dev.marketingconnector.core.registration.ApiRegistration;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds which services of a {@link ServiceCatalog} answer for the communication user of an SAP
 * system, over OData V2 on {@code java.net.http}.
 *
 * <p>Per service: {@code GET {systemUrl}{path}/} with {@code Accept: application/json} and basic
 * authentication; an answer of 200 whose service document lists entity sets is followed by
 * {@code GET …/$metadata}, parsed with {@link EdmxMetadataParser}, and becomes an
 * {@link ApiRegistration} (target URL and CSRF token endpoint = the service root, specification
 * URL = its {@code $metadata}, description = the catalog's text, else the metadata's label).
 *
 * <table>
 * <caption>How answers are reported</caption>
 * <tr><th>answer</th><th>status</th></tr>
 * <tr><td>200, entity sets listed, metadata parses</td><td>{@code ACTIVE}</td></tr>
 * <tr><td>403 or 404</td><td>{@code INACTIVE}: no arrangement opens it to the user</td></tr>
 * <tr><td>200 with a service document that lists no entity sets</td><td>{@code INACTIVE}: the system
 *     answered definitely and there is nothing to register</td></tr>
 * <tr><td>an HTML page (a login page) instead of JSON, or a redirect</td><td>{@code UNAUTHORISED}</td></tr>
 * <tr><td>5xx, 429, time-out, connection error (after retries); the overall deadline passed;
 *     any other unexpected answer</td><td>{@code UNREACHABLE}</td></tr>
 * <tr><td>{@code $metadata} that cannot be read or parsed</td><td>{@code INVALID_METADATA}, with the parser's message</td></tr>
 * <tr><td>401, for any service</td><td>the run stops at once and throws one {@link AuthenticationFailedException}</td></tr>
 * </table>
 *
 * <p><b>One logon first.</b> SAP locks a user after a few failed logons ({@code login/fails_to_user_lock},
 * 5 by default), and a wrong password would otherwise fail once per parallel worker. So services are
 * checked one at a time until a service document's answer proves the logon (200 with OData, or
 * 403/404: the user logged on but has no arrangement for that service); only then do the others go
 * out in parallel. A 401 on the way stops the run: at most one failed logon per run.
 *
 * <p>At most {@link DiscoveryConfig#parallelism()} services are checked at once, over one
 * {@link HttpClient} that keeps its connections for the next run. Instances are thread-safe;
 * runs may overlap.
 */
public final class ODataServiceDiscovery implements ServiceDiscovery {

    private static final Logger LOG = LoggerFactory.getLogger(ODataServiceDiscovery.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCEPT_JSON = "application/json";
    private static final String ACCEPT_XML = "application/xml";
    /** How long workers get to wind down once a run is over. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(2);
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final DiscoveryConfig config;
    private final HttpClient http;

    /**
     * Creates an ODataServiceDiscovery.
     *
     * @param config the settings
     */
    public ODataServiceDiscovery(DiscoveryConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Discovery against the system URL and communication user of a connector configuration, with default settings.
     *
     * @param configuration the connector configuration
     * @return the OData service discovery
     */
    public static ODataServiceDiscovery create(ConnectorConfiguration configuration) {
        return new ODataServiceDiscovery(DiscoveryConfig.from(configuration).build());
    }

    /** {@return the config} */
    public DiscoveryConfig config() {
        return config;
    }

    /**
     * Checks every service of the catalog; results come in catalog order. {@code progress} hears of
     * each service once, from a worker thread, as soon as its result is known; an exception it
     * throws is logged and does not stop the run.
     *
     * @throws AuthenticationFailedException when the system answers 401: the other checks are cancelled
     * @throws DiscoveryException            when the calling thread is interrupted
     */
    @Override
    public DiscoveryReport discover(ServiceCatalog catalog, Consumer<DiscoveredService> progress) {
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(progress, "progress");
        Instant started = config.clock().instant();
        Run run = new Run(catalog, progress, started.plus(config.deadline()));
        List<CatalogService> services = catalog.services();
        int first = 0;
        // The logon check: one service at a time until its service document's answer proves the credentials.
        try {
            while (first < services.size() && !run.logonConfirmed && !run.stopped && run.timeLeft()) {
                int index = first++;
                CountDownLatch answered = new CountDownLatch(1);
                run.probe = answered;
                run.pool.execute(() -> run.check(index));
                long left = Duration.between(config.clock().instant(), run.deadline).toNanos();
                if (!answered.await(Math.max(left, 0), TimeUnit.NANOSECONDS)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            run.stop();
            Thread.currentThread().interrupt();
            throw new DiscoveryException(config.systemUrl().toString(), "Discovery at " + config.systemUrl() + " was interrupted", e);
        } catch (java.util.concurrent.RejectedExecutionException stoppedMeanwhile) {
            // a 401 stopped the run
        }
        for (int i = first; i < services.size() && !run.stopped; i++) {
            int index = i;
            try {
                run.pool.execute(() -> run.check(index));
            } catch (java.util.concurrent.RejectedExecutionException stoppedMeanwhile) {
                break;
            }
        }
        run.pool.shutdown();
        boolean finished;
        try {
            long left = Duration.between(config.clock().instant(), run.deadline).toNanos();
            finished = run.pool.awaitTermination(Math.max(left, 0), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            run.stop();
            Thread.currentThread().interrupt();
            throw new DiscoveryException(config.systemUrl().toString(), "Discovery at " + config.systemUrl() + " was interrupted", e);
        }
        if (!finished) {
            run.stop();
        }
        AuthenticationFailedException authFailure = run.authFailure.get();
        if (authFailure != null) {
            throw new AuthenticationFailedException(config.systemUrl().toString(), config.user().name(), run.rejectedLogons.get());
        }
        List<DiscoveredService> results = new ArrayList<>(services.size());
        for (int i = 0; i < services.size(); i++) {
            run.record(i, DiscoveredService.notActive(services.get(i), ServiceStatus.UNREACHABLE,
                    "no result within the discovery deadline of " + human(config.deadline())));
            results.add(run.results.get(i));
        }
        Duration took = Duration.between(started, config.clock().instant());
        DiscoveryReport report = new DiscoveryReport(catalog, results, took.isNegative() ? Duration.ZERO : took);
        LOG.info("Discovered {} services at {} as {} in {} ms: {}", results.size(), config.systemUrl(), config.user().name(),
                report.took().toMillis(), summary(report));
        return report;
    }

    private static String summary(DiscoveryReport report) {
        Map<ServiceStatus, Integer> counts = new EnumMap<>(ServiceStatus.class);
        for (ServiceStatus status : ServiceStatus.values()) {
            if (report.count(status) > 0) {
                counts.put(status, report.count(status));
            }
        }
        return counts.toString();
    }

    /** The state of one discovery run. */
    private final class Run {

        private final ServiceCatalog catalog;
        private final Consumer<DiscoveredService> progress;
        private final Instant deadline;
        private final ExecutorService pool;
        private final AtomicReferenceArray<DiscoveredService> results;
        private final AtomicReference<AuthenticationFailedException> authFailure = new AtomicReference<>();
        private final Retry retry;
        private final AtomicInteger rejectedLogons = new AtomicInteger();
        private volatile boolean stopped;
        /** An answer showed the system accepts the user's credentials. */
        private volatile boolean logonConfirmed;
        /** Released once the service being checked for the logon has its service document's answer. */
        private volatile CountDownLatch probe = new CountDownLatch(0);

        Run(ServiceCatalog catalog, Consumer<DiscoveredService> progress, Instant deadline) {
            this.catalog = catalog;
            this.progress = progress;
            this.deadline = deadline;
            this.results = new AtomicReferenceArray<>(catalog.services().size());
            this.pool = Executors.newFixedThreadPool(config.parallelism(), threads());
            this.retry = Retry.of("odata-discovery", RetryConfig.<HttpResponse<byte[]>>custom()
                    .maxAttempts(config.maxAttempts())
                    .intervalFunction(IntervalFunction.ofExponentialBackoff(config.initialBackoff(), config.backoffMultiplier()))
                    .retryOnResult(response -> isTransient(response.statusCode()) && timeLeft())
                    .retryOnException(error -> isTransient(error) && timeLeft())
                    .failAfterMaxAttempts(false)
                    .build());
        }

        private ThreadFactory threads() {
            String prefix = "odata-discovery-" + RUNS.incrementAndGet() + "-";
            AtomicInteger count = new AtomicInteger();
            return task -> {
                Thread thread = new Thread(task, prefix + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            };
        }

        boolean timeLeft() {
            return !stopped && config.clock().instant().isBefore(deadline);
        }

        void stop() {
            stopped = true;
            pool.shutdownNow();
            try {
                if (!pool.awaitTermination(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("Discovery workers for {} did not stop within {}", config.systemUrl(), STOP_GRACE);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void check(int index) {
            if (stopped) {
                return;
            }
            CatalogService service = catalog.services().get(index);
            CountDownLatch answered = probe;
            try {
                checkAndRecord(index, service, answered::countDown);
            } finally {
                answered.countDown();
            }
        }

        private void checkAndRecord(int index, CatalogService service, Runnable documentAnswered) {
            try {
                DiscoveredService result = ODataServiceDiscovery.this.check(this, service, documentAnswered);
                if (!stopped) {
                    record(index, result);
                }
            } catch (AuthenticationFailedException e) {
                if (authFailure.compareAndSet(null, e)) {
                    LOG.warn("{} rejected the credentials of user {} (HTTP 401) for {}: stopping discovery",
                            config.systemUrl(), config.user().name(), service.key());
                    stopped = true;
                    pool.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("Checking {} at {} failed unexpectedly", service.key(), config.systemUrl(), e);
                record(index, DiscoveredService.notActive(service, ServiceStatus.UNREACHABLE, "check failed: " + e));
            }
        }

        /** Keeps the first result for a service and tells the listener about it. */
        void record(int index, DiscoveredService result) {
            if (results.compareAndSet(index, null, result)) {
                LOG.debug("{}: {} ({})", result.service().key(), result.status(), result.reason());
                try {
                    progress.accept(result);
                } catch (RuntimeException e) {
                    LOG.warn("The discovery progress listener failed for {}", result.service().key(), e);
                }
            }
        }

        /** GETs a URL with retries; the last answer, or the last transport error. */
        Exchange get(URI url, String accept) throws InterruptedException {
            AtomicInteger attempts = new AtomicInteger();
            CheckedSupplier<HttpResponse<byte[]>> call = Retry.decorateCheckedSupplier(retry, () -> {
                attempts.incrementAndGet();
                Duration left = Duration.between(config.clock().instant(), deadline);
                if (stopped || left.isNegative() || left.isZero()) {
                    throw new DeadlinePassed();
                }
                Duration timeout = left.compareTo(config.requestTimeout()) < 0 ? left : config.requestTimeout();
                HttpRequest request = HttpRequest.newBuilder(url)
                        .GET()
                        .timeout(timeout)
                        .header("Accept", accept)
                        .header("Authorization", basicAuthorization(config.user()))
                        .build();
                return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            });
            try {
                return new Exchange(call.get(), null, attempts.get());
            } catch (InterruptedException e) {
                throw e;
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("stopped");
                }
                return new Exchange(null, e, attempts.get());
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("unexpected failure calling " + url, e);
            }
        }
    }

    /** One request's outcome after retries: a response or a transport error. */
    private record Exchange(HttpResponse<byte[]> response, IOException failure, int attempts) {

        String attemptsText() {
            return attempts > 1 ? " after " + attempts + " attempts" : "";
        }
    }

    /** No time left in the run: not retried. */
    private static final class DeadlinePassed extends IOException {

        private static final long serialVersionUID = 1L;

        DeadlinePassed() {
            super("the discovery deadline passed");
        }
    }

    /** @param documentAnswered told as soon as the service document's answer is known (the logon check waits for it) */
    private DiscoveredService check(Run run, CatalogService service, Runnable documentAnswered) throws InterruptedException {
        URI root;
        try {
            root = URI.create(config.systemUrl() + service.path());
        } catch (IllegalArgumentException e) {
            return notActive(service, ServiceStatus.UNREACHABLE, "its path '" + service.path() + "' does not make a valid URL: " + e.getMessage());
        }
        Exchange document = run.get(URI.create(root + "/"), ACCEPT_JSON);
        if (document.failure() != null) {
            return notActive(service, ServiceStatus.UNREACHABLE, "service document: " + describe(document.failure()) + document.attemptsText());
        }
        HttpResponse<byte[]> response = document.response();
        int status = response.statusCode();
        if (status == 401) {
            throw new AuthenticationFailedException(config.systemUrl().toString(), config.user().name(), run.rejectedLogons.incrementAndGet());
        }
        if (status == 403 || status == 404 || (status == 200 && !isHtml(response))) {
            run.logonConfirmed = true;
        }
        documentAnswered.run();
        if (status == 403 || status == 404) {
            return notActive(service, ServiceStatus.INACTIVE, "HTTP " + status
                    + ": no communication arrangement opens it to user " + config.user().name());
        }
        Optional<DiscoveredService> other = unexpected(service, "service document", document);
        if (other.isPresent()) {
            return other.get();
        }
        if (isHtml(response)) {
            return notActive(service, ServiceStatus.UNAUTHORISED, "answered with an HTML page (a login page?) instead of OData JSON: user "
                    + config.user().name() + " is not authorised for it");
        }
        List<String> entitySets;
        try {
            entitySets = entitySets(response.body());
        } catch (IOException e) {
            return notActive(service, ServiceStatus.UNREACHABLE, "answered 200, but not with an OData JSON service document: " + e.getMessage());
        }
        if (entitySets.isEmpty()) {
            return notActive(service, ServiceStatus.INACTIVE, "answered 200, but its service document lists no entity sets: nothing to register");
        }

        URI metadataUrl = URI.create(root + "/$metadata");
        Exchange metadataExchange = run.get(metadataUrl, ACCEPT_XML);
        if (metadataExchange.failure() != null) {
            return notActive(service, ServiceStatus.UNREACHABLE, "$metadata: " + describe(metadataExchange.failure()) + metadataExchange.attemptsText());
        }
        HttpResponse<byte[]> metadataResponse = metadataExchange.response();
        if (metadataResponse.statusCode() == 401) {
            throw new AuthenticationFailedException(config.systemUrl().toString(), config.user().name(), run.rejectedLogons.incrementAndGet());
        }
        other = unexpected(service, "$metadata", metadataExchange);
        if (other.isPresent()) {
            return other.get();
        }
        if (metadataResponse.statusCode() != 200) {
            return notActive(service, ServiceStatus.INVALID_METADATA, "$metadata answered HTTP " + metadataResponse.statusCode());
        }
        if (isHtml(metadataResponse)) {
            return notActive(service, ServiceStatus.UNAUTHORISED, "$metadata answered with an HTML page (a login page?): user "
                    + config.user().name() + " is not authorised for it");
        }
        ServiceMetadata metadata;
        try {
            metadata = EdmxMetadataParser.parse(metadataResponse.body(), metadataUrl.toString());
        } catch (InvalidMetadataException e) {
            return notActive(service, ServiceStatus.INVALID_METADATA, "$metadata cannot be parsed: " + e.parserMessage());
        }
        Optional<String> description = service.description().isBlank() ? metadata.label() : Optional.of(service.description());
        ApiRegistration registration = ApiRegistration.forODataService(run.catalog, service, root, config.user(), description);
        return DiscoveredService.active(service, registration, metadata);
    }

    /** Redirects, server errors and anything but 200 for the service document, 200/4xx for $metadata. */
    private Optional<DiscoveredService> unexpected(CatalogService service, String what, Exchange exchange) {
        HttpResponse<byte[]> response = exchange.response();
        int status = response.statusCode();
        if (status >= 300 && status < 400) {
            String location = response.headers().firstValue("Location").orElse("(no Location)");
            return Optional.of(notActive(service, ServiceStatus.UNAUTHORISED, what + " redirected (HTTP " + status + ") to " + location
                    + " instead of answering: a login page? User " + config.user().name() + " is not authorised for it"));
        }
        if (isTransient(status)) {
            return Optional.of(notActive(service, ServiceStatus.UNREACHABLE, what + " answered HTTP " + status + exchange.attemptsText()));
        }
        if (status != 200 && !(what.equals("$metadata") && status >= 400 && status < 500)) {
            return Optional.of(notActive(service, ServiceStatus.UNREACHABLE, what + " answered an unexpected HTTP " + status));
        }
        return Optional.empty();
    }

    private static DiscoveredService notActive(CatalogService service, ServiceStatus status, String reason) {
        return DiscoveredService.notActive(service, status, reason);
    }

    /** The names in {@code {"d":{"EntitySets":[...]}}}. */
    static List<String> entitySets(byte[] body) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IOException("not JSON (" + e.getOriginalMessage() + ")", e);
        }
        JsonNode sets = root == null ? null : root.path("d").get("EntitySets");
        if (sets == null || !sets.isArray()) {
            throw new IOException("no d.EntitySets array");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode set : sets) {
            if (set.isTextual() && !set.asText().isBlank()) {
                names.add(set.asText());
            }
        }
        return names;
    }

    static boolean isHtml(HttpResponse<byte[]> response) {
        String type = response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (type.contains("html")) {
            return true;
        }
        int length = Math.min(response.body().length, 256);
        String start = new String(response.body(), 0, length, StandardCharsets.UTF_8).stripLeading().toLowerCase(Locale.ROOT);
        return start.startsWith("<!doctype html") || start.startsWith("<html");
    }

    static boolean isTransient(int status) {
        return status >= 500 || status == 429;
    }

    static boolean isTransient(Throwable error) {
        return error instanceof IOException && !(error instanceof DeadlinePassed) && !(error instanceof SSLHandshakeException);
    }

    static String describe(IOException error) {
        if (error instanceof HttpConnectTimeoutException) {
            return "could not connect in time";
        }
        if (error instanceof HttpTimeoutException) {
            return "no answer in time";
        }
        if (error instanceof ConnectException) {
            return "cannot connect" + (error.getMessage() == null ? "" : " (" + error.getMessage() + ")");
        }
        if (error instanceof DeadlinePassed) {
            return error.getMessage();
        }
        return error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
    }

    static String basicAuthorization(CommunicationUser user) {
        String pair = user.name() + ":" + user.password().reveal();
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private static String human(Duration duration) {
        return duration.toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
