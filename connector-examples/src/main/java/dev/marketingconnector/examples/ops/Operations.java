package dev.marketingconnector.examples.ops;

import dev.marketingconnector.core.discovery.DiscoveryReport;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.registry.ReconcileResult;
import dev.marketingconnector.core.spool.DeadLetterStore;
import dev.marketingconnector.core.spool.SpoolForwarder;
import dev.marketingconnector.core.spool.SpoolingEventPublisher;
import dev.marketingconnector.mqtt.BridgeConfig;
import dev.marketingconnector.mqtt.ConnectedClient;
import dev.marketingconnector.mqtt.DeadLetter;
import dev.marketingconnector.mqtt.DeadLetterSink;
import dev.marketingconnector.mqtt.MqttBridge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The runnable connector's operational side, one per process: Prometheus metrics at {@code /metrics},
 * the status view at {@code /status} (on the HTTP port, on {@code STATUS_PORT}, or off), fed by the
 * bridge's {@code BridgeListener} port, a watch on the event publisher, and the registration runs.
 * The library modules know nothing of Micrometer; this class binds them.
 *
 * <pre>{@code
 * Operations ops = Operations.builder().statusEndpoint(StatusEndpoint.parse(env.get("STATUS_PORT"))).build();
 * EventPublisher publisher = ops.track(kymaPublisher);
 * MqttBridge bridge = new MqttBridge(ops.configure(BridgeConfig.builder()...publisher(publisher)).build()).start();
 * ops.started(bridge);
 * ...
 * ops.close();
 * }</pre>
 */
public final class Operations implements AutoCloseable {

    /** How long the SAP system may be silent before the status page says so. */
    public static final Duration DEFAULT_SILENCE_THRESHOLD = Duration.ofHours(2);
    /** How long Kyma may accept nothing while events wait in the spool before the status page says so. */
    public static final Duration DEFAULT_SPOOL_STALL_THRESHOLD = Duration.ofMinutes(5);
    /** Dead letters shown on the status page. */
    public static final int DEFAULT_DEAD_LETTERS_SHOWN = 20;
    /** MQTT clients listed on the status page (the longest connected first); the rest are counted. */
    public static final int DEFAULT_CLIENTS_SHOWN = 100;
    public static final String DEFAULT_MQTT_HOST = "mqtt.<cluster domain>";
    public static final String DEFAULT_TOKEN_ENDPOINT = "https://auth.<cluster domain>/oauth/token";
    static final String NOTE_ELSEWHERE = "registration does not run in this process: with `bridge` it runs in the `register` CronJob"
            + " (see its job logs, or run `register --dry-run`)";
    static final String NOTE_NOT_YET = "no registration run has finished in this process yet (with several `run` replicas,"
            + " only the one holding the registration lease registers)";

    private final Clock clock;
    private final String version;
    private final StatusEndpoint statusEndpoint;
    private final Duration silenceThreshold;
    private final int deadLettersShown;
    private final int clientsShown;
    private final String mqttHost;
    private final String tokenEndpoint;
    private final PrometheusMeterRegistry meterRegistry;
    private final ConnectorMetrics metrics;
    private final StatusTracker tracker;
    private final AtomicReference<TrackedPublisher> publisher = new AtomicReference<>();
    private final AtomicReference<MqttBridge> bridge = new AtomicReference<>();
    private final AtomicReference<StatusReport.LastRegistration> lastRegistration = new AtomicReference<>();
    private final SpoolMonitor spoolMonitor;
    private volatile boolean registrationRunsHere;
    private StatusServer statusServer;

