package dev.marketingconnector.examples.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.discovery.DiscoveryReport;
import dev.marketingconnector.core.registration.EventCatalogRegistration;
import dev.marketingconnector.core.registry.ReconcileResult;
import dev.marketingconnector.core.registry.RegistrationReconciler;
import dev.marketingconnector.core.testing.InMemoryApplicationRegistry;
import dev.marketingconnector.core.testing.RecordingEventPublisher;
import dev.marketingconnector.core.testing.StaticServiceDiscovery;
import dev.marketingconnector.mqtt.BridgeConfig;
import dev.marketingconnector.mqtt.BridgeListener;
import dev.marketingconnector.mqtt.BridgeListener.CloseReason;
import dev.marketingconnector.mqtt.BridgeListener.ConnectRefusal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The status page's plain-language hints and the registration section, driven through the
 * listeners Operations adds, on a clock the test moves (no bridge needed: nothing is connected).
 */
class StatusHintsTest {

    private static final Instant START = Instant.parse("2026-03-01T08:00:00Z");

    private final MovableClock clock = new MovableClock(START);
    private final Operations operations = Operations.builder().clock(clock).jvmMetrics(false)
            .sapEndpoints("mqtt.kyma.example.com", "https://auth.kyma.example.com/oauth/token").build();
    private final List<BridgeListener> listeners = operations.configure(BridgeConfig.builder()
            .oauthClient("sap-mkt", Secret.of("hints-test-secret")).publisher(operations.track(new RecordingEventPublisher())))
            .build().listeners();

    @AfterEach
    void close() {
        operations.close();
    }

    @Test
    void saysNothingWhileSapHasBeenSilentLessThanTheThreshold() {
        clock.advance(Duration.ofMinutes(119));

        assertThat(operations.status().sap().hint()).isEmpty();
    }

    @Test
    void namesTheArrangementHostAndOAuthClientWhenSapNeverConnected() {
        clock.advance(Duration.ofHours(2));

        assertThat(operations.status().sap().hint()).hasValueSatisfying(hint -> assertThat(hint)
                .startsWith("no connection from SAP for 2 h (since this process started)")
                .contains("SAP_COM_0092", "Check Connection", "mqtt.kyma.example.com", "https://auth.kyma.example.com/oauth/token"));
    }

    @Test
    void countsTheSilenceFromTheLastDisconnect() {
        listeners.forEach(l -> l.connectionOpened("sap", "10.0.0.1:4711"));
        clock.advance(Duration.ofHours(5));
        listeners.forEach(l -> l.connectionClosed("sap", "10.0.0.1:4711", CloseReason.CONNECTION_LOST));
        clock.advance(Duration.ofMinutes(150));

        StatusReport.Sap sap = operations.status().sap();
        assertThat(sap.hint()).hasValueSatisfying(hint -> assertThat(hint).startsWith("no connection from SAP for 2 h 30 min:"));
        assertThat(sap.lastConnectedAt()).hasValue(START);
        assertThat(sap.lastDisconnectedAt()).hasValue(START.plus(Duration.ofHours(5)));
    }

    @Test
    void explainsARefusedConnectAtOnce() {
        clock.advance(Duration.ofMinutes(5));
        listeners.forEach(l -> l.connectRefused("10.0.0.1:4711", ConnectRefusal.EXPIRED_TOKEN));
        listeners.forEach(l -> l.tokenRequest(BridgeListener.TokenOutcome.INVALID_CLIENT));

        StatusReport.Sap sap = operations.status().sap();
        assertThat(sap.hint()).hasValueSatisfying(hint -> assertThat(hint)
                .contains("was refused (expired_token): the token had expired")
                .contains("the token endpoint refused a client id or secret", "OAUTH_CLIENT_SECRET"));
        assertThat(sap.refusedConnects()).containsExactly(java.util.Map.entry("expired_token", 1L));
        assertThat(sap.lastRefusal()).hasValueSatisfying(r -> assertThat(r.remoteAddress()).isEqualTo("10.0.0.1:4711"));
    }

