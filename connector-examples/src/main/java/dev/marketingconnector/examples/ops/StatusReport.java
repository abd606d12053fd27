package dev.marketingconnector.examples.ops;

import dev.marketingconnector.core.discovery.DiscoveredService;
import dev.marketingconnector.core.discovery.DiscoveryReport;
import dev.marketingconnector.core.discovery.ServiceStatus;
import dev.marketingconnector.core.registry.ChangeAction;
import dev.marketingconnector.core.registry.ItemOutcome;
import dev.marketingconnector.core.registry.ReconcileResult;
import dev.marketingconnector.mqtt.ConnectedClient;
import dev.marketingconnector.mqtt.DeadLetter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code GET /status} shows, as one immutable snapshot: who is connected, what flowed, what
 * failed and why. It holds no secret, token or payload: client ids, addresses, topics, reasons and
 * counts only.
 *
 * @param version      the connector's version
 * @param now          when the snapshot was taken
 * @param startedAt    when this process started serving
 * @param ready        what {@code /readyz} answers
 * @param sap          the SAP system's side: connections, refusals, token requests, a hint when silent
 * @param clients      the MQTT clients connected now, the longest connected first, at most the configured number
 * @param clientsNotShown connected clients beyond those listed
 * @param events       counts since start
 * @param publisher    the Kyma event publisher's circuit and last error
 * @param deadLetters  the most recent dead letters, newest first
 * @param registration the last registration run in this process, or where registration runs instead
 * @param spool        the event spool (mode {@code none} without one) and the dead-letter area
 */
public record StatusReport(String version, Instant now, Instant startedAt, boolean ready, Sap sap, List<ConnectedClient> clients,
        int clientsNotShown, Events events, Publisher publisher, List<DeadLetter> deadLetters, Registration registration, SpoolView spool) {

    public StatusReport {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(sap, "sap");
        clients = List.copyOf(clients);
        if (clientsNotShown < 0) {
            throw new IllegalArgumentException("clientsNotShown must be >= 0, got " + clientsNotShown);
        }
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(publisher, "publisher");
        deadLetters = List.copyOf(deadLetters);
        Objects.requireNonNull(registration, "registration");
        Objects.requireNonNull(spool, "spool");
    }

    public Duration uptime() {
        return Duration.between(startedAt, now);
    }

    /**
     * The SAP system's side of the event channel.
     *
     * @param connected          whether an MQTT client is connected now
     * @param lastConnectedAt    when a client last connected
     * @param lastDisconnectedAt when a client last disconnected
     * @param lastEventAt        when a client last published
     * @param refusedConnects    refused connects since start, by reason (only reasons that occurred)
     * @param lastRefusal        the most recent refused connect
     * @param tokenRequests      token requests since start, by outcome (only outcomes that occurred)
     * @param lastTokenRefusal   when the token endpoint last refused a client (wrong id or secret)
     * @param hint               plain-language advice when the channel looks wrong
     */
    public record Sap(boolean connected, Optional<Instant> lastConnectedAt, Optional<Instant> lastDisconnectedAt,
            Optional<Instant> lastEventAt, Map<String, Long> refusedConnects, Optional<Refusal> lastRefusal,
            Map<String, Long> tokenRequests, Optional<Instant> lastTokenRefusal, Optional<String> hint) {

        public Sap {
            refusedConnects = Map.copyOf(refusedConnects);
            tokenRequests = Map.copyOf(tokenRequests);
        }
    }

    /** One refused connect: when, why (a metric-tag value such as {@code expired_token}), from where, and what to check. */
    public record Refusal(Instant time, String reason, String remoteAddress, String hint) {
    }

    /** Event counts since start, and the messages being forwarded now. */
    public record Events(long received, long forwarded, long retried, long deadLettered, int inFlight) {
    }

    /**
     * The Kyma event publisher.
     *
     * @param circuitState  {@code closed}, {@code open} or {@code half_open}
     * @param lastError     the last failed publish (after the publisher's own retries)
     * @param lastSuccessAt when an event was last accepted
     * @param hint          advice while the circuit is not closed
     */
    public record Publisher(String circuitState, Optional<PublishFailure> lastError, Optional<Instant> lastSuccessAt,
            Optional<String> hint) {
    }

    /** A failed publish: when, whether it was permanent, and the publisher's message (endpoint, status, the service's error text). */
    public record PublishFailure(Instant time, boolean permanent, String message) {
    }

    /**
     * Registration as this process sees it.
     *
     * @param runsHere whether this process registers (commands {@code run} and {@code demo})
     * @param note     where registration runs, or that none finished yet
     * @param lastRun  the last run that finished here
     */
    public record Registration(boolean runsHere, String note, Optional<LastRegistration> lastRun) {
    }

    /**
     * One finished registration run.
     *
     * @param finishedAt when it ended
     * @param outcome    {@code succeeded}, {@code failed_items} or {@code failed} (nothing applied)
     * @param took       how long it took (zero when it failed before applying)
     * @param counts     items by outcome: {@code created}, {@code updated}, {@code deleted}, {@code unchanged}, {@code failed}
     * @param failures   each failed item (a service discovery could not check, or a write the registry refused) with its reason
     */
    public record LastRegistration(Instant finishedAt, String outcome, Duration took, Map<String, Integer> counts,
            List<FailedItem> failures) {

        public static final String SUCCEEDED = "succeeded";
        public static final String FAILED_ITEMS = "failed_items";
        public static final String FAILED = "failed";
        public static final List<String> ITEM_OUTCOMES = List.of("created", "updated", "deleted", "unchanged", "failed");

        public LastRegistration {
            Objects.requireNonNull(finishedAt, "finishedAt");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(took, "took");
            counts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counts));
            failures = List.copyOf(failures);
        }

        /** Summarises an applied (not dry) run: discovery problems and failed writes both count as failed items. */
        public static LastRegistration of(DiscoveryReport discovery, ReconcileResult result) {
            List<FailedItem> failed = new ArrayList<>();
            for (DiscoveredService service : discovery.services()) {
                if (service.status() != ServiceStatus.ACTIVE && service.status() != ServiceStatus.INACTIVE) {
                    failed.add(new FailedItem(service.service().key(),
                            service.status().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + service.reason()));
                }
            }
            for (ItemOutcome item : result.failures()) {
                failed.add(new FailedItem(item.change().name(), item.change().action().name().toLowerCase(Locale.ROOT) + " failed: "
                        + item.error().orElse("no reason given")));
            }
            Map<ChangeAction, Integer> completed = result.completed();
            Map<String, Integer> counts = new LinkedHashMap<>();
            counts.put("created", completed.get(ChangeAction.CREATE));
            counts.put("updated", completed.get(ChangeAction.UPDATE));
            counts.put("deleted", completed.get(ChangeAction.DELETE));
            counts.put("unchanged", completed.get(ChangeAction.UNCHANGED));
            counts.put("failed", failed.size());
            return new LastRegistration(result.finishedAt(), failed.isEmpty() ? SUCCEEDED : FAILED_ITEMS,
                    discovery.took().plus(result.took()), counts, failed);
        }

        /** A run that stopped before applying anything (registry or tenant unreachable, bad credentials). */
        public static LastRegistration failed(Instant at, String reason) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            ITEM_OUTCOMES.forEach(o -> counts.put(o, 0));
            return new LastRegistration(at, FAILED, Duration.ZERO, counts, List.of(new FailedItem("(run)", reason)));
        }
    }

    /** A registration item that failed, and why. */
    public record FailedItem(String item, String reason) {
    }
}
