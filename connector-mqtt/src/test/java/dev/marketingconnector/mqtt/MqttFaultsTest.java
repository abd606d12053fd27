package dev.marketingconnector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.testing.RecordingEventPublisher;
import dev.marketingconnector.mqtt.BridgeListener.CloseReason;
import dev.marketingconnector.mqtt.testing.MarketingEventSimulator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.Test;

class MqttFaultsTest {

    private static final String TOPIC = MarketingEventSimulator.legacyTopic(TestBridge.TOPIC_SPACE, "BO.MarketingPermission.Changed");

    private final List<CloseReason> closes = new CopyOnWriteArrayList<>();
    private final AtomicInteger retries = new AtomicInteger();

    private TestBridge start(dev.marketingconnector.core.events.EventPublisher publisher) {
        return TestBridge.start(publisher, b -> b.listener(new BridgeListener() {
            @Override
            public void connectionClosed(String clientId, String remoteAddress, CloseReason reason) {
                closes.add(reason);
            }

            @Override
            public void eventRetried(String clientId, int attempt, RuntimeException failure) {
                retries.incrementAndGet();
            }
        }));
    }

    private static byte[] payload(UUID id) {
        return MarketingEventSimulator.legacyPayload("BO.MarketingPermission.Changed", id, Instant.now(),
                MarketingEventSimulator.marketingPermissionData(id.toString().substring(0, 8)));
    }

    @Test
    void rideOutAShortOutageByRetryingWithoutDroppingTheConnection() throws Exception {
        RecordingEventPublisher publisher = new RecordingEventPublisher();
        try (TestBridge bridge = start(publisher)) {
            MqttAsyncClient client = Clients.paho(bridge.port(), "short-outage", bridge.token());
            publisher.failNextTransiently(3);

            client.publish(TOPIC, payload(UUID.randomUUID()), 1, false).waitForCompletion(5_000);

            assertThat(publisher.published()).hasSize(1);
            assertThat(publisher.attempts()).isEqualTo(4);
            assertThat(retries).hasValue(3);
            assertThat(client.isConnected()).isTrue();
            assertThat(closes).isEmpty();
            Clients.closeQuietly(client);
        }
    }

    @Test
    void deliversEverythingAfterALongOutageThroughReconnectsAndRedelivery() throws Exception {
        ControllablePublisher publisher = new ControllablePublisher().mode(ControllablePublisher.Mode.FAIL_TRANSIENTLY);
        try (TestBridge bridge = start(publisher)) {
            Mqtt3AsyncClient client = Clients.hiveBuilder(bridge.port(), "long-outage", bridge.token())
                    .automaticReconnect().initialDelay(50, TimeUnit.MILLISECONDS).maxDelay(200, TimeUnit.MILLISECONDS)
                    .applyAutomaticReconnect()
                    .buildAsync();
            client.connectWith().cleanSession(false).send().get(5, TimeUnit.SECONDS);
            List<UUID> sent = new ArrayList<>();
            List<CompletableFuture<?>> acks = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                UUID id = UUID.randomUUID();
                sent.add(id);
                acks.add(client.publishWith().topic(TOPIC).qos(MqttQos.AT_LEAST_ONCE).payload(payload(id)).send());
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> closes.contains(CloseReason.FORWARDING_FAILED));
            assertThat(acks).noneMatch(CompletableFuture::isDone);
            publisher.mode(ControllablePublisher.Mode.ACCEPT);

            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            assertThat(publisher.accepted()).extracting(BusinessEvent::id).containsAll(sent);
            client.disconnect().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void loosesNothingWhenTheConnectionIsKilledMidFlight() throws Exception {
        ControllablePublisher publisher = new ControllablePublisher().mode(ControllablePublisher.Mode.HOLD);
        try (TestBridge bridge = start(publisher); TcpProxy proxy = new TcpProxy(bridge.port())) {
            MqttAsyncClient client = Clients.pahoClient(proxy.port(), "killed-mid-flight");
            MqttConnectOptions options = Clients.pahoOptions(bridge.token(), false);
            options.setAutomaticReconnect(true);
            options.setMaxReconnectDelay(500);
            client.connect(options).waitForCompletion(5_000);
            List<UUID> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                UUID id = UUID.randomUUID();
                sent.add(id);
                client.publish(TOPIC, payload(id), 1, false);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> publisher.heldCount() == 20);

            proxy.cutAll();
            await().atMost(Duration.ofSeconds(5)).until(() -> closes.contains(CloseReason.CONNECTION_LOST));
            publisher.releaseHeld();

            // Paho fails the delivery tokens of a lost connection but keeps the messages and resends them.
            await().atMost(Duration.ofSeconds(15)).until(() -> acceptedIds(publisher).containsAll(sent));
            await().atMost(Duration.ofSeconds(5)).until(() -> client.getPendingDeliveryTokens().length == 0);
            Clients.closeQuietly(client);
        }
    }

    private static Set<UUID> acceptedIds(ControllablePublisher publisher) {
        return publisher.accepted().stream().map(BusinessEvent::id).collect(Collectors.toSet());
    }