    @Test
    void notesAConnectedButSilentSystem() {
        listeners.forEach(l -> l.connectionOpened("sap", "10.0.0.1:4711"));
        listeners.forEach(l -> l.eventReceived("sap", "sap/mkt/BO/Contact/Changed"));
        clock.advance(Duration.ofHours(3));
        // No bridge here, so "connected" comes from the bridge's client list: ask the hint directly.
        StatusTracker tracker = listeners.stream().filter(StatusTracker.class::isInstance).map(StatusTracker.class::cast)
                .findFirst().orElseThrow();

        assertThat(Hints.sap(clock.instant(), tracker, true, Operations.DEFAULT_SILENCE_THRESHOLD, "mqtt.x", "https://auth.x"))
                .hasValueSatisfying(hint -> assertThat(hint).startsWith("SAP is connected but has sent no event for 3 h:"));
    }

    @Test
    void withoutRegistrationHereSaysWhereItRuns() {
        StatusReport.Registration registration = operations.status().registration();

        assertThat(registration.runsHere()).isFalse();
        assertThat(registration.note()).contains("CronJob");
        assertThat(registration.lastRun()).isEmpty();
    }

    @Test
    void showsASuccessfulRunAndSetsTheLastSuccessGauge() {
        operations.registrationRunsHere();
        assertThat(operations.status().registration().note()).contains("no registration run has finished");
        ServiceCatalog catalog = ServiceCatalog.marketing();
        DiscoveryReport report = new StaticServiceDiscovery().discover(catalog, s -> { });
        clock.advance(Duration.ofMinutes(1));
        ReconcileResult result = new RegistrationReconciler(new InMemoryApplicationRegistry(), catalog.product(), clock)
                .reconcile(report.toApplicationRegistration("mkt", Optional.of(EventCatalogRegistration.of(catalog))), false);

        operations.registrationFinished(report, result);

        StatusReport.LastRegistration run = operations.status().registration().lastRun().orElseThrow();
        assertThat(run.outcome()).isEqualTo("succeeded");
        assertThat(run.finishedAt()).isEqualTo(clock.instant());
        assertThat(run.counts()).containsEntry("created", catalog.services().size() + 1).containsEntry("failed", 0);
        assertThat(operations.meterRegistry().get(ConnectorMetrics.REGISTRATION_LAST_SUCCESS).gauge().value())
                .isEqualTo(clock.instant().getEpochSecond());
        assertThat(operations.meterRegistry().get(ConnectorMetrics.REGISTRATION_RUNS).tag("outcome", "succeeded").counter().count())
                .isEqualTo(1);
    }

    @Test
    void aRunThatFailedBeforeApplyingIsShownWithItsReason() {
        operations.registrationFailed("Cannot reach the Kyma Application Registry at http://registry: connection refused");

        StatusReport.LastRegistration run = operations.status().registration().lastRun().orElseThrow();
        assertThat(run.outcome()).isEqualTo("failed");
        assertThat(run.failures()).singleElement().satisfies(f -> assertThat(f.reason()).contains("connection refused"));
        assertThat(operations.meterRegistry().get(ConnectorMetrics.REGISTRATION_RUNS).tag("outcome", "failed").counter().count())
                .isEqualTo(1);
        assertThat(operations.meterRegistry().get(ConnectorMetrics.REGISTRATION_LAST_SUCCESS).gauge().value()).isZero();
    }

    @Test
    void uptimeAndTimesComeFromTheInjectedClock() {
        clock.advance(Duration.ofMinutes(90));

        StatusReport report = operations.status();
        assertThat(report.startedAt()).isEqualTo(START);
        assertThat(report.uptime()).isEqualTo(Duration.ofMinutes(90));
        assertThat(StatusJson.tree(report).path("uptimeSeconds").asLong()).isEqualTo(5400);
        assertThat(StatusHtml.render(report)).contains("up 1 h 30 min");
    }

    /** A clock the test moves by hand. */
    static final class MovableClock extends Clock {

        private Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        synchronized void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public synchronized Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
