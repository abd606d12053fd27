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
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one prepared HTTP request per event over keep-alive connections on Netty event loops,
 * with the publisher's resilience: retries with short, growing, jittered waits (or the server's
 * {@code Retry-After}) until the delivery timeout, a circuit breaker whose open state holds events
 * back without calls (they go on as soon as it lets calls through again), and a bulkhead that
 * bounds calls in flight (further events wait for a slot, in order).
 *
 * <p>Every event lives on one event loop from start to finish: the caller's loop when
 * {@code publish} runs on one of ours (no thread hop), else one picked in turn. Its stage
 * completes on that loop.
 */
final class ResilientSender implements AutoCloseable {

    /** Statuses that may succeed when tried again; any other non-2xx is permanent. */
    static final Set<Integer> TRANSIENT_STATUSES = Set.of(429, 500, 502, 503, 504, 507);

    private static final Logger LOG = LoggerFactory.getLogger(ResilientSender.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR_TEXT = 500;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final PublisherConfig config;
    private final String endpoint;
    private final HttpConnections connections;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final EventLoopState[] loops;
    private final AtomicInteger nextLoop = new AtomicInteger();
    /** Transient failures in a row across all events, none accepted in between: how long failures have persisted. */
    private final AtomicInteger failureStreak = new AtomicInteger();
    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
    private final long requestTimeoutNanos;
    private final long deliveryTimeoutNanos;
    private final Retry retry;
    private final CircuitBreaker circuitBreaker;
    private final Bulkhead bulkhead;
    /** Events the open circuit holds back; released when it lets calls through again. */
    private final ConcurrentLinkedQueue<Delivery> gate = new ConcurrentLinkedQueue<>();
    private final AtomicLong gateGeneration = new AtomicLong();
    /** Events waiting for a bulkhead slot, oldest first. */
    private final ConcurrentLinkedDeque<Delivery> slotWaiters = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    ResilientSender(PublisherConfig config) {
        this.config = config;
        this.endpoint = config.endpoint().toString();
        this.requestTimeoutNanos = config.requestTimeout().toNanos();
        this.deliveryTimeoutNanos = config.deliveryTimeout().toNanos();
        this.ownsGroup = config.eventLoopGroup() == null;
        this.group = ownsGroup ? new NioEventLoopGroup(config.ioThreads(), new DefaultThreadFactory(config.name() + "-io", true))
                : config.eventLoopGroup();

        IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(config.initialBackoff(), config.backoffMultiplier(),
                config.jitter(), config.maxBackoff());
        long maxRetryAfter = config.maxRetryAfter().toMillis();
        IntervalBiFunction<Object> interval = (attempt, outcome) -> {
            if (outcome.isLeft() && unwrap(outcome.getLeft()) instanceof PublishException failure && failure.retryAfter().isPresent()) {
                return Math.min(failure.retryAfter().get().toMillis(), maxRetryAfter);
            }
            // The wait grows only while failures persist across the publisher: a failure among accepted events
            // is sent again at once, since every wait also holds back the acknowledgements queued behind the event.
            int persisting = Math.min(attempt, failureStreak.get());
            return persisting <= 1 ? 0L : backoff.apply(persisting - 1);
        };
        this.retry = Retry.of(config.name(), RetryConfig.custom()
                .maxAttempts(config.maxAttempts())
                .intervalBiFunction(interval)
                .retryOnException(e -> unwrap(e) instanceof PublishException failure && failure.isTransient())
                .build());
        IntervalFunction openWait = IntervalFunction.ofExponentialBackoff(config.waitInOpenState(), 2.0, config.maxWaitInOpenState());
        this.circuitBreaker = CircuitBreaker.of(config.name(), CircuitBreakerConfig.custom()
                .failureRateThreshold(config.failureRateThreshold())
                .slidingWindow(config.slidingWindowSize(), config.minimumNumberOfCalls(), CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .waitIntervalFunctionInOpenState(openWait)
                // Events held back by the open circuit wait for its probe, so the probe must come on time by itself.
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .permittedNumberOfCallsInHalfOpenState(config.permittedCallsInHalfOpenState())
                // Only failures of the service count against it: a 400 means the service is up.
                .recordException(e -> unwrap(e) instanceof PublishException failure && failure.isTransient())
                .clock(config.clock())
                .build());
        this.circuitBreaker.getEventPublisher().onStateTransition(transition -> {
            CircuitBreaker.State to = transition.getStateTransition().getToState();
            if (to == CircuitBreaker.State.HALF_OPEN || to == CircuitBreaker.State.CLOSED) {
                releaseGate();
            }
        });
        this.bulkhead = Bulkhead.of(config.name(), BulkheadConfig.custom()
                .maxConcurrentCalls(config.maxConcurrentCalls())
                .maxWaitDuration(Duration.ZERO)
                .build());

        this.connections = new HttpConnections(config, this, group);
        List<EventLoopState> states = new ArrayList<>();
        for (EventExecutor executor : group) {
            if (executor instanceof EventLoop loop) {
                states.add(new EventLoopState(loop, connections, this::sweep, sweepPeriodMillis(config)));
            }
        }
        if (states.isEmpty()) {
            throw new IllegalArgumentException("eventLoops has no event loop");
        }
        this.loops = states.toArray(EventLoopState[]::new);
    }

    private static long sweepPeriodMillis(PublisherConfig config) {
        return Math.max(10, Math.min(250, config.requestTimeout().toMillis() / 10));
    }

    String endpoint() {
        return endpoint;
    }

    long requestTimeoutNanos() {
        return requestTimeoutNanos;
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

    // ---------------------------------------------------------------- start

    /**
     * Sends the request {@code request} writes for this event until it is accepted, fails
     * permanently, the attempts are spent or the delivery timeout passed.
     */
    CompletionStage<PublishReceipt> send(BusinessEvent event, EventRequest request) {
        if (closed) {
            return CompletableFuture.failedFuture(new PublishException(false, endpoint, 0, null, null,
                    "The publisher for " + endpoint + " is closed; event " + describe(event) + " was not sent", null));
        }
        int bodyBytes = request.bodyBytes(event);
        if (bodyBytes > PublisherConfig.MAX_BODY_BYTES) {
            return CompletableFuture.failedFuture(new PublishException(false, endpoint, 413, null, null,
                    "Event " + describe(event) + " is too large: its request body has " + bodyBytes + " bytes, and Kyma accepts at most "
                            + PublisherConfig.MAX_BODY_BYTES + " (64 KiB); it was not sent", null));
        }
        ByteBuf bytes;
        try {
            bytes = request.encode(alloc, event, bodyBytes);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new PublishException(false, endpoint, 0, null, null,
                    "Cannot write event " + describe(event) + " as a request: " + e.getMessage(), e));
        }
        EventLoopState here = currentLoop();
        EventLoopState loop = here != null ? here : loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)];
        Delivery delivery = new Delivery(event, bytes, loop, System.nanoTime() + deliveryTimeoutNanos, retry.asyncContext());
        if (here != null) {
            start(delivery);
        } else {
            try {
                loop.loop.execute(() -> start(delivery));
            } catch (RejectedExecutionException e) {
                bytes.release();
                return CompletableFuture.failedFuture(new PublishException(false, endpoint, 0, null, null,
                        "The publisher for " + endpoint + " is closed (its event loops stopped); event " + describe(event)
                                + " was not sent", e));
            }
        }
        return delivery.result;
    }

