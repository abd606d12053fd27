package dev.marketingconnector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marketingconnector.core.testing.RecordingEventPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each bad input closes (or dead-letters on) only the offending connection: a well-behaved Paho
 * client stays connected throughout and must still get its events through after every test.
 */
class MqttBadInputTest {

    private static final int MAX_PAYLOAD = 1024;
    private static final String TOPIC = "sap/mkt/tenant1/BO/Contact/Changed";
    private static final byte[] EVENT = "{\"eventType\":\"BO.Contact.Changed\",\"data\":{\"id\":1}}".getBytes(StandardCharsets.UTF_8);
    private static final Duration CLOSE_WITHIN = Duration.ofSeconds(5);

    private static final RecordingEventPublisher PUBLISHER = new RecordingEventPublisher();
    private static TestBridge bridge;
    private static MqttAsyncClient healthy;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        bridge = TestBridge.start(PUBLISHER, b -> b.maxPayloadBytes(MAX_PAYLOAD).connectTimeout(Duration.ofSeconds(2)).tcpPort(0));
        token = bridge.token();
        healthy = Clients.paho(bridge.port(), "healthy", token);
    }

    @AfterAll
    static void stop() {
        Clients.closeQuietly(healthy);
        bridge.close();
    }

    @BeforeEach
    void clear() {
        PUBLISHER.clear();
    }

    @AfterEach
    void othersAreUnaffected() throws Exception {
        int before = PUBLISHER.published().size();
        assertThat(healthy.isConnected()).isTrue();
        healthy.publish(TOPIC, EVENT, 1, false).waitForCompletion(5_000);
        assertThat(PUBLISHER.published()).hasSize(before + 1);
    }

    private static RawMqtt connected(String clientId) throws Exception {
        RawMqtt raw = RawMqtt.webSocket(bridge.port(), token);
        RawMqtt.Packet connack = raw.send(RawMqtt.connect(clientId, 30, true, null)).expect(RawMqtt.CONNACK);
        assertThat(connack.body()[1]).isZero();
        return raw;
    }

    private static int connackCode(byte[] connect) throws Exception {
        try (RawMqtt raw = RawMqtt.webSocket(bridge.port(), token)) {
            RawMqtt.Packet connack = raw.send(connect).expect(RawMqtt.CONNACK);
            assertThat(raw.awaitClosed(CLOSE_WITHIN)).isTrue();
            return connack.body()[1];
        }
    }

    @Test
    void closesOnGarbageInsideWebSocketFrames() throws Exception {
        byte[] garbage = new byte[512];
        new Random(42).nextBytes(garbage);
        garbage[0] = (byte) 0xF7;
        try (RawMqtt raw = RawMqtt.webSocket(bridge.port(), token)) {
            raw.send(garbage);
            assertThat(raw.awaitClosed(CLOSE_WITHIN)).isTrue();
        }
        try (RawMqtt raw = connected("garbage-later")) {
            raw.send(new byte[] {(byte) 0x00, 0x02, 0x01, 0x02});
            assertThat(raw.awaitClosed(CLOSE_WITHIN)).isTrue();
        }
    }

    @Test
    void closesOnGarbageInsteadOfWebSocketFrames() throws Exception {
        try (RawMqtt raw = RawMqtt.webSocket(bridge.port(), token)) {
            raw.sendRaw("this is not a websocket frame\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(raw.awaitClosed(CLOSE_WITHIN)).isTrue();
        }
    }

    @Test
    void closesOnGarbageOnTheTcpPort() throws Exception {
        try (RawMqtt raw = RawMqtt.tcp(bridge.bridge.tcpPort().orElseThrow())) {
            raw.send("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(raw.awaitClosed(CLOSE_WITHIN)).isTrue();
        }
    }

    @Test
    void closesOnATextFrame() throws Exception {
        try (RawMqtt raw = connected("text-frame")) {
            raw.frame(0x1, "hello".getBytes(StandardCharsets.UTF_8), true);
            assertThat(raw.awaitClosed(CLOSE_WITHIN)).isTrue();
        }
    }

    @Test
    void closesOnAPacketBeforeConnect() throws Exception {
        try (RawMqtt raw = RawMqtt.webSocket(bridge.port(), token)) {
            raw.send(RawMqtt.publish(TOPIC, 1, 1, EVENT, false));
            assertThat(raw.awaitClosed(CLOSE_WITHIN)).isTrue();
        }
        assertThat(PUBLISHER.attempts()).isZero();
    }

    @Test
    void closesOnASecondConnect() throws Exception {
        try (RawMqtt raw = connected("twice")) {
            raw.send(RawMqtt.connect("twice", 30, true, null));
            assertThat(raw.awaitClosed(CLOSE_WITHIN)).isTrue();
        }
    }

    @Test
    void closesOnInvalidTopics() throws Exception {
        for (String topic : new String[] {"sap/+/x", "sap/#", ""}) {
            try (RawMqtt raw = connected("bad-topic")) {
                raw.send(RawMqtt.publish(topic, 1, 1, EVENT, false));
                assertThat(raw.awaitClosed(CLOSE_WITHIN)).as("topic '%s'", topic).isTrue();
            }
        }
        assertThat(PUBLISHER.attempts()).isZero();
    }

    @Test
    void deadLettersAndAcknowledgesAPayloadOverTheLimit() throws Exception {
        try (RawMqtt raw = connected("too-large")) {
            byte[] large = ("{\"data\":\"" + "x".repeat(MAX_PAYLOAD) + "\"}").getBytes(StandardCharsets.UTF_8);
            raw.send(RawMqtt.publish(TOPIC, 1, 3, large, false));

            assertThat(raw.expect(RawMqtt.PUBACK).packetId()).isEqualTo(3);
            assertThat(bridge.bridge.recentDeadLetters()).last().satisfies(d -> {
                assertThat(d.reason()).isEqualTo(DeadLetter.Reason.PAYLOAD_TOO_LARGE);
                assertThat(d.payloadBytes()).isEqualTo(large.length);
                assertThat(d.clientId()).isEqualTo("too-large");
            });
            raw.send(RawMqtt.publish(TOPIC, 1, 4, EVENT, false));
            assertThat(raw.expect(RawMqtt.PUBACK).packetId()).isEqualTo(4);
        }
        assertThat(PUBLISHER.published()).hasSize(1);
    }

    @Test
    void closesOnAPacketOverTwiceTheLimit() throws Exception {
        try (RawMqtt raw = connected("far-too-large")) {
            raw.send(RawMqtt.publish(TOPIC, 1, 5, new byte[3 * MAX_PAYLOAD], false));
            assertThat(raw.awaitClosed(CLOSE_WITHIN)).isTrue();
        }
        try (RawMqtt raw = RawMqtt.tcp(bridge.bridge.tcpPort().orElseThrow())) {
            raw.send(RawMqtt.connect("tcp-too-large", 30, true, token)).expect(RawMqtt.CONNACK);
            raw.send(RawMqtt.publish(TOPIC, 1, 5, new byte[3 * MAX_PAYLOAD], false));
            assertThat(raw.awaitClosed(CLOSE_WITHIN)).isTrue();
        }
        assertThat(PUBLISHER.attempts()).isZero();
    }

    @Test
    void closesAPacketThatDeclaresMoreThanItSendsWhenTheKeepAliveRunsOut() throws Exception {
        try (RawMqtt raw = RawMqtt.webSocket(bridge.port(), token)) {
            raw.send(RawMqtt.connect("truncated", 1, true, null)).expect(RawMqtt.CONNACK);
            byte[] publish = RawMqtt.publish(TOPIC, 1, 6, EVENT, false);
            byte[] truncated = java.util.Arrays.copyOf(publish, 10);
            raw.send(truncated);
            assertThat(raw.awaitClosed(CLOSE_WITHIN)).isTrue();
        }
        assertThat(PUBLISHER.attempts()).isZero();
    }

    @Test
    void closesAWebSocketFrameThatDeclaresMoreThanItSends() throws Exception {
        try (RawMqtt raw = RawMqtt.webSocket(bridge.port(), token)) {
            raw.send(RawMqtt.connect("truncated-frame", 1, true, null)).expect(RawMqtt.CONNACK);
            // a masked binary frame announcing 100 bytes, followed by only 6
            raw.sendRaw(new byte[] {(byte) 0x82, (byte) (0x80 | 100), 1, 2, 3, 4, 0x30, 0x10});
            assertThat(raw.awaitClosed(CLOSE_WITHIN)).isTrue();
        }
    }

    @Test
    void closesAConnectionThatSendsNoConnectInTime() throws Exception {
        try (RawMqtt raw = RawMqtt.webSocket(bridge.port(), token)) {
            assertThat(raw.awaitClosed(CLOSE_WITHIN)).isTrue();
        }
    }

    @Test
    void enforcesTheKeepAlive() throws Exception {
        try (RawMqtt raw = RawMqtt.webSocket(bridge.port(), token)) {
            raw.send(RawMqtt.connect("silent", 1, true, null)).expect(RawMqtt.CONNACK);
            raw.send(RawMqtt.pingreq()).expect(RawMqtt.PINGRESP);
            assertThat(raw.awaitClosed(CLOSE_WITHIN)).isTrue();
        }
    }

    @Test
    void refusesOtherProtocolVersions() throws Exception {
        assertThat(connackCode(RawMqtt.connect("MQIsdp", 3, "v31", 30, true, null))).isEqualTo(1);
        assertThat(connackCode(RawMqtt.connect("MQTT", 5, "v5", 30, true, null))).isEqualTo(1);
        assertThat(connackCode(RawMqtt.connect("HTTP", 4, "nonsense", 30, true, null))).isEqualTo(1);
    }

    @Test
    void refusesAnEmptyClientIdWithAPersistentSession() throws Exception {
        assertThat(connackCode(RawMqtt.connect("", 30, false, null))).isEqualTo(2);
        assertThat(connackCode(RawMqtt.connect("x".repeat(300), 30, true, null))).isEqualTo(2);
    }

    @Test
    void assignsAnIdToAnEmptyClientIdWithACleanSession() throws Exception {
        try (RawMqtt raw = connected("")) {
            raw.send(RawMqtt.publish(TOPIC, 1, 1, EVENT, false)).expect(RawMqtt.PUBACK);
            assertThat(bridge.bridge.connectedClients()).anySatisfy(c -> assertThat(c.clientId()).startsWith("auto-"));
        }
    }

    @Test
    void deadLettersAndAcknowledgesPayloadsThatAreNoEvents() throws Exception {
        try (RawMqtt raw = connected("not-events")) {
            raw.send(RawMqtt.publish(TOPIC, 1, 1, "<xml/>".getBytes(StandardCharsets.UTF_8), false));
            raw.send(RawMqtt.publish("sap/mkt/tenant1/", 1, 2, "{\"data\":{}}".getBytes(StandardCharsets.UTF_8), false));
            raw.send(RawMqtt.publish(TOPIC, 1, 3, "{\"eventType\":\"BO.X.Y\"}".getBytes(StandardCharsets.UTF_8), false));

            assertThat(raw.expect(RawMqtt.PUBACK).packetId()).isEqualTo(1);
            assertThat(raw.expect(RawMqtt.PUBACK).packetId()).isEqualTo(2);
            assertThat(raw.expect(RawMqtt.PUBACK).packetId()).isEqualTo(3);
        }
        assertThat(bridge.bridge.recentDeadLetters()).extracting(DeadLetter::reason).endsWith(
                DeadLetter.Reason.NOT_JSON, DeadLetter.Reason.INVALID_EVENT_TYPE, DeadLetter.Reason.INVALID_EVENT);
        assertThat(PUBLISHER.attempts()).isZero();
    }

    @Test
    void answersPingsAndSubscriptions() throws Exception {
        try (RawMqtt raw = connected("pinger")) {
            raw.send(RawMqtt.pingreq()).expect(RawMqtt.PINGRESP);
            RawMqtt.Packet suback = raw.send(RawMqtt.subscribe(11, "sap/#", 1)).expect(RawMqtt.SUBACK);
            assertThat(suback.packetId()).isEqualTo(11);
            assertThat(suback.body()[2]).isEqualTo((byte) 1);
            assertThat(raw.send(RawMqtt.unsubscribe(12, "sap/#")).expect(RawMqtt.UNSUBACK).packetId()).isEqualTo(12);
            raw.send(RawMqtt.disconnect());
            assertThat(raw.awaitClosed(CLOSE_WITHIN)).isTrue();
        }
    }
}
