package dev.marketingconnector.examples.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marketingconnector.core.spool.DeadLetterEntry;
import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.EventTypeMapper;
import dev.marketingconnector.core.spool.RecentDeadLetters;
import dev.marketingconnector.core.spool.SpoolForwarder;
import dev.marketingconnector.core.spool.SpoolingEventPublisher;
import dev.marketingconnector.core.testing.InMemoryEventSpool;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.events.PublishException;
import dev.marketingconnector.mqtt.HttpRoute;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SpoolStatusTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StatusHintsTest.MovableClock clock = new StatusHintsTest.MovableClock(Instant.now());
    private final Operations operations = Operations.builder().clock(clock).jvmMetrics(false).build();
    private final InMemoryEventSpool spool = new InMemoryEventSpool();
    private final SpoolingEventPublisher spooling = new SpoolingEventPublisher(spool, Duration.ZERO, EventPublisher.UNLIMITED);
    private final java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
    private final EventPublisher kyma = event -> {
        attempts.incrementAndGet();
        return java.util.concurrent.CompletableFuture.failedFuture(PublishException.transientFailure("kyma", 503, "down"));
    };
    private final SpoolForwarder forwarder = SpoolForwarder.builder(spool, kyma).clock(clock)
            .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50)).pollWait(Duration.ofMillis(50)).build();

    private static BusinessEvent event(int n) {
        return new BusinessEvent(new java.util.UUID(7, n), EventTypeMapper.map("BO.MarketingPermission.Changed"),
                java.time.OffsetDateTime.parse("2026-01-15T10:30:00Z"), JSON.createObjectNode().put("n", n));
    }

    @AfterEach
    void close() {
        forwarder.close();
        spooling.close();
        operations.close();
    }

    @Test
    void statusAndMetricsShowTheSpoolAndSayWhenKymaAcceptsNothingWhileItFills() throws Exception {
        operations.spool("disk", spooling, forwarder.start());
        operations.deadLetters(spool.deadLetters(), spool.describe());
        clock.advance(Duration.between(clock.instant(), Instant.now())); // the fake spool stamps events with the system clock
        for (int i = 0; i < 3; i++) {
            spooling.publish(event(i)).toCompletableFuture().join();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> attempts.get() >= 3);

        SpoolView quiet = operations.status().spool();
        assertThat(quiet.mode()).isEqualTo("disk");
        assertThat(quiet.stats()).hasValueSatisfying(s -> assertThat(s.events()).isEqualTo(3));
        assertThat(quiet.appended()).isEqualTo(3);
        assertThat(quiet.hint()).isEmpty();

        clock.advance(Duration.ofMinutes(6).plusSeconds(30));
        StatusReport report = operations.status();

        assertThat(report.spool().hint()).hasValueSatisfying(h -> assertThat(h)
                .contains("Kyma has accepted no event for 6 min while 3 events", "nothing is lost", "EVENTS_URL"));
        JsonNode json = StatusJson.tree(report);
        assertThat(json.at("/spool/events").asLong()).isEqualTo(3);
        assertThat(json.at("/spool/oldestAgeSeconds").asLong()).isGreaterThanOrEqualTo(360);
        assertThat(StatusHtml.render(report)).contains("<h2>Spool</h2>", "Kyma has accepted no event");
        String metrics = operations.meterRegistry().scrape();
        assertThat(metrics).contains("connector_spool_events 3.0", "connector_spool_appends_total 3.0", "connector_spool_full 0.0",
                "connector_spool_forwarded_total 0.0", "connector_spool_backpressure_seconds_total");

        spool.full(true);
        assertThat(spooling.publish(event(9)).toCompletableFuture()).isCompletedExceptionally();
        assertThat(operations.status().spool().hint()).hasValueSatisfying(h -> assertThat(h).contains("the spool is full"));
        assertThat(operations.meterRegistry().scrape()).contains("connector_spool_full 1.0");
    }

    @Test
    void deadLettersAreListedWithIdsAndOneCanBeFetchedWithItsPayload() throws Exception {
        RecentDeadLetters store = new RecentDeadLetters();
        operations.deadLetters(store, "memory");
        String id = store.add(new DeadLetterEntry(Instant.now(), "not_json", "not JSON", "sap/t", "sap-1",
                DeadLetterEntry.PayloadKind.MQTT_PAYLOAD, "{oops".getBytes(StandardCharsets.UTF_8))).toCompletableFuture().join();

        SpoolView view = operations.status().spool();
        assertThat(view.mode()).isEqualTo("none");
        assertThat(view.deadLetters().count()).isEqualTo(1);
        assertThat(view.deadLetters().recent()).extracting(SpoolView.Letter::id).containsExactly(id);
        assertThat(StatusJson.render(operations.status())).doesNotContain("{oops");

        DeadLetterRoute route = new DeadLetterRoute(() -> Optional.of(store));
        JsonNode one = JSON.readTree(route.handle(new HttpRoute.Request("GET", DeadLetterRoute.PATH, "id=" + id, Map.of())).body());
        assertThat(one.get("payloadText").asText()).isEqualTo("{oops");
        assertThat(one.get("payloadBase64").asText()).isEqualTo("e29vcHM=");
        JsonNode list = JSON.readTree(route.handle(new HttpRoute.Request("GET", DeadLetterRoute.PATH, "", Map.of())).body());
        assertThat(list.get("deadLetters")).hasSize(1);
        assertThat(list.get("deadLetters").get(0).has("payloadBase64")).isFalse();
        assertThat(route.handle(new HttpRoute.Request("GET", DeadLetterRoute.PATH, "id=nope", Map.of())).status()).isEqualTo(404);
        assertThat(new DeadLetterRoute(Optional::empty).handle(new HttpRoute.Request("GET", DeadLetterRoute.PATH, "", Map.of())).status())
                .isEqualTo(404);
    }
}