    @Test
    void deadLettersAndAcknowledgesAnEventTheServiceRejects() throws Exception {
        ControllablePublisher publisher = new ControllablePublisher().mode(ControllablePublisher.Mode.FAIL_PERMANENTLY);
        try (TestBridge bridge = start(publisher)) {
            MqttAsyncClient client = Clients.paho(bridge.port(), "rejected", bridge.token());

            client.publish(TOPIC, payload(UUID.randomUUID()), 1, false).waitForCompletion(5_000);
            publisher.mode(ControllablePublisher.Mode.ACCEPT);
            client.publish(TOPIC, payload(UUID.randomUUID()), 1, false).waitForCompletion(5_000);

            assertThat(bridge.bridge.recentDeadLetters()).singleElement().satisfies(d -> {
                assertThat(d.reason()).isEqualTo(DeadLetter.Reason.REJECTED);
                assertThat(d.topic()).isEqualTo(TOPIC);
                assertThat(d.clientId()).isEqualTo("rejected");
                assertThat(d.detail()).contains("bad event");
            });
            assertThat(publisher.accepted()).hasSize(1);
            assertThat(publisher.attempts()).isEqualTo(2);
            Clients.closeQuietly(client);
        }
    }

    @Test
    void doesNotForwardADuplicateOfAMessageStillInFlight() throws Exception {
        ControllablePublisher publisher = new ControllablePublisher().mode(ControllablePublisher.Mode.HOLD);
        try (TestBridge bridge = start(publisher); RawMqtt raw = RawMqtt.webSocket(bridge.port(), bridge.token())) {
            raw.send(RawMqtt.connect("dup", 30, false, null)).expect(RawMqtt.CONNACK);
            byte[] message = payload(UUID.randomUUID());

            raw.send(RawMqtt.publish(TOPIC, 1, 7, message, false));
            raw.send(RawMqtt.publish(TOPIC, 1, 7, message, true));
            raw.send(RawMqtt.pingreq()).expect(RawMqtt.PINGRESP);
            assertThat(publisher.attempts()).isEqualTo(1);

            publisher.releaseHeld();
            assertThat(raw.expect(RawMqtt.PUBACK).packetId()).isEqualTo(7);
            raw.send(RawMqtt.pingreq()).expect(RawMqtt.PINGRESP); // no second PUBACK came before it

            raw.send(RawMqtt.publish(TOPIC, 1, 7, message, true));
            assertThat(raw.expect(RawMqtt.PUBACK).packetId()).isEqualTo(7);
            assertThat(publisher.accepted()).hasSize(2).extracting(BusinessEvent::id).containsOnly(publisher.accepted().get(0).id());
        }
    }

    @Test
    void answersAQos2DuplicateWithPubrecWithoutForwardingItAgain() throws Exception {
        RecordingEventPublisher publisher = new RecordingEventPublisher();
        try (TestBridge bridge = start(publisher); RawMqtt raw = RawMqtt.webSocket(bridge.port(), bridge.token())) {
            raw.send(RawMqtt.connect("qos2-dup", 30, true, null)).expect(RawMqtt.CONNACK);
            byte[] message = payload(UUID.randomUUID());

            raw.send(RawMqtt.publish(TOPIC, 2, 9, message, false));
            assertThat(raw.expect(RawMqtt.PUBREC).packetId()).isEqualTo(9);
            raw.send(RawMqtt.publish(TOPIC, 2, 9, message, true));
            assertThat(raw.expect(RawMqtt.PUBREC).packetId()).isEqualTo(9);
            raw.send(RawMqtt.pubrel(9));
            assertThat(raw.expect(RawMqtt.PUBCOMP).packetId()).isEqualTo(9);

            assertThat(publisher.published()).hasSize(1);
        }
    }

    @Test
    void acknowledgesInTheOrderTheMessagesCame() throws Exception {
        ControllablePublisher publisher = new ControllablePublisher().mode(ControllablePublisher.Mode.HOLD);
        try (TestBridge bridge = start(publisher); RawMqtt raw = RawMqtt.webSocket(bridge.port(), bridge.token())) {
            raw.send(RawMqtt.connect("order", 30, true, null)).expect(RawMqtt.CONNACK);
            raw.send(RawMqtt.publish(TOPIC, 1, 1, payload(UUID.randomUUID()), false));
            await().atMost(Duration.ofSeconds(5)).until(() -> publisher.heldCount() == 1);
            publisher.mode(ControllablePublisher.Mode.ACCEPT);
            raw.send(RawMqtt.publish(TOPIC, 1, 2, payload(UUID.randomUUID()), false));
            raw.send(RawMqtt.pingreq()).expect(RawMqtt.PINGRESP);
            assertThat(publisher.accepted()).hasSize(1);

            publisher.releaseHeld();

            assertThat(raw.expect(RawMqtt.PUBACK).packetId()).isEqualTo(1);
            assertThat(raw.expect(RawMqtt.PUBACK).packetId()).isEqualTo(2);
        }
    }
}
