package dev.marketingconnector.examples.ops;

import dev.marketingconnector.core.events.CircuitState;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.kyma.events.CloudEventsPublisher;
import dev.marketingconnector.kyma.events.LegacyEventsPublisher;
import dev.marketingconnector.mqtt.BridgeListener;
import dev.marketingconnector.mqtt.DeadLetter;
import dev.marketingconnector.mqtt.MqttBridge;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.registry.InMemoryRegistryStore;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Binds the bridge's {@link BridgeListener} port, the publisher's resilience4j instances, the
 * registration runs and the JVM to Micrometer. Every tag value comes from a small fixed set (the
 * listener's enums, registration outcomes): never a client id, event id or topic. Each tagged
 * counter is registered up front for every value, so a scrape shows zeros rather than nothing.
 */
final class ConnectorMetrics implements BridgeListener, AutoCloseable {

    static final String CONNECTIONS = "connector.mqtt.connections";
    static final String CONNECTS = "connector.mqtt.connects";
    static final String RECEIVED = "connector.events.received";
    static final String FORWARDED = "connector.events.forwarded";
    static final String RETRIED = "connector.events.retried";
    static final String DEAD_LETTERED = "connector.events.dead.lettered";
    static final String FORWARD_LATENCY = "connector.events.forward.latency";
    static final String IN_FLIGHT = "connector.events.in.flight";
    static final String CIRCUIT_OPEN = "connector.publisher.circuit.open";
    static final String TOKEN_REQUESTS = "connector.token.requests";
    static final String REGISTRATION_RUNS = "connector.registration.runs";
    static final String REGISTRATION_ITEMS = "connector.registration.items";
    static final String REGISTRATION_LAST_SUCCESS = "connector.registration.last.success";
    /** The {@code reason} of an accepted connect, since Prometheus wants one set of label names per metric. */
    static final String NO_REASON = "none";

    private final MeterRegistry registry;
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicReference<MqttBridge> bridge = new AtomicReference<>();
    private final AtomicReference<EventPublisher> publisher = new AtomicReference<>();
    private final Counter accepted;
    private final Map<ConnectRefusal, Counter> refused = new EnumMap<>(ConnectRefusal.class);
    private final Counter received;
    private final Counter forwarded;
    private final Counter retried;
    private final Map<DeadLetter.Reason, Counter> deadLettered = new EnumMap<>(DeadLetter.Reason.class);
    private final Timer latency;
    private final Map<TokenOutcome, Counter> tokenRequests = new EnumMap<>(TokenOutcome.class);
    private final Object registrationLock = new Object();
    private Map<String, Counter> registrationRuns;
    private Map<String, Counter> registrationItems;
    private final AtomicLong lastRegistrationSuccess = new AtomicLong();
    private JvmGcMetrics gcMetrics;

    ConnectorMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        Gauge.builder(CONNECTIONS, openConnections, AtomicInteger::get)
                .description("MQTT connections open now (CONNECT accepted)").strongReference(true).register(registry);
        accepted = Counter.builder(CONNECTS).tag("outcome", "accepted").tag("reason", NO_REASON)
                .description("MQTT connects by outcome, refusals by reason").register(registry);
        for (ConnectRefusal reason : ConnectRefusal.values()) {
            refused.put(reason, Counter.builder(CONNECTS).tag("outcome", "refused").tag("reason", Names.refusal(reason))
                    .description("MQTT connects by outcome, refusals by reason").register(registry));
        }
        received = Counter.builder(RECEIVED).description("PUBLISH packets received (in-flight duplicates not counted)").register(registry);
        forwarded = Counter.builder(FORWARDED).description("Events the Kyma event service accepted").register(registry);
        retried = Counter.builder(RETRIED).description("Forwarding attempts repeated after a transient failure (by the bridge or the publisher)")
                .register(registry);
        for (DeadLetter.Reason reason : DeadLetter.Reason.values()) {
            deadLettered.put(reason, Counter.builder(DEAD_LETTERED).tag("reason", Names.deadLetter(reason))
                    .description("Messages acknowledged without being forwarded, by reason").register(registry));
        }
        latency = Timer.builder(FORWARD_LATENCY)
                .description("From a PUBLISH's arrival to the event service's acceptance")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        Gauge.builder(IN_FLIGHT, bridge, b -> b.get() == null ? 0 : b.get().inFlight())
                .description("Messages being forwarded now").strongReference(true).register(registry);
        Gauge.builder(CIRCUIT_OPEN, publisher, p -> p.get() != null && p.get().circuitState() == CircuitState.OPEN ? 1 : 0)
                .description("1 while the event publisher's circuit breaker is open").strongReference(true).register(registry);
        for (TokenOutcome outcome : TokenOutcome.values()) {
            tokenRequests.put(outcome, Counter.builder(TOKEN_REQUESTS).tag("outcome", Names.token(outcome))
                    .description("Requests to /oauth/token by outcome").register(registry));
        }
    }

    /** JVM and process metrics: memory, GC, threads, class loading, CPU, uptime, file descriptors. */
    void bindJvm() {
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /**
     * The publisher's circuit state; for the Kyma publishers also resilience4j's own metrics of their
     * circuit breaker, retry and bulkhead ({@code resilience4j_circuitbreaker_*}, …), and their
     * retries in {@code connector_events_retried_total}: they retry by themselves, the bridge does not.
     */
    void bindPublisher(EventPublisher eventPublisher) {
        Objects.requireNonNull(eventPublisher, "publisher");
        if (!publisher.compareAndSet(null, eventPublisher)) {
            throw new IllegalStateException("a publisher is already bound");
        }
        if (eventPublisher instanceof CloudEventsPublisher p) {
            bindResilience(p.circuitBreaker(), p.retry(), p.bulkhead());
        } else if (eventPublisher instanceof LegacyEventsPublisher p) {
            bindResilience(p.circuitBreaker(), p.retry(), p.bulkhead());
        }
        retryOf(eventPublisher).ifPresent(retry -> retry.getEventPublisher().onRetry(event -> retried.increment()));
    }

    /** The resilience4j retry of a Kyma publisher: each of its {@code onRetry} events is one repeated attempt. */
    static java.util.Optional<Retry> retryOf(EventPublisher eventPublisher) {
        if (eventPublisher instanceof CloudEventsPublisher p) {
            return java.util.Optional.of(p.retry());
        }
        if (eventPublisher instanceof LegacyEventsPublisher p) {
            return java.util.Optional.of(p.retry());
        }
        return java.util.Optional.empty();
    }

    private void bindResilience(CircuitBreaker circuitBreaker, Retry retry, Bulkhead bulkhead) {
        // The publisher built its instances itself; a registry store holding just them lets the tagged binders see them.
        InMemoryRegistryStore<CircuitBreaker> breakers = new InMemoryRegistryStore<>();
        breakers.putIfAbsent(circuitBreaker.getName(), circuitBreaker);
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(CircuitBreakerRegistry.custom().withRegistryStore(breakers).build())
                .bindTo(registry);
        InMemoryRegistryStore<Retry> retries = new InMemoryRegistryStore<>();
        retries.putIfAbsent(retry.getName(), retry);
        TaggedRetryMetrics.ofRetryRegistry(RetryRegistry.custom().withRegistryStore(retries).build()).bindTo(registry);
        InMemoryRegistryStore<Bulkhead> bulkheads = new InMemoryRegistryStore<>();
        bulkheads.putIfAbsent(bulkhead.getName(), bulkhead);
        TaggedBulkheadMetrics.ofBulkheadRegistry(BulkheadRegistry.custom().withRegistryStore(bulkheads).build()).bindTo(registry);
    }

    /** The started bridge, for the in-flight gauge. */
    void bindBridge(MqttBridge started) {
        bridge.set(Objects.requireNonNull(started, "bridge"));
    }

    /** Registers the registration meters (at zero); called where this process registers. */
    void registrationRunsHere() {
        synchronized (registrationLock) {
            if (registrationRuns != null) {
                return;
            }
            registrationRuns = new HashMap<>();
            for (String outcome : new String[] {StatusReport.LastRegistration.SUCCEEDED, StatusReport.LastRegistration.FAILED_ITEMS,
                    StatusReport.LastRegistration.FAILED}) {
                registrationRuns.put(outcome, Counter.builder(REGISTRATION_RUNS).tag("outcome", outcome)
                        .description("Registration runs by outcome").register(registry));
            }
            registrationItems = new HashMap<>();
            for (String outcome : StatusReport.LastRegistration.ITEM_OUTCOMES) {
                registrationItems.put(outcome, Counter.builder(REGISTRATION_ITEMS).tag("outcome", outcome)
                        .description("Registration items by outcome, summed over runs").register(registry));
            }
            Gauge.builder(REGISTRATION_LAST_SUCCESS, lastRegistrationSuccess, AtomicLong::get)
                    .description("When a registration run last succeeded without failed items (Unix time; 0 = not yet)")
                    .baseUnit("seconds").strongReference(true).register(registry);
        }
    }

    void registrationFinished(StatusReport.LastRegistration run) {
        registrationRunsHere();
        synchronized (registrationLock) {
            registrationRuns.get(run.outcome()).increment();
            run.counts().forEach((outcome, count) -> registrationItems.get(outcome).increment(count));
            if (StatusReport.LastRegistration.SUCCEEDED.equals(run.outcome())) {
                lastRegistrationSuccess.set(run.finishedAt().getEpochSecond());
            }
        }
    }

    // ---------------------------------------------------------------- BridgeListener

    @Override
    public void connectionOpened(String clientId, String remoteAddress) {
        openConnections.incrementAndGet();
        accepted.increment();
    }

    @Override
    public void connectionClosed(String clientId, String remoteAddress, CloseReason reason) {
        openConnections.decrementAndGet();
    }

    @Override
    public void connectRefused(String remoteAddress, ConnectRefusal reason) {
        refused.get(reason).increment();
    }

    @Override
    public void eventReceived(String clientId, String topic) {
        received.increment();
    }

    @Override
    public void eventForwarded(String clientId, Duration took) {
        forwarded.increment();
        latency.record(took.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void eventRetried(String clientId, int attempt, RuntimeException failure) {
        retried.increment();
    }

    @Override
    public void eventDeadLettered(DeadLetter deadLetter) {
        deadLettered.get(deadLetter.reason()).increment();
    }

    @Override
    public void tokenRequest(TokenOutcome outcome) {
        tokenRequests.get(outcome).increment();
    }

    @Override
    public void close() {
        if (gcMetrics != null) {
            gcMetrics.close();
        }
    }
}
