package dev.marketingconnector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShutdownTest {

    private static final String TOPIC = "sap/mkt/tenant1/BO/Contact/Changed";
    private static final byte[] EVENT = "{\"data\":{}}".getBytes(StandardCharsets.UTF_8);

    @Test
    void stopsAcceptingThenFinishesWhatIsInFlightBeforeClosing() throws Exception {
        ControllablePublisher publisher = new ControllablePublisher().mode(ControllablePublisher.Mode.HOLD);
        TestBridge bridge = TestBridge.start(publisher);
        int port = bridge.port();
        try (RawMqtt raw = RawMqtt.webSocket(port, bridge.token())) {
            raw.send(RawMqtt.connect("draining", 60, true, null)).expect(RawMqtt.CONNACK);
            for (int i = 1; i <= 3; i++) {
                raw.send(RawMqtt.publish(TOPIC, 1, i, EVENT, false));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> publisher.heldCount() == 3);

            CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(() -> bridge.bridge.shutdown(Duration.ofSeconds(10)));
            await().atMost(Duration.ofSeconds(5)).until(() -> !bridge.bridge.isReady());
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class));
            assertThat(shutdown).isNotDone();

            publisher.releaseHeld();

            for (int i = 1; i <= 3; i++) {
                assertThat(raw.expect(RawMqtt.PUBACK).packetId()).isEqualTo(i);
            }
            assertThat(raw.awaitClosed(Duration.ofSeconds(5))).isTrue();
            assertThat(shutdown.get(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void leavesMessagesNotYetForwardedUnacknowledgedForTheClientToResend() throws Exception {
        ControllablePublisher publisher = new ControllablePublisher().mode(ControllablePublisher.Mode.HOLD);
        TestBridge bridge = TestBridge.start(publisher, b -> b.maxInFlightPerConnection(1));
        try (RawMqtt raw = RawMqtt.webSocket(bridge.port(), bridge.token())) {
            raw.send(RawMqtt.connect("queued", 60, true, null)).expect(RawMqtt.CONNACK);
            for (int i = 1; i <= 3; i++) {
                raw.send(RawMqtt.publish(TOPIC, 1, i, EVENT, false));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> publisher.heldCount() == 1);

            CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(() -> bridge.bridge.shutdown(Duration.ofSeconds(10)));
            await().atMost(Duration.ofSeconds(5)).until(() -> !bridge.bridge.isReady());
            publisher.releaseHeld();

            assertThat(raw.expect(RawMqtt.PUBACK).packetId()).isEqualTo(1);
            assertThat(raw.awaitClosed(Duration.ofSeconds(5))).isTrue();
            assertThat(shutdown.get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(publisher.attempts()).isEqualTo(1);
        }
    }

    @Test
    void closesWhatIsStillBusyAtTheDeadline() throws Exception {
        ControllablePublisher publisher = new ControllablePublisher().mode(ControllablePublisher.Mode.HOLD);
        TestBridge bridge = TestBridge.start(publisher);
        try (RawMqtt raw = RawMqtt.webSocket(bridge.port(), bridge.token())) {
            raw.send(RawMqtt.connect("stuck", 60, true, null)).expect(RawMqtt.CONNACK);
            raw.send(RawMqtt.publish(TOPIC, 1, 1, EVENT, false));
            await().atMost(Duration.ofSeconds(5)).until(() -> publisher.heldCount() == 1);

            assertThat(bridge.bridge.shutdown(Duration.ofMillis(200))).isFalse();

            assertThat(raw.awaitClosed(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void canBeClosedTwiceAndBeforeStarting() {
        TestBridge bridge = TestBridge.start(new ControllablePublisher());
        bridge.close();
        bridge.close();
        MqttBridge neverStarted = new MqttBridge(TestBridge.config(new ControllablePublisher()).build());
        neverStarted.close();
        assertThatThrownBy(neverStarted::start).isInstanceOf(BridgeException.class);
    }

    @Test
    void reportsAPortInUseByAddress() throws Exception {
        try (TestBridge first = TestBridge.start(new ControllablePublisher())) {
            int taken = first.port();
            assertThatThrownBy(() -> TestBridge.start(new ControllablePublisher(), b -> b.httpPort(taken)))
                    .isInstanceOf(BridgeException.class)
                    .hasMessageContaining("127.0.0.1:" + taken);
        }
    }
}
