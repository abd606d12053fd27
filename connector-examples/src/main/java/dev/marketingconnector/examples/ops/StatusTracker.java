package dev.marketingconnector.examples.ops;

import dev.marketingconnector.mqtt.BridgeListener;
import dev.marketingconnector.mqtt.DeadLetter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Remembers, for the status page, what the bridge's listener port reports: when the SAP system last
 * connected, disconnected and published, which connects and token requests were refused, and event
 * counts. Times come from the injected clock. Thread-safe; every call is quick (I/O threads).
 */
final class StatusTracker implements BridgeListener {

    /** A refused connect as remembered (the remote address is the peer's, which may be a proxy's). */
    record Refusal(Instant time, ConnectRefusal reason, String remoteAddress) {
    }

    private final Clock clock;
    private final Instant startedAt;
    private final AtomicReference<Instant> lastConnectedAt = new AtomicReference<>();
    private final AtomicReference<Instant> lastDisconnectedAt = new AtomicReference<>();
    private final AtomicReference<Instant> lastEventAt = new AtomicReference<>();
    private final AtomicReference<Instant> lastTokenRefusal = new AtomicReference<>();
    private final AtomicReference<Refusal> lastRefusal = new AtomicReference<>();
    private final Map<ConnectRefusal, LongAdder> refusals = new EnumMap<>(ConnectRefusal.class);
    private final Map<TokenOutcome, LongAdder> tokenRequests = new EnumMap<>(TokenOutcome.class);
    private final LongAdder received = new LongAdder();
    private final LongAdder forwarded = new LongAdder();
    private final LongAdder retried = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();

    StatusTracker(Clock clock) {
        this.clock = clock;
        this.startedAt = clock.instant();
        // Filled once here and never changed, so reading them from other threads is safe.
        for (ConnectRefusal reason : ConnectRefusal.values()) {
            refusals.put(reason, new LongAdder());
        }
        for (TokenOutcome outcome : TokenOutcome.values()) {
            tokenRequests.put(outcome, new LongAdder());
        }
    }

    Instant startedAt() {
        return startedAt;
    }

    Optional<Instant> lastConnectedAt() {
        return Optional.ofNullable(lastConnectedAt.get());
    }

    Optional<Instant> lastDisconnectedAt() {
        return Optional.ofNullable(lastDisconnectedAt.get());
    }

    Optional<Instant> lastEventAt() {
        return Optional.ofNullable(lastEventAt.get());
    }

    Optional<Instant> lastTokenRefusal() {
        return Optional.ofNullable(lastTokenRefusal.get());
    }

    Optional<Refusal> lastRefusal() {
        return Optional.ofNullable(lastRefusal.get());
    }

    /** Refused connects by reason, only those that occurred. */
    Map<String, Long> refusals() {
        Map<String, Long> counts = new LinkedHashMap<>();
        refusals.forEach((reason, count) -> {
            if (count.sum() > 0) {
                counts.put(Names.refusal(reason), count.sum());
            }
        });
        return Collections.unmodifiableMap(counts);
    }

    /** Token requests by outcome, only those that occurred. */
    Map<String, Long> tokenRequests() {
        Map<String, Long> counts = new LinkedHashMap<>();
        tokenRequests.forEach((outcome, count) -> {
            if (count.sum() > 0) {
                counts.put(Names.token(outcome), count.sum());
            }
        });
        return Collections.unmodifiableMap(counts);
    }

    StatusReport.Events events(int inFlight) {
        return new StatusReport.Events(received.sum(), forwarded.sum(), retried.sum(), deadLettered.sum(), inFlight);
    }

    @Override
    public void connectionOpened(String clientId, String remoteAddress) {
        lastConnectedAt.set(clock.instant());
    }

    @Override
    public void connectionClosed(String clientId, String remoteAddress, CloseReason reason) {
        lastDisconnectedAt.set(clock.instant());
    }

    @Override
    public void connectRefused(String remoteAddress, ConnectRefusal reason) {
        refusals.get(reason).increment();
        lastRefusal.set(new Refusal(clock.instant(), reason, remoteAddress));
    }

    @Override
    public void eventReceived(String clientId, String topic) {
        received.increment();
        lastEventAt.set(clock.instant());
    }

    @Override
    public void eventForwarded(String clientId, Duration latency) {
        forwarded.increment();
    }

    @Override
    public void eventRetried(String clientId, int attempt, RuntimeException failure) {
        retried.increment();
    }

    /** The publisher repeated an attempt itself (the bridge then does not). */
    void publisherRetried() {
        retried.increment();
    }

    @Override
    public void eventDeadLettered(DeadLetter deadLetter) {
        deadLettered.increment();
    }

    @Override
    public void tokenRequest(TokenOutcome outcome) {
        tokenRequests.get(outcome).increment();
        if (outcome == TokenOutcome.INVALID_CLIENT) {
            lastTokenRefusal.set(clock.instant());
        }
    }
}
