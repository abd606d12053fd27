package dev.marketingconnector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marketingconnector.core.testing.RecordingEventPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A dead letter carries what is needed to deliver it again, and is acknowledged only once the sink kept it. */
class DeadLetterPayloadTest {

    private static final String TOPIC = "sap/mkt/tenant1/BO/Contact/Changed";

    /** Keeps dead letters when told to. */
    private static final class HoldingSink implements DeadLetterSink {
        final List<DeadLetter> received = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Void>> stages = new CopyOnWriteArrayList<>();

        @Override
        public void accept(DeadLetter deadLetter) {
            throw new UnsupportedOperationException("store is used");
        }

        @Override
        public CompletionStage<Void> store(DeadLetter deadLetter) {
            received.add(deadLetter);
            CompletableFuture<Void> stage = new CompletableFuture<>();
            stages.add(stage);
            return stage;
        }
    }

    private TestBridge bridge;

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
    }

    @Test
    void anUnmappablePayloadIsKeptAsItArrivedAndAcknowledgedOnlyOnceStored() throws Exception {
        HoldingSink sink = new HoldingSink();
        bridge = TestBridge.start(new RecordingEventPublisher(), b -> b.deadLetterSink(sink));
        byte[] payload = "{not json at all".getBytes(StandardCharsets.UTF_8);
        try (RawMqtt raw = RawMqtt.webSocket(bridge.port(), bridge.token())) {
            raw.send(RawMqtt.connect("sap-1", 30, true, null)).expect(RawMqtt.CONNACK);
            raw.send(RawMqtt.publish(TOPIC, 1, 7, payload, false));

            await().atMost(Duration.ofSeconds(5)).until(() -> sink.received.size() == 1);
            DeadLetter letter = sink.received.get(0);
            assertThat(letter.reason()).isEqualTo(DeadLetter.Reason.NOT_JSON);
            assertThat(letter.payload()).containsExactly(payload);
            assertThat(letter.event()).isEmpty();
            assertThat(letter.toString()).doesNotContain("not json at all");
            raw.send(RawMqtt.pingreq()).expect(RawMqtt.PINGRESP); // a PUBACK sent already would come first

            sink.stages.get(0).complete(null);
            assertThat(raw.expect(RawMqtt.PUBACK).body()).containsExactly(0, 7);
        }
    }

    @Test
    void aDeadLetterThatCannotBeKeptClosesTheConnectionWithoutAcknowledging() throws Exception {
        HoldingSink sink = new HoldingSink();
        bridge = TestBridge.start(new RecordingEventPublisher(), b -> b.deadLetterSink(sink));
        try (RawMqtt raw = RawMqtt.webSocket(bridge.port(), bridge.token())) {
            raw.send(RawMqtt.connect("sap-1", 30, true, null)).expect(RawMqtt.CONNACK);
            raw.send(RawMqtt.publish(TOPIC, 1, 9, "[]".getBytes(StandardCharsets.UTF_8), false));
            await().atMost(Duration.ofSeconds(5)).until(() -> sink.stages.size() == 1);
            raw.send(RawMqtt.pingreq()).expect(RawMqtt.PINGRESP);

            sink.stages.get(0).completeExceptionally(new IllegalStateException("the dead-letter area is full"));

            assertThat(raw.awaitClosed(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void anEventTheServiceRefusesIsKeptWithTheEvent() throws Exception {
        HoldingSink sink = new HoldingSink();
        RecordingEventPublisher publisher = new RecordingEventPublisher().failNextPermanently(1);
        bridge = TestBridge.start(publisher, b -> b.deadLetterSink(sink));
        try (RawMqtt raw = RawMqtt.webSocket(bridge.port(), bridge.token())) {
            raw.send(RawMqtt.connect("sap-1", 30, true, null)).expect(RawMqtt.CONNACK);
            raw.send(RawMqtt.publish(TOPIC, 1, 3, "{\"eventType\":\"BO.Contact.Changed\",\"data\":{\"id\":1}}"
                    .getBytes(StandardCharsets.UTF_8), false));

            await().atMost(Duration.ofSeconds(5)).until(() -> sink.received.size() == 1);
            assertThat(sink.received.get(0).reason()).isEqualTo(DeadLetter.Reason.REJECTED);
            assertThat(sink.received.get(0).event()).hasValueSatisfying(e -> assertThat(e.type().qualified()).isEqualTo("bo.contact.changed.v1"));
            sink.stages.get(0).complete(null);
            assertThat(raw.expect(RawMqtt.PUBACK).body()).containsExactly(0, 3);
        }
    }
}
