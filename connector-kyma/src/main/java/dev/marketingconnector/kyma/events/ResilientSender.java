package dev.marketingconnector.kyma.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.CircuitState;
import dev.marketingconnector.core.events.PublishException;
import dev.marketingconnector.core.events.PublishReceipt;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one prepared HTTP request per event with retry (exponential backoff with jitter, or the
 * server's {@code Retry-After}), a circuit breaker and a bulkhead, all asynchronous: the JDK client's
 * {@code sendAsync} and retries scheduled on a {@link ScheduledExecutorService}, never a blocked thread.
 */
final class ResilientSender implements AutoCloseable {

    /** Statuses that may succeed when tried again; any other non-2xx is permanent. */
    static final Set<Integer> TRANSIENT_STATUSES = Set.of(429, 500, 502, 503, 504, 507);

    private static final Logger LOG = LoggerFactory.getLogger(ResilientSender.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR_TEXT = 500;

    private final PublisherConfig config;
    private final String endpoint;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final Retry retry;
    private final CircuitBreaker circuitBreaker;
    private final Bulkhead bulkhead;
    private final Set<CompletableFuture<PublishReceipt>> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    ResilientSender(PublisherConfig config) {
        this.config = config;
        this.endpoint = config.endpoint().toString();
        // Responses are handled where they arrive: the handling never blocks, and a hop to a worker
        // pool (or, on a 1-2 CPU machine, a new thread per response) cost more CPU than the handling.
        HttpClient.Builder builder = HttpClient.newBuilder()
                .executor(Runnable::run)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1);
        config.tls().ifPresent(tls -> builder.sslContext(tls.sslContext()));
        this.http = builder.build();
        this.ownsScheduler = config.scheduler().isEmpty();
        this.scheduler = config.scheduler().orElseGet(() -> Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, config.name() + "-retry");
            thread.setDaemon(true);
            return thread;
        }));

        IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(config.initialBackoff(), config.backoffMultiplier(),
                config.jitter(), config.maxBackoff());
        long maxRetryAfter = config.maxRetryAfter().toMillis();
        IntervalBiFunction<Object> interval = (attempt, outcome) -> {
            if (outcome.isLeft() && unwrap(outcome.getLeft()) instanceof PublishException failure && failure.retryAfter().isPresent()) {
                return Math.min(failure.retryAfter().get().toMillis(), maxRetryAfter);
            }
            return backoff.apply(attempt);
        };
        this.retry = Retry.of(config.name(), RetryConfig.custom()
                .maxAttempts(config.maxAttempts())
                .intervalBiFunction(interval)
                .retryOnException(e -> unwrap(e) instanceof PublishException failure && failure.isTransient())
                .build());
        this.circuitBreaker = CircuitBreaker.of(config.name(), CircuitBreakerConfig.custom()
                .failureRateThreshold(config.failureRateThreshold())
                .slidingWindow(config.slidingWindowSize(), config.minimumNumberOfCalls(), CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .waitDurationInOpenState(config.waitInOpenState())
                .permittedNumberOfCallsInHalfOpenState(config.permittedCallsInHalfOpenState())
                // Only failures of the service count against it: a 400 means the service is up.
                .recordException(e -> unwrap(e) instanceof PublishException failure && failure.isTransient())
                .clock(config.clock())
                .build());
        this.bulkhead = Bulkhead.of(config.name(), BulkheadConfig.custom()
                .maxConcurrentCalls(config.maxConcurrentCalls())
                .maxWaitDuration(Duration.ZERO)
                .build());
    }

    Retry retry() {
        return retry;
    }

    CircuitBreaker circuitBreaker() {
        return circuitBreaker;
    }

    Bulkhead bulkhead() {
        return bulkhead;
    }

    CircuitState circuitState() {
        switch (circuitBreaker.getState()) {
            case OPEN:
            case FORCED_OPEN:
                return CircuitState.OPEN;
            case HALF_OPEN:
                return CircuitState.HALF_OPEN;
            default:
                return CircuitState.CLOSED;
        }
    }

    /**
     * Sends the request for this event until it succeeds, fails permanently or the attempts are spent.
     *
     * @param bodyBytes the request body's size, checked against {@link PublisherConfig#MAX_BODY_BYTES} first
     * @param receipt   turns a 2xx response into the receipt
     */
    CompletionStage<PublishReceipt> send(BusinessEvent event, HttpRequest request, int bodyBytes,
            Function<HttpResponse<String>, PublishReceipt> receipt) {
        if (closed) {
            return CompletableFuture.failedFuture(new PublishException(false, endpoint, 0, null, null,
                    "The publisher for " + endpoint + " is closed; event " + describe(event) + " was not sent", null));
        }
        if (bodyBytes > PublisherConfig.MAX_BODY_BYTES) {
            return CompletableFuture.failedFuture(new PublishException(false, endpoint, 413, null, null,
                    "Event " + describe(event) + " is too large: its request body has " + bodyBytes + " bytes, and Kyma accepts at most "
                            + PublisherConfig.MAX_BODY_BYTES + " (64 KiB); it was not sent", null));
        }
        CompletableFuture<PublishReceipt> result = new CompletableFuture<>();
        inFlight.add(result);
        result.whenComplete((r, e) -> inFlight.remove(result));
        Retry.decorateCompletionStage(retry, scheduler, () -> attempt(event, request, receipt)).get()
                .whenComplete((r, e) -> {
                    if (e == null) {
                        result.complete(r);
                    } else {
                        result.completeExceptionally(unwrap(e));
                    }
                });
        return result;
    }

    private CompletionStage<PublishReceipt> attempt(BusinessEvent event, HttpRequest request,
            Function<HttpResponse<String>, PublishReceipt> receipt) {
        if (closed) {
            return CompletableFuture.failedFuture(new PublishException(false, endpoint, 0, null, null,
                    "The publisher for " + endpoint + " was closed; event " + describe(event) + " was not sent", null));
        }
        if (!circuitBreaker.tryAcquirePermission()) {
            return CompletableFuture.failedFuture(new PublishException(true, endpoint, 0, null, null,
                    "Circuit breaker '" + config.name() + "' is open: " + endpoint + " failed too often recently; event "
                            + describe(event) + " was not sent", null));
        }
        if (!bulkhead.tryAcquirePermission()) {
            circuitBreaker.releasePermission();
            return CompletableFuture.failedFuture(new PublishException(true, endpoint, 0, null, null,
                    config.maxConcurrentCalls() + " calls to " + endpoint + " are already in flight; event " + describe(event)
                            + " was not sent", null));
        }
        long start = System.nanoTime();
        CompletableFuture<PublishReceipt> outcome = new CompletableFuture<>();
        try {
            http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                bulkhead.onComplete();
                long elapsed = System.nanoTime() - start;
                PublishException failure = error != null ? fromError(event, unwrap(error)) : fromResponse(event, response);
                if (failure == null) {
                    circuitBreaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
                    outcome.complete(receipt.apply(response));
                } else {
                    circuitBreaker.onError(elapsed, TimeUnit.NANOSECONDS, failure);
                    if (failure.isTransient()) {
                        LOG.debug("{}", failure.getMessage());
                    }
                    outcome.completeExceptionally(failure);
                }
            });
        } catch (RuntimeException e) {
            bulkhead.onComplete();
            circuitBreaker.releasePermission();
            outcome.completeExceptionally(new PublishException(false, endpoint, 0, null, null,
                    "Cannot send event " + describe(event) + " to " + endpoint + ": " + e.getMessage(), e));
        }
        return outcome;
    }

    private PublishException fromResponse(BusinessEvent event, HttpResponse<String> response) {
        int status = response.statusCode();
        if (status / 100 == 2) {
            return null;
        }
        boolean transientFailure = TRANSIENT_STATUSES.contains(status);
        String serverText = errorText(response.body());
        Duration retryAfter = transientFailure
                ? response.headers().firstValue("Retry-After").map(value -> retryAfter(value, config.clock())).orElse(null)
                : null;
        return new PublishException(transientFailure, endpoint, status, serverText, retryAfter,
                "Kyma event service " + endpoint + " answered HTTP " + status + " to event " + describe(event) + ": "
                        + (serverText == null ? "(no error text)" : serverText)
                        + (transientFailure ? " (transient)" : " (permanent: not retried)"), null);
    }

    private PublishException fromError(BusinessEvent event, Throwable error) {
        String what;
        if (error instanceof HttpConnectTimeoutException) {
            what = "connecting timed out";
        } else if (error instanceof HttpTimeoutException) {
            what = "no answer within " + config.requestTimeout();
        } else if (error instanceof ConnectException) {
            what = "connection refused or unreachable";
        } else if (error instanceof IOException) {
            what = error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
        } else {
            return new PublishException(false, endpoint, 0, null, null, "Cannot send event " + describe(event) + " to " + endpoint
                    + ": " + error, error);
        }
        return new PublishException(true, endpoint, 0, null, null,
                "Cannot reach the Kyma event service " + endpoint + " for event " + describe(event) + ": " + what + " (transient)", error);
    }

    /** Seconds or an HTTP-date (RFC 9110); null when it is neither. */
    static Duration retryAfter(String value, Clock clock) {
        String trimmed = value.trim();
        if (trimmed.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(trimmed));
        }
        try {
            Duration wait = Duration.between(clock.instant(), ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return wait.isNegative() ? Duration.ZERO : wait;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The server's error text: events v1 {@code message} (+ {@code details}), {@code error}, or the body itself. */
    static String errorText(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.isObject()) {
                StringBuilder text = new StringBuilder();
                JsonNode message = node.get("message");
                JsonNode error = node.get("error");
                if (message != null && message.isTextual()) {
                    text.append(message.asText());
                } else if (error != null && error.isTextual()) {
                    text.append(error.asText());
                }
                JsonNode details = node.get("details");
                if (details != null && details.isArray()) {
                    for (JsonNode detail : details) {
                        String field = detail.path("field").asText("");
                        String detailMessage = detail.path("message").asText("");
                        if (!field.isEmpty() || !detailMessage.isEmpty()) {
                            text.append(text.length() == 0 ? "" : "; ").append(field).append(field.isEmpty() ? "" : ": ").append(detailMessage);
                        }
                    }
                }
                if (text.length() > 0) {
                    return shorten(text.toString());
                }
            }
        } catch (IOException e) {
            // not JSON: the raw text below
        }
        return shorten(body.strip());
    }

    private static String shorten(String text) {
        return text.length() <= MAX_ERROR_TEXT ? text : text.substring(0, MAX_ERROR_TEXT) + "…";
    }

    static String describe(BusinessEvent event) {
        return event.id() + " (" + event.type().qualified() + ")";
    }

    static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException) && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /** Fails what is still in flight, and stops the retry thread if the publisher owns it. */
    @Override
    public void close() {
        closed = true;
        for (CompletableFuture<PublishReceipt> pending : inFlight) {
            pending.completeExceptionally(new PublishException(true, endpoint, 0, null, null,
                    "The publisher for " + endpoint + " was closed before the event was accepted", null));
        }
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
    }
}
