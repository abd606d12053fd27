package dev.marketingconnector.kyma.events;

import static dev.marketingconnector.kyma.events.TestEvents.APP;
import static dev.marketingconnector.kyma.events.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.PublishException;
import dev.marketingconnector.core.events.PublishReceipt;
import dev.marketingconnector.kyma.testing.MockKyma;
import dev.marketingconnector.kyma.testing.MockKyma.ReceivedEvent;
import dev.marketingconnector.kyma.testing.MockKyma.Route;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LegacyEventsPublisherTest {

    MockKyma kyma;

    @BeforeEach
    void start() {
        kyma = new MockKyma();
    }

    @AfterEach
    void stop() {
        kyma.close();
    }

    @Test
    void postsTheV1BodyWithSourceIdToV1Events() throws Exception {
        try (LegacyEventsPublisher publisher = new LegacyEventsPublisher(PublisherConfig.builder(kyma.eventsUrl()).build(), APP)) {
            BusinessEvent event = event(1);

            PublishReceipt receipt = publisher.publish(event).toCompletableFuture().get(10, TimeUnit.SECONDS);

            assertThat(publisher.sendsSourceId()).isTrue();
            assertThat(receipt).isEqualTo(new PublishReceipt(event.id(), 200));
            ReceivedEvent received = kyma.takeEvent(Duration.ofSeconds(5)).orElseThrow();
            assertThat(received.route()).isEqualTo(Route.EVENTS_V1);
            assertThat(received.source()).isEqualTo(APP);
            assertThat(received.id()).isEqualTo(event.id().toString());
            assertThat(received.type()).isEqualTo("bo.marketingpermission.changed");
            assertThat(received.version()).isEqualTo("v1");
            assertThat(received.time()).contains(OffsetDateTime.parse("2024-05-01T10:15:30.250+02:00"));
            assertThat(received.data()).isEqualTo(event.data());
        }
    }

    @Test
    void postsToTheApplicationsPathWithoutSourceId() throws Exception {
        try (LegacyEventsPublisher publisher = new LegacyEventsPublisher(PublisherConfig.builder(kyma.eventsUrl(APP)).build(), APP)) {
            publisher.publish(event(2)).toCompletableFuture().get(10, TimeUnit.SECONDS);

            assertThat(publisher.sendsSourceId()).isFalse();
            assertThat(kyma.events()).singleElement().satisfies(e -> {
                assertThat(e.route()).isEqualTo(Route.EVENTS_V1_APPLICATION);
                assertThat(e.source()).isEqualTo(APP);
            });
        }
    }

    @Test
    void canCarrySourceIdOnTheApplicationsPathToo() throws Exception {
        try (LegacyEventsPublisher publisher = new LegacyEventsPublisher(PublisherConfig.builder(kyma.eventsUrl(APP)).build(), APP, true)) {
            publisher.publish(event(4)).toCompletableFuture().get(10, TimeUnit.SECONDS);

            assertThat(publisher.sendsSourceId()).isTrue();
            assertThat(kyma.events()).singleElement().satisfies(e -> assertThat(e.route()).isEqualTo(Route.EVENTS_V1_APPLICATION));
        }
    }

    @Test
    void writesTheContractsFieldNames() throws Exception {
        try (CapturingServer stub = new CapturingServer().answering(200);
                LegacyEventsPublisher publisher = new LegacyEventsPublisher(PublisherConfig.builder(stub.url("/v1/events")).build(), APP)) {
            publisher.publish(event(3)).toCompletableFuture().get(10, TimeUnit.SECONDS);

            CapturingServer.Captured request = stub.take();
            ObjectNode body = (ObjectNode) TestEvents.JSON.readTree(request.body());
            assertThat(body.fieldNames()).toIterable()
                    .containsExactly("source-id", "event-type", "event-type-version", "event-id", "event-time", "data");
            assertThat(body.get("event-time").asText()).isEqualTo("2024-05-01T10:15:30.25+02:00");
            assertThat(request.bodyText()).endsWith(",\"data\":" + event(3).dataText() + "}");
            assertThat(request.header("Content-Type")).isEqualTo("application/json");
            assertThat(request.header("Content-Length")).isEqualTo(String.valueOf(request.body().length));
        }
    }

    @Test
    void leavesSourceIdOutOnTheApplicationsPath() throws Exception {
        try (CapturingServer stub = new CapturingServer().answering(200);
                LegacyEventsPublisher publisher = new LegacyEventsPublisher(PublisherConfig.builder(stub.url("/" + APP + "/v1/events")).build(), APP)) {
            publisher.publish(event(2)).toCompletableFuture().get(10, TimeUnit.SECONDS);

            assertThat(TestEvents.JSON.readTree(stub.take().body()).has("source-id")).isFalse();
        }
    }

    @Test
    void carriesTheServersErrorTextOnAPermanentFailure() {
        // events v1 sent to the CloudEvents route: the proxy refuses it, naming the missing attributes
        try (LegacyEventsPublisher publisher = new LegacyEventsPublisher(PublisherConfig.builder(kyma.publishUrl()).build(), APP)) {
            assertThatThrownBy(() -> publisher.publish(event(4)).toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(PublishException.class, e -> {
                        assertThat(e.isPermanent()).isTrue();
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.endpoint()).isEqualTo(kyma.publishUrl().toString());
                        assertThat(e.serverMessage()).hasValueSatisfying(text -> assertThat(text).contains("ce-specversion"));
                        assertThat(e.getMessage()).contains("HTTP 400").contains(event(4).id().toString()).contains("permanent");
                    });
            assertThat(kyma.requestCount(Route.PUBLISH)).isEqualTo(1);
        }
    }

    @Test
    void rejectsABlankApplication() {
        assertThatThrownBy(() -> new LegacyEventsPublisher(PublisherConfig.builder(kyma.eventsUrl()).build(), " "))
                .hasMessageContaining("applicationName");
    }
}
