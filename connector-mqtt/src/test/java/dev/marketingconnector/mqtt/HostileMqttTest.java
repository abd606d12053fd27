package dev.marketingconnector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import dev.marketingconnector.mqtt.BridgeListener.ConnectRefusal;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The MQTT side under clients that break the protocol or hold resources, over real sockets:
 * another protocol level, a keep-alive of 18 hours, QoS 2 flows never released, a packet id
 * reused while in flight.
 */
class HostileMqttTest {

    private static final String TOPIC = TestBridge.TOPIC_SPACE + "/BO/Contact/Changed";
    private static final byte[] EVENT = "{\"eventType\":\"BO.Contact.Changed\",\"data\":{\"id\":1}}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OTHER_EVENT = "{\"eventType\":\"BO.Contact.Changed\",\"data\":{\"id\":2}}".getBytes(StandardCharsets.UTF_8);
    private static final Duration CLOSE_WITHIN = Duration.ofSeconds(5);

    private final ControllablePublisher publisher = new ControllablePublisher();
    private final List<ConnectRefusal> refusals = new CopyOnWriteArrayList<>();

    private TestBridge start(java.util.function.Consumer<BridgeConfig.Builder> customizer) {
        return TestBridge.start(publisher, b -> {
            b.tcpPort(0).listener(new BridgeListener() {
                @Override
                public void connectRefused(String remoteAddress, ConnectRefusal reason) {
                    refusals.add(reason);
                }
            });
            customizer.accept(b);
        });
    }

    /** A CONNECT at level 5 laid out as MQTT 3.1.1 (no properties): Netty's decoder alone waits for bytes that never come. */
    private static byte[] level5WithoutProperties(String clientId) {
        byte[] v311 = RawMqtt.connect("MQTT", 4, clientId, 30, true, null);
        v311[8] = 5;
        return v311;
    }

    private static RawMqtt.Packet refusedWith(RawMqtt raw, byte[] connect) throws Exception {
        RawMqtt.Packet connack = raw.send(connect).expect(RawMqtt.CONNACK);
        assertThat(raw.awaitClosed(CLOSE_WITHIN)).as("closed after the CONNACK").isTrue();
        return connack;
    }

    @Test
    void answersOtherProtocolLevelsWithConnack1InMqtt311FormAndCloses() throws Exception {
        try (TestBridge bridge = start(b -> b.connectTimeout(Duration.ofSeconds(30)))) {
            String token = bridge.token();
            int tcp = bridge.bridge.tcpPort().orElseThrow();
            for (byte[] connect : List.of(RawMqtt.connect("MQTT", 5, "v5", 30, true, null), level5WithoutProperties("v5-bare"),
                    RawMqtt.connect("MQTT", 6, "v6", 30, true, null), RawMqtt.connect("MQIsdp", 3, "v31", 30, true, null))) {
                try (RawMqtt ws = RawMqtt.webSocket(bridge.port(), token); RawMqtt plain = RawMqtt.tcp(tcp)) {
                    for (RawMqtt raw : List.of(ws, plain)) {
                        RawMqtt.Packet connack = refusedWith(raw, connect);
                        assertThat(connack.body()).as("MQTT 3.1.1 CONNACK: no session present, return code 1").containsExactly(0, 1);
                    }
                }
            }
            assertThat(refusals).hasSize(8).containsOnly(ConnectRefusal.UNSUPPORTED_PROTOCOL_VERSION);
            assertThat(publisher.attempts()).isZero();
        }
    }

    @Test
    void aRealMqtt5ClientIsRefusedAtOnce() throws Exception {
        try (TestBridge bridge = start(b -> b.connectTimeout(Duration.ofSeconds(30)))) {
            Mqtt5AsyncClient client = MqttClient.builder().useMqttVersion5().identifier("v5-client").serverHost("127.0.0.1")
                    .serverPort(bridge.port())
                    .webSocketConfig().serverPath("mqtt").subprotocol("mqtt")
                    .httpHeaders(Map.of("Authorization", "Bearer " + bridge.token())).applyWebSocketConfig()
                    .buildAsync();
            assertThat(client.connect()).failsWithin(10, TimeUnit.SECONDS);
            assertThat(refusals).containsExactly(ConnectRefusal.UNSUPPORTED_PROTOCOL_VERSION);
        }
    }

    @Test
    void holdsAClientToTheLongestKeepAliveItAllows() throws Exception {
        try (TestBridge bridge = start(b -> b.maxKeepAlive(Duration.ofSeconds(1)));
                RawMqtt raw = RawMqtt.webSocket(bridge.port(), bridge.token())) {
            raw.send(RawMqtt.connect("asks-for-18-hours", 65_535, true, null)).expect(RawMqtt.CONNACK);
            raw.send(RawMqtt.pingreq()).expect(RawMqtt.PINGRESP);

            assertThat(raw.awaitClosed(CLOSE_WITHIN)).as("closed after 1.5 s of silence, not 27 h").isTrue();
        }
    }

    @Test
    void forgetsAQos2FlowWhosePubrelDoesNotComeInTime() throws Exception {
        try (TestBridge bridge = start(b -> b.qos2ReleaseTimeout(Duration.ofSeconds(1)));
                RawMqtt raw = RawMqtt.webSocket(bridge.port(), bridge.token())) {
            raw.send(RawMqtt.connect("never-releases", 60, true, null)).expect(RawMqtt.CONNACK);
            assertThat(raw.send(RawMqtt.publish(TOPIC, 2, 7, EVENT, false)).expect(RawMqtt.PUBREC).packetId()).isEqualTo(7);
            assertThat(raw.send(RawMqtt.publish(TOPIC, 2, 7, EVENT, true)).expect(RawMqtt.PUBREC).packetId()).isEqualTo(7);
            assertThat(publisher.accepted()).as("remembered: a resend is not forwarded again").hasSize(1);

            await().atMost(CLOSE_WITHIN).untilAsserted(() -> {
                assertThat(raw.send(RawMqtt.publish(TOPIC, 2, 7, EVENT, true)).expect(RawMqtt.PUBREC).packetId()).isEqualTo(7);
                assertThat(publisher.accepted()).as("forgotten after the timeout").hasSize(2);
            });
            assertThat(raw.send(RawMqtt.pubrel(7)).expect(RawMqtt.PUBCOMP).packetId()).as("a late PUBREL still completes").isEqualTo(7);
        }
    }

    @Test
    void keepsAtMostTheConfiguredQos2FlowsAwaitingPubrelPerConnection() throws Exception {
        try (TestBridge bridge = start(b -> b.maxQos2AwaitingRelease(2));
                RawMqtt raw = RawMqtt.webSocket(bridge.port(), bridge.token())) {
            raw.send(RawMqtt.connect("many-unreleased", 60, true, null)).expect(RawMqtt.CONNACK);
            for (int id = 1; id <= 3; id++) {
                assertThat(raw.send(RawMqtt.publish(TOPIC, 2, id, EVENT, false)).expect(RawMqtt.PUBREC).packetId()).isEqualTo(id);
            }
            raw.send(RawMqtt.publish(TOPIC, 2, 3, EVENT, true)).expect(RawMqtt.PUBREC);
            assertThat(publisher.accepted()).as("id 3 is remembered").hasSize(3);
            raw.send(RawMqtt.publish(TOPIC, 2, 1, EVENT, true)).expect(RawMqtt.PUBREC);
            assertThat(publisher.accepted()).as("id 1, the oldest, was forgotten").hasSize(4);
            raw.send(RawMqtt.pingreq()).expect(RawMqtt.PINGRESP);
        }
    }

    @Test
    void closesWhenAPacketIdInFlightIsReusedForAnotherMessage() throws Exception {
        publisher.mode(ControllablePublisher.Mode.HOLD);
        try (TestBridge bridge = start(b -> { });
                RawMqtt raw = RawMqtt.webSocket(bridge.port(), bridge.token())) {
            raw.send(RawMqtt.connect("reuses-ids", 60, true, null)).expect(RawMqtt.CONNACK);
            raw.send(RawMqtt.publish(TOPIC, 1, 5, EVENT, false));
            await().atMost(CLOSE_WITHIN).until(() -> publisher.heldCount() == 1);

            raw.send(RawMqtt.publish(TOPIC, 1, 5, OTHER_EVENT, false));

            assertThat(raw.awaitClosed(CLOSE_WITHIN)).as("a protocol violation closes the connection").isTrue();
            publisher.releaseHeld();
            assertThat(publisher.attempts()).as("the second message was not forwarded; the client sends both again").isEqualTo(1);
        }
    }

    @Test
    void forwardsAResendOfTheMessageInFlightOnceAndAcknowledgesItOnce() throws Exception {
        publisher.mode(ControllablePublisher.Mode.HOLD);
        try (TestBridge bridge = start(b -> { });
                RawMqtt raw = RawMqtt.webSocket(bridge.port(), bridge.token())) {
            raw.send(RawMqtt.connect("resends", 60, true, null)).expect(RawMqtt.CONNACK);
            raw.send(RawMqtt.publish(TOPIC, 1, 6, EVENT, false));
            await().atMost(CLOSE_WITHIN).until(() -> publisher.heldCount() == 1);
            raw.send(RawMqtt.publish(TOPIC, 1, 6, EVENT, true));
            raw.send(RawMqtt.publish(TOPIC, 1, 6, EVENT, false));

            publisher.releaseHeld();

            assertThat(raw.expect(RawMqtt.PUBACK).packetId()).isEqualTo(6);
            RawMqtt.Packet next = raw.send(RawMqtt.pingreq()).read();
            assertThat(next.type()).as("one PUBACK for the three copies").isEqualTo(RawMqtt.PINGRESP);
            assertThat(publisher.attempts()).isEqualTo(1);
        }
    }

    @Test
    void aConnectTrickledOnTheTcpPortIsClosedAtTheConnectDeadline() throws Exception {
        try (TestBridge bridge = start(b -> b.connectTimeout(Duration.ofSeconds(1)));
                RawMqtt raw = RawMqtt.tcp(bridge.bridge.tcpPort().orElseThrow())) {
            byte[] connect = RawMqtt.connect("trickling-" + "x".repeat(100), 30, true, "password");
            boolean closed = false;
            for (int i = 0; i < connect.length - 1 && !closed; i++) {
                try {
                    raw.sendRaw(new byte[] {connect[i]});
                } catch (java.io.IOException e) {
                    closed = true;
                }
                closed = closed || raw.awaitClosed(Duration.ofMillis(100));
            }
            assertThat(closed).isTrue();
        }
    }

    @Test
    void level5SplitAcrossFramesIsStillRefused() throws Exception {
        try (TestBridge bridge = start(b -> { }); RawMqtt raw = RawMqtt.webSocket(bridge.port(), bridge.token())) {
            byte[] connect = level5WithoutProperties("split");
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            rest.write(connect, 3, connect.length - 3);
            raw.send(java.util.Arrays.copyOf(connect, 3));
            RawMqtt.Packet connack = refusedWith(raw, rest.toByteArray());
            assertThat(connack.body()).containsExactly(0, 1);
        }
    }
}
