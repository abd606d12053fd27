package dev.marketingconnector.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The benchmark's stand-in for Kyma eventing, driven over loopback as the bridges drive it. */
class EventSinkTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventSink sink = EventSink.start(1);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final EventPayloads payloads = new EventPayloads();

    @AfterEach
    void stop() {
        sink.close();
    }

    @Test
    void acceptsTheBridgesBinaryCloudEventAndRecordsItsId() throws Exception {
        DeliveryLedger ledger = sink.expect(5L, 1);

        HttpResponse<String> response = send(payloads.cloudEvent(sink.publishUrl(), DeliveryLedger.id(5L, 0), Duration.ofSeconds(5)));

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(ledger.delivered()).isEqualTo(1);
        assertThat(sink.accepted()).isEqualTo(1);
    }

    @Test
    void acceptsTheSeedsKymaV1BodyWithoutEventIdAndAnswersWithTheIdItFound() throws Exception {
        DeliveryLedger ledger = sink.expect(6L, 2);
        String id = DeliveryLedger.id(6L, 1).toString();
        // What the seed's bridge posts: no event-id, the SAP event's data as it came
        String body = """
                {"source-id":"mkt-bench","event-type":"bo.marketingpermission.changed","event-type-version":"v1",
                 "event-time":"2026-01-15T10:30:00Z","data":{"KEY":[{"CONTACTID":"%s"}],"PERMISSIONSTATUS":"Y"}}
                """.formatted(id);

        HttpResponse<String> response = send(post(sink.kymaV1Url(), body));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("event-id").asText()).isEqualTo(id);
        assertThat(ledger.delivered()).isEqualTo(1);
        assertThat(ledger.missingSequences(5)).containsExactly(0);
    }

    @Test
    void refusesEventsThatBreakTheContractNamingTheField() throws Exception {
        DeliveryLedger ledger = sink.expect(7L, 1);
        String noVersion = """
                {"source-id":"mkt-bench","event-type":"bo.marketingpermission.changed","event-time":"yesterday",
                 "data":{"KEY":[{"CONTACTID":"%s"}]}}
                """.formatted(DeliveryLedger.id(7L, 0));

        HttpResponse<String> v1 = send(post(sink.kymaV1Url(), noVersion));
        HttpResponse<String> noSource = send(post(URI.create(sink.kymaV1Url().toString()), noVersion.replace("\"source-id\":\"mkt-bench\",", "")));
        HttpResponse<String> cloudEvent = send(HttpRequest.newBuilder(sink.publishUrl()).header("ce-specversion", "1.0")
                .header("ce-source", "x").header("ce-type", "y").POST(HttpRequest.BodyPublishers.ofString("{}")).build());

        assertThat(v1.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(v1.body());
        assertThat(error.path("status").asInt()).isEqualTo(400);
        assertThat(error.path("details").toString()).contains("event-type-version", "event-time");
        assertThat(noSource.body()).contains("source-id");
        assertThat(cloudEvent.statusCode()).isEqualTo(400);
        assertThat(cloudEvent.body()).contains("ce-id");
        assertThat(sink.rejected()).isEqualTo(3);
        assertThat(sink.lastRejection()).hasValueSatisfying(reason -> assertThat(reason).contains("ce-id"));
        assertThat(ledger.delivered()).isZero();
    }

    @Test
    void answersTheGivenShareOfPostsWith503AndRecordsThemAsRefusals() throws Exception {
        int events = 400;
        DeliveryLedger ledger = sink.expect(8L, events);
        sink.failRatio(0.3, 1234);

        int refused = 0;
        for (int i = 0; i < events; i++) {
            int status = send(payloads.cloudEvent(sink.publishUrl(), DeliveryLedger.id(8L, i), Duration.ofSeconds(5))).statusCode();
            assertThat(status).isIn(204, 503);
            if (status == 503) {
                refused++;
            }
        }

        assertThat(refused).as("about 30 %% of %d", events).isBetween(80, 160);
        assertThat(ledger.refusedAttempts()).isEqualTo(refused);
        assertThat(ledger.delivered()).isEqualTo(events - refused);
        assertThat(ledger.refusedNotRedelivered()).isEqualTo(refused);

        sink.failRatio(0, 0);
        for (int sequence : ledger.missingSequences(events)) {
            assertThat(send(payloads.cloudEvent(sink.publishUrl(), DeliveryLedger.id(8L, sequence), Duration.ofSeconds(5))).statusCode())
                    .isEqualTo(204);
        }
        assertThat(ledger.missing()).isZero();
        assertThat(ledger.refusedNotRedelivered()).isZero();
    }

    @Test
    void theSameSeedGivesTheSameFaults() throws Exception {
        assertThat(faultPattern(99)).isEqualTo(faultPattern(99)).isNotEqualTo(faultPattern(100));
    }

    private String faultPattern(long seed) throws Exception {
        sink.expect(1L, 40);
        sink.failRatio(0.5, seed);
        StringBuilder pattern = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            pattern.append(send(payloads.cloudEvent(sink.publishUrl(), DeliveryLedger.id(1L, i), Duration.ofSeconds(5))).statusCode() == 503 ? 'x' : '.');
        }
        return pattern.toString();
    }

    @Test
    void anUnavailableOutageAnswers503UntilItEndsAndTellsWhenDeliveryResumed() throws Exception {
        DeliveryLedger ledger = sink.expect(3L, 2);
        sink.startOutage(EventSink.OutageMode.UNAVAILABLE);

        HttpResponse<String> during = send(payloads.cloudEvent(sink.publishUrl(), DeliveryLedger.id(3L, 0), Duration.ofSeconds(5)));
        assertThat(during.statusCode()).isEqualTo(503);
        assertThat(sink.inOutage()).isTrue();
        assertThat(sink.endOutage()).isPositive();
        assertThat(sink.firstAcceptAfterOutage()).isEmpty();

        assertThat(send(payloads.cloudEvent(sink.publishUrl(), DeliveryLedger.id(3L, 0), Duration.ofSeconds(5))).statusCode()).isEqualTo(204);
        assertThat(sink.firstAcceptAfterOutage()).isPresent();
        assertThat(ledger.refusedEvents()).isEqualTo(1);
        assertThat(ledger.refusedNotRedelivered()).isZero();
    }

    @Test
    void aRefusingOutageClosesThePortAndOpensTheSameOneAgain() throws Exception {
        sink.expect(4L, 1);
        HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        sink.startOutage(EventSink.OutageMode.REFUSE);

        assertThatThrownBy(() -> fresh.send(payloads.cloudEvent(sink.publishUrl(), DeliveryLedger.id(4L, 0), Duration.ofSeconds(2)),
                HttpResponse.BodyHandlers.discarding())).isInstanceOf(ConnectException.class);
        assertThatThrownBy(() -> sink.startOutage(EventSink.OutageMode.REFUSE)).isInstanceOf(IllegalStateException.class);

        sink.endOutage();
        assertThat(fresh.send(payloads.cloudEvent(sink.publishUrl(), DeliveryLedger.id(4L, 0), Duration.ofSeconds(5)),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(204);
    }

    @Test
    void theNettyCeilingClientPipelinesOverItsConnectionsAndEveryEventArrives() throws Exception {
        DeliveryLedger ledger = sink.expect(11L, 2_000);
        try (NettyCeilingLoad client = new NettyCeilingLoad(sink.publishUrl(), 3, 32, payloads)) {
            LoadRun run = client.run(ledger, Duration.ofSeconds(60));

            assertThat(run.complete()).isTrue();
            assertThat(run.succeeded()).isEqualTo(2_000);
            assertThat(client.describe()).contains("32 in flight over 3 keep-alive connections", "pipelined");
        }
        assertThat(ledger.missing()).isZero();
        assertThat(ledger.duplicates()).isZero();
        assertThat(sink.rejected()).isZero();
    }

    private static HttpRequest post(URI uri, String json) {
        return HttpRequest.newBuilder(uri).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void outageModesAreReadByName() {
        assertThat(EventSink.OutageMode.parse("503")).isEqualTo(EventSink.OutageMode.UNAVAILABLE);
        assertThat(EventSink.OutageMode.parse("refuse")).isEqualTo(EventSink.OutageMode.REFUSE);
        assertThatThrownBy(() -> EventSink.OutageMode.parse("maybe")).hasMessageContaining("maybe");
        assertThat(UUID.fromString(DeliveryLedger.id(1L, 2).toString()).getLeastSignificantBits()).isEqualTo(2);
    }
}