    private Operations(Builder b) {
        clock = b.clock;
        version = b.version;
        statusEndpoint = b.statusEndpoint;
        silenceThreshold = b.silenceThreshold;
        deadLettersShown = b.deadLettersShown;
        clientsShown = b.clientsShown;
        mqttHost = b.mqttHost;
        tokenEndpoint = b.tokenEndpoint;
        meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics = new ConnectorMetrics(meterRegistry);
        if (b.jvmMetrics) {
            metrics.bindJvm();
        }
        tracker = new StatusTracker(clock);
        spoolMonitor = new SpoolMonitor(clock, b.spoolStallThreshold);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Watches {@code eventPublisher} (its circuit, its last error and success) and binds its
     * resilience4j metrics; give the bridge the publisher this returns. Call once.
     */
    public EventPublisher track(EventPublisher eventPublisher) {
        TrackedPublisher tracked = new TrackedPublisher(eventPublisher, clock);
        if (!publisher.compareAndSet(null, tracked)) {
            throw new IllegalStateException("a publisher is already tracked");
        }
        metrics.bindPublisher(eventPublisher);
        ConnectorMetrics.retryOf(eventPublisher).ifPresent(retry -> retry.getEventPublisher().onRetry(event -> tracker.publisherRetried()));
        return tracked;
    }

    /**
     * Keeps the bridge's dead letters, with their payloads, in {@code store} (the spool's dead-letter
     * area, or {@code RecentDeadLetters} without a spool): on the status page, at
     * {@code /status/dead-letters}, in the metrics. Returns the sink to give the bridge. Call once.
     *
     * @param where where they are kept, in words (the spool's location, or "memory")
     */
    public DeadLetterSink deadLetters(DeadLetterStore store, String where) {
        spoolMonitor.deadLetters(Objects.requireNonNull(store, "store"), Objects.requireNonNull(where, "where"), meterRegistry);
        return new StoringDeadLetterSink(store);
    }

    /** The bridge stores events in a spool and {@code forwarder} sends them on: both go on the status page and into the metrics. */
    public void spool(String mode, SpoolingEventPublisher spooling, SpoolForwarder forwarder) {
        spoolMonitor.spool(Objects.requireNonNull(mode, "mode"), Objects.requireNonNull(spooling, "spooling"),
                Objects.requireNonNull(forwarder, "forwarder"), meterRegistry);
    }

    /** Adds the metrics and status listeners and the {@code /metrics} (and, on the HTTP port, {@code /status}) routes. */
    public BridgeConfig.Builder configure(BridgeConfig.Builder builder) {
        builder.listener(metrics).listener(tracker).route(MetricsRoute.PATH, new MetricsRoute(meterRegistry));
        if (statusEndpoint.mode() == StatusEndpoint.Mode.ON_HTTP_PORT) {
            builder.route(StatusRoute.PATH, new StatusRoute(this::status));
            builder.route(DeadLetterRoute.PATH, new DeadLetterRoute(spoolMonitor::deadLetterStore));
        }
        return builder;
    }

    /** The bridge is running: its gauges go live and, with {@code STATUS_PORT}, the status server starts. */
    public synchronized void started(MqttBridge started) {
        if (!bridge.compareAndSet(null, Objects.requireNonNull(started, "bridge"))) {
            throw new IllegalStateException("a bridge was already started");
        }
        metrics.bindBridge(started);
        if (statusEndpoint.mode() == StatusEndpoint.Mode.SEPARATE_PORT) {
            statusServer = StatusServer.start(started.config().host(), statusEndpoint.port(), java.util.Map.of(
                    StatusRoute.PATH, new StatusRoute(this::status),
                    DeadLetterRoute.PATH, new DeadLetterRoute(spoolMonitor::deadLetterStore)));
        }
    }

    /** Where the status page is: empty when it is on the HTTP port or off. */
    public synchronized OptionalInt statusPort() {
        return statusServer == null ? OptionalInt.empty() : OptionalInt.of(statusServer.port());
    }

    public StatusEndpoint statusEndpoint() {
        return statusEndpoint;
    }

    /** This process registers ({@code run}, {@code demo}): the registration metrics appear at zero and the status page waits for a run. */
    public void registrationRunsHere() {
        registrationRunsHere = true;
        metrics.registrationRunsHere();
    }

    /** An applied (not dry) registration run finished. */
    public void registrationFinished(DiscoveryReport discovery, ReconcileResult result) {
        if (result.dryRun()) {
            return;
        }
        finished(StatusReport.LastRegistration.of(discovery, result));
    }

    /** A registration run stopped before applying anything, for {@code reason} (no secret in it). */
    public void registrationFailed(String reason) {
        finished(StatusReport.LastRegistration.failed(clock.instant(), reason));
    }

    private void finished(StatusReport.LastRegistration run) {
        registrationRunsHere = true;
        lastRegistration.set(run);
        metrics.registrationFinished(run);
    }

    /** A snapshot of everything the status page shows. */
    public StatusReport status() {
        MqttBridge running = bridge.get();
        TrackedPublisher tracked = publisher.get();
        Instant now = clock.instant();
        List<ConnectedClient> connected = running == null ? List.of() : running.connectedClients();
        List<ConnectedClient> clients = connected.stream()
                .sorted(Comparator.comparing(ConnectedClient::connectedSince))
                .limit(clientsShown)
                .toList();
        int clientsNotShown = connected.size() - clients.size();
        StatusReport.Sap sap = new StatusReport.Sap(!connected.isEmpty(), tracker.lastConnectedAt(), tracker.lastDisconnectedAt(),
                tracker.lastEventAt(), tracker.refusals(),
                tracker.lastRefusal().map(r -> new StatusReport.Refusal(r.time(), Names.refusal(r.reason()), r.remoteAddress(),
                        Hints.refusal(r.reason()))),
                tracker.tokenRequests(), tracker.lastTokenRefusal(),
                Hints.sap(now, tracker, !connected.isEmpty(), silenceThreshold, mqttHost, tokenEndpoint));
        StatusReport.Publisher publisherStatus = tracked == null
                ? new StatusReport.Publisher("unknown", Optional.empty(), Optional.empty(), Optional.empty())
                : new StatusReport.Publisher(Names.circuit(tracked.circuitState()), tracked.lastError(), tracked.lastSuccessAt(),
                        Hints.publisher(tracked.circuitState()));
        List<DeadLetter> deadLetters = new ArrayList<>(running == null ? List.of() : running.recentDeadLetters());
        Collections.reverse(deadLetters);
        if (deadLetters.size() > deadLettersShown) {
            deadLetters = deadLetters.subList(0, deadLettersShown);
        }
        Optional<StatusReport.LastRegistration> lastRun = Optional.ofNullable(lastRegistration.get());
        boolean here = registrationRunsHere;
        StatusReport.Registration registration = new StatusReport.Registration(here,
                lastRun.isPresent() ? "" : here ? NOTE_NOT_YET : NOTE_ELSEWHERE, lastRun);
        return new StatusReport(version, now, tracker.startedAt(), running != null && running.isReady(), sap, clients, clientsNotShown,
                tracker.events(running == null ? 0 : running.inFlight()), publisherStatus, deadLetters, registration, spoolMonitor.view());
    }

    /** The meters, for tests and for embedding elsewhere. */
    public PrometheusMeterRegistry meterRegistry() {
        return meterRegistry;
    }

    /** Stops the status server and unbinds what holds resources. The bridge and the publisher belong to the caller. */
    @Override
    public synchronized void close() {
        if (statusServer != null) {
            statusServer.close();
            statusServer = null;
        }
        metrics.close();
        meterRegistry.close();
    }

    /** Collects the settings; every setter checks its value at once. */
    public static final class Builder {

        private Clock clock = Clock.systemUTC();
        private String version = defaultVersion();
        private StatusEndpoint statusEndpoint = StatusEndpoint.ON_HTTP_PORT;
        private Duration silenceThreshold = DEFAULT_SILENCE_THRESHOLD;
        private int deadLettersShown = DEFAULT_DEAD_LETTERS_SHOWN;
        private int clientsShown = DEFAULT_CLIENTS_SHOWN;
        private String mqttHost = DEFAULT_MQTT_HOST;
        private String tokenEndpoint = DEFAULT_TOKEN_ENDPOINT;
        private boolean jvmMetrics = true;
        private Duration spoolStallThreshold = DEFAULT_SPOOL_STALL_THRESHOLD;

        private Builder() {
        }

        private static String defaultVersion() {
            String version = Operations.class.getPackage().getImplementationVersion();
            return version == null ? "dev" : version;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder version(String version) {
            Objects.requireNonNull(version, "version");
            if (version.isBlank()) {
                throw new IllegalArgumentException("version must not be blank");
            }
            this.version = version;
            return this;
        }

        public Builder statusEndpoint(StatusEndpoint endpoint) {
            this.statusEndpoint = Objects.requireNonNull(endpoint, "statusEndpoint");
            return this;
        }

        public Builder silenceThreshold(Duration threshold) {
            Objects.requireNonNull(threshold, "silenceThreshold");
            if (threshold.isNegative() || threshold.isZero()) {
                throw new IllegalArgumentException("silenceThreshold must be positive, got " + threshold);
            }
            this.silenceThreshold = threshold;
            return this;
        }

        public Builder deadLettersShown(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("deadLettersShown must be >= 0, got " + count);
            }
            this.deadLettersShown = count;
            return this;
        }

        /** Where SAP should connect and fetch tokens, named in the status page's hints. */
        /** MQTT clients listed on the status page, the longest connected first; the others are only counted (0 lists none). */
        public Builder clientsShown(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("clientsShown must be >= 0, got " + count);
            }
            this.clientsShown = count;
            return this;
        }

        public Builder sapEndpoints(String mqttHost, String tokenEndpoint) {
            Objects.requireNonNull(mqttHost, "mqttHost");
            Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
            this.mqttHost = mqttHost;
            this.tokenEndpoint = tokenEndpoint;
            return this;
        }

        /** How long Kyma may accept nothing while events wait in the spool before the status page says so. */
        public Builder spoolStallThreshold(Duration threshold) {
            Objects.requireNonNull(threshold, "spoolStallThreshold");
            if (threshold.isNegative() || threshold.isZero()) {
                throw new IllegalArgumentException("spoolStallThreshold must be positive, got " + threshold);
            }
            this.spoolStallThreshold = threshold;
            return this;
        }

        /** JVM and process metrics (default on). */
        public Builder jvmMetrics(boolean on) {
            this.jvmMetrics = on;
            return this;
        }

        public Operations build() {
            return new Operations(this);
        }
    }
}
