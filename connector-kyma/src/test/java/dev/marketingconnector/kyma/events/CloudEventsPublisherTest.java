package dev.marketingconnector.kyma.events;

import static dev.marketingconnector.kyma.events.TestEvents.APP;
import static dev.marketingconnector.kyma.events.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.PublishReceipt;
import dev.marketingconnector.kyma.testing.MockKyma;
import dev.marketingconnector.kyma.testing.MockKyma.Encoding;
import dev.marketingconnector.kyma.testing.MockKyma.ReceivedEvent;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CloudEventsPublisherTest {

    MockKyma kyma;

    @BeforeEach
    void start() {
        kyma = new MockKyma();
    }

    @AfterEach
    void stop() {
        kyma.close();
    }

    @ParameterizedTest
    @EnumSource(CloudEventsPublisher.Mode.class)
    void publishesACloudEventThatThePublisherProxyAccepts(CloudEventsPublisher.Mode mode) throws Exception {
        try (CloudEventsPublisher publisher = new CloudEventsPublisher(PublisherConfig.builder(kyma.publishUrl()).build(), APP, mode)) {
            BusinessEvent event = event(1);

            PublishReceipt receipt = publisher.publish(event).toCompletableFuture().get(10, TimeUnit.SECONDS);

            assertThat(receipt).isEqualTo(new PublishReceipt(event.id(), 204));
            ReceivedEvent received = kyma.takeEvent(Duration.ofSeconds(5)).orElseThrow();
            assertThat(received.encoding()).isEqualTo(mode == CloudEventsPublisher.Mode.BINARY ? Encoding.BINARY : Encoding.STRUCTURED);
            assertThat(received.id()).isEqualTo(event.id().toString());
            assertThat(received.source()).isEqualTo("mkttest");
            assertThat(received.qualifiedType()).isEqualTo("bo.marketingpermission.changed.v1");
            assertThat(received.time()).contains(event.time());
            assertThat(received.data()).isEqualTo(event.data());
        }
    }

    @Test
    void cleansTheApplicationNameTheWayKymaEventingDoes() {
        assertThat(CloudEventsPublisher.eventingSource("mkt-prod")).isEqualTo("mktprod");
        assertThat(CloudEventsPublisher.eventingSource("a.b-c")).isEqualTo("abc");
        assertThat(CloudEventsPublisher.eventingSource("plain")).isEqualTo("plain");
    }

    @Test
    void aRedeliveredEventKeepsItsId() throws Exception {
        try (CloudEventsPublisher publisher = new CloudEventsPublisher(PublisherConfig.builder(kyma.publishUrl()).build(), APP)) {
            publisher.publish(event(3)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            publisher.publish(event(3)).toCompletableFuture().get(10, TimeUnit.SECONDS);

            assertThat(kyma.duplicates()).containsExactly(java.util.Map.entry(event(3).id().toString(), 2));
        }
    }
}