    private EventLoopState currentLoop() {
        for (EventLoopState state : loops) {
            if (state.loop.inEventLoop()) {
                return state;
            }
        }
        return null;
    }

    private void start(Delivery delivery) {
        delivery.loop.add(delivery);
        attempt(delivery);
    }

    // ---------------------------------------------------------------- attempts (on the delivery's loop)

    private void attempt(Delivery d) {
        if (d.done) {
            return;
        }
        if (closed) {
            fail(d, closedFailure(d));
            return;
        }
        long now = System.nanoTime();
        if (now - d.deadlineNanos >= 0) {
            fail(d, deliveryTimedOut(d));
            return;
        }
        if (!d.waitedForSlot && !slotWaiters.isEmpty()) {
            waitForSlot(d, false); // behind the events that already wait
            return;
        }
        long generation = gateGeneration.get();
        if (!circuitBreaker.tryAcquirePermission()) {
            hold(d, generation);
            return;
        }
        if (!bulkhead.tryAcquirePermission()) {
            circuitBreaker.releasePermission();
            waitForSlot(d, d.waitedForSlot);
            return;
        }
        d.waitedForSlot = false;
        d.startNanos = now;
        d.inCall = true;
        d.loop.exchange(d);
    }

    /** The circuit is open: the event waits, without a call, until it lets calls through again. */
    private void hold(Delivery d, long generationSeen) {
        if (d.lastFailure == null) {
            d.lastFailure = new PublishException(true, endpoint, 0, null, null, "Circuit breaker '" + config.name() + "' is open: "
                    + endpoint + " failed too often recently; event " + describe(d.event) + " waits for it", null);
        }
        gate.add(d);
        if (gateGeneration.get() != generationSeen) {
            releaseGate(); // it opened the gate while we were on our way in
        }
    }

