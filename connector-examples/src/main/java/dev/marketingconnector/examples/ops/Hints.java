package dev.marketingconnector.examples.ops;

import dev.marketingconnector.core.events.CircuitState;
import dev.marketingconnector.mqtt.BridgeListener.ConnectRefusal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Plain-language advice for the status page: what the numbers suggest and where to look. */
final class Hints {

    private Hints() {
    }

    /** What the SAP side of the channel suggests, if anything looks wrong. */
    static Optional<String> sap(Instant now, StatusTracker tracker, boolean connected, Duration threshold, String mqttHost,
            String tokenEndpoint) {
        List<String> parts = new ArrayList<>();
        if (connected) {
            Instant since = tracker.lastEventAt().orElse(tracker.startedAt());
            Duration silent = Duration.between(since, now);
            if (silent.compareTo(threshold) >= 0) {
                parts.add("SAP is connected but has sent no event for " + duration(silent)
                        + (tracker.lastEventAt().isEmpty() ? " (since this process started)" : "")
                        + ": expected while nothing changes in Marketing; otherwise check that the SAP system's channel binding"
                        + " (Enterprise Event Enablement) has outbound topics for the events you expect");
            }
            return join(parts);
        }
        Instant since = latest(tracker.lastConnectedAt(), tracker.lastDisconnectedAt()).orElse(tracker.startedAt());
        Duration silent = Duration.between(since, now);
        if (silent.compareTo(threshold) >= 0) {
            parts.add("no connection from SAP for " + duration(silent)
                    + (tracker.lastConnectedAt().isEmpty() ? " (since this process started)" : "")
                    + ": check the SAP_COM_0092 arrangement's connection (Check Connection), the communication system's host "
                    + mqttHost + " (port 443) and the OAuth client (token endpoint " + tokenEndpoint + ")");
        }
        tracker.lastRefusal().filter(r -> !r.time().isBefore(since)).ifPresent(r -> parts.add("the last connect, at " + r.time()
                + ", was refused (" + Names.refusal(r.reason()) + "): " + refusal(r.reason())));
        tracker.lastTokenRefusal().filter(t -> !t.isBefore(since)).ifPresent(t -> parts.add("the token endpoint refused a client id"
                + " or secret at " + t + ": compare OAUTH_CLIENT_ID and OAUTH_CLIENT_SECRET with the OAuth 2.0 settings of the"
                + " communication system in SAP"));
        return join(parts);
    }

    /** What a refused connect means and what to check. */
    static String refusal(ConnectRefusal reason) {
        return switch (reason) {
            case NO_TOKEN -> "SAP sent no bearer token: the arrangement must authenticate with OAuth 2.0 (client credentials)"
                    + " against this connector's token endpoint";
            case BAD_TOKEN -> "the token was not signed by this connector: all replicas must share TOKEN_SIGNING_KEY, and SAP"
                    + " must fetch its token from this connector's /oauth/token";
            case EXPIRED_TOKEN -> "the token had expired: check the clocks, and that SAP fetches a fresh token when it reconnects";
            case UNSUPPORTED_PROTOCOL_VERSION -> "the client does not speak MQTT 3.1.1: check the arrangement's MQTT settings";
            case IDENTIFIER_REJECTED -> "an empty (with a persistent session) or over-long MQTT client id";
            case SHUTTING_DOWN -> "this replica was shutting down; the client reconnects to another one";
            case CONNECTION_LIMIT -> "a connection over MAX_CONNECTIONS or MAX_CONNECTIONS_PER_ADDRESS was closed at once: if SAP is"
                    + " affected, look for another client holding connections, or raise the limits";
        };
    }

    /** Advice while the publisher's circuit is not closed. */
    static Optional<String> publisher(CircuitState state) {
        return switch (state) {
            case CLOSED -> Optional.empty();
            case OPEN -> Optional.of("Kyma eventing keeps failing (see the last error): events are not acknowledged, so SAP"
                    + " sends them again later, and /readyz answers 503 until it recovers; check EVENTS_URL and the eventing"
                    + " publisher proxy in kyma-system");
            case HALF_OPEN -> Optional.of("Kyma eventing failed recently; a few events are being tried to see whether it is back");
        };
    }

    /** {@code 2 h}, {@code 2 h 5 min}, {@code 45 min}, {@code 30 s}. */
    static String duration(Duration d) {
        long seconds = Math.max(0, d.getSeconds());
        long hours = seconds / 3600;
        long minutes = seconds % 3600 / 60;
        if (hours > 0) {
            return minutes == 0 ? hours + " h" : hours + " h " + minutes + " min";
        }
        return minutes > 0 ? minutes + " min" : seconds + " s";
    }

    private static Optional<Instant> latest(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return Optional.of(a.get().isAfter(b.get()) ? a.get() : b.get());
    }

    private static Optional<String> join(List<String> parts) {
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", parts));
    }
}