    private void releaseGate() {
        gateGeneration.incrementAndGet();
        Delivery d;
        while ((d = gate.poll()) != null) {
            d.loop.run(d, this::attempt);
        }
    }

    private void waitForSlot(Delivery d, boolean front) {
        if (front) {
            slotWaiters.addFirst(d);
        } else {
            slotWaiters.addLast(d);
        }
        if (bulkhead.getMetrics().getAvailableConcurrentCalls() > 0) {
            wakeSlotWaiter();
        }
    }

    private void wakeSlotWaiter() {
        Delivery d = slotWaiters.pollFirst();
        if (d != null) {
            d.waitedForSlot = true;
            d.loop.run(d, this::attempt);
        }
    }

    /** The request got an answer. */
    void answered(Delivery d, int status, String retryAfter, String body) {
        long elapsed = callEnded(d);
        if (status / 100 == 2) {
            if (failureStreak.get() != 0) {
                failureStreak.set(0);
            }
            circuitBreaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
            d.retryContext.onComplete();
            succeed(d, status);
            return;
        }
        boolean transientFailure = TRANSIENT_STATUSES.contains(status);
        String serverText = errorText(body);
        Duration wait = transientFailure && retryAfter != null ? retryAfter(retryAfter, config.clock()) : null;
        PublishException failure = new PublishException(transientFailure, endpoint, status, serverText, wait,
                "Kyma event service " + endpoint + " answered HTTP " + status + " to event " + describe(d.event) + ": "
                        + (serverText == null ? "(no error text)" : serverText)
                        + (transientFailure ? " (transient)" : " (permanent: not retried)"), null);
        circuitBreaker.onError(elapsed, TimeUnit.NANOSECONDS, failure);
        countFailure(failure);
        retryOrFail(d, failure);
    }

    private void countFailure(PublishException failure) {
        if (failure.isTransient()) {
            failureStreak.incrementAndGet();
        } else if (failureStreak.get() != 0) {
            failureStreak.set(0); // the service answered: it is up
        }
    }

    /** The request failed without an answer: connection refused or lost, TLS, time-out. */
    void failedWithoutAnswer(Delivery d, Throwable error, boolean timedOut) {
        long elapsed = callEnded(d);
        PublishException failure = fromError(d.event, error, timedOut);
        circuitBreaker.onError(elapsed, TimeUnit.NANOSECONDS, failure);
        countFailure(failure);
        retryOrFail(d, failure);
    }

    private long callEnded(Delivery d) {
        d.inCall = false;
        bulkhead.onComplete();
        if (!slotWaiters.isEmpty()) {
            wakeSlotWaiter();
        }
        return System.nanoTime() - d.startNanos;
    }

    private void retryOrFail(Delivery d, PublishException failure) {
        if (failure.isTransient()) {
            LOG.debug("{}", failure.getMessage());
        }
        if (closed) {
            fail(d, closedFailure(d));
            return;
        }
        long waitMillis = d.retryContext.onError(failure);
        if (waitMillis < 0) {
            fail(d, failure);
            return;
        }
        d.lastFailure = failure;
        if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis) - d.deadlineNanos >= 0) {
            fail(d, deliveryTimedOut(d));
            return;
        }
        d.loop.runAfter(d, this::attempt, waitMillis, config.scheduler().orElse(null));
    }

    private void succeed(Delivery d, int status) {
        if (d.loop.finish(d)) {
            d.result.complete(new PublishReceipt(d.event.id(), status));
        }
    }

    private void fail(Delivery d, PublishException failure) {
        if (d.loop.finish(d)) {
            d.result.completeExceptionally(failure);
        }
    }

    /** Time-outs of requests and deliveries, slots that were freed without a wake-up, a gate left shut; on each loop now and then. */
    private void sweep(EventLoopState loop, long now) {
        loop.expireRequests(now, requestTimeoutNanos);
        for (Delivery d : loop.overdue(now)) {
            fail(d, deliveryTimedOut(d)); // held back past the delivery timeout (an open circuit does not wake it)
        }
        if (!slotWaiters.isEmpty() && bulkhead.getMetrics().getAvailableConcurrentCalls() > 0) {
            wakeSlotWaiter();
        }
        if (!gate.isEmpty() && circuitBreaker.getState() == CircuitBreaker.State.CLOSED) {
            releaseGate();
        }
    }

    private PublishException closedFailure(Delivery d) {
        return new PublishException(true, endpoint, 0, null, null,
                "The publisher for " + endpoint + " was closed before event " + describe(d.event) + " was accepted", null);
    }

    private PublishException deliveryTimedOut(Delivery d) {
        PublishException last = d.lastFailure;
        return new PublishException(true, endpoint, last == null ? 0 : last.status(), last == null ? null : last.serverMessage().orElse(null),
                null, "Event " + describe(d.event) + " was not accepted by " + endpoint + " within the delivery timeout of "
                        + config.deliveryTimeout().toMillis() + " ms (" + d.loop.attempts(d) + " attempts)"
                        + (last == null ? "" : "; last failure: " + last.getMessage()), last);
    }

    private PublishException fromError(BusinessEvent event, Throwable error, boolean timedOut) {
        String what;
        if (timedOut) {
            what = "no answer within " + config.requestTimeout();
        } else if (error instanceof io.netty.channel.ConnectTimeoutException) {
            what = "connecting timed out";
        } else if (error instanceof ConnectException) {
            what = "connection refused or unreachable";
        } else if (error instanceof IOException || error == null) {
            what = error == null ? "the connection closed before the answer"
                    : error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
        } else if (error instanceof io.netty.handler.codec.DecoderException) {
            what = "an answer that is not HTTP/1.1 (" + error.getMessage() + ")";
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

    /**
     * Fails what is still in flight (transiently, so a caller such as the bridge holds the PUBACK),
     * closes the connections, and stops the event loops if the publisher owns them.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean onOurLoop = currentLoop() != null;
        CountDownLatch done = new CountDownLatch(loops.length);
        for (EventLoopState loop : loops) {
            loop.runOrNow(() -> {
                try {
                    loop.closeAll(d -> fail(d, closedFailure(d)));
                } finally {
                    done.countDown();
                }
            }, done::countDown);
        }
        gate.clear();
        slotWaiters.clear();
        connections.close();
        if (!onOurLoop) {
            try {
                done.await(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ownsGroup) {
            var termination = group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (!onOurLoop) {
                termination.awaitUninterruptibly(CLOSE_WAIT.toMillis());
            }
        }
    }
}
