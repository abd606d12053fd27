package dev.marketingconnector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FlowControlTest {

    private static final String TOPIC = "sap/mkt/tenant1/BO/Contact/Changed";
    private static final Duration WHILE = Duration.ofMillis(300);

    private static byte[] event(int i) {
        return ("{\"eventID\":\"" + i + "\",\"data\":{\"i\":" + i + "}}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void forwardsAtMostTheConnectionsBoundAndStopsReadingUntilThereIsRoom() throws Exception {
        ControllablePublisher publisher = new ControllablePublisher().mode(ControllablePublisher.Mode.HOLD);
        try (TestBridge bridge = TestBridge.start(publisher, b -> b.maxInFlightPerConnection(4).maxInFlight(100));
                RawMqtt raw = RawMqtt.webSocket(bridge.port(), bridge.token())) {
            raw.send(RawMqtt.connect("bounded", 60, true, null)).expect(RawMqtt.CONNACK);
            for (int i = 1; i <= 50; i++) {
                raw.send(RawMqtt.publish(TOPIC, 1, i, event(i), false));
            }

            await().atMost(Duration.ofSeconds(5)).until(() -> publisher.attempts() == 4);
            await().during(WHILE).atMost(WHILE.multipliedBy(3)).until(() -> publisher.attempts() == 4 && bridge.bridge.inFlight() == 4);

            publisher.releaseHeld();
            for (int i = 1; i <= 50; i++) {
                assertThat(raw.expect(RawMqtt.PUBACK).packetId()).isEqualTo(i);
            }
            assertThat(publisher.accepted()).hasSize(50);
            await().atMost(Duration.ofSeconds(5)).until(() -> bridge.bridge.inFlight() == 0);
        }
    }

    @Test
    void boundsHowManyMessagesWaitForTheirAcknowledgementBehindASlowOne() throws Exception {
        ControllablePublisher publisher = new ControllablePublisher().mode(ControllablePublisher.Mode.HOLD);
        try (TestBridge bridge = TestBridge.start(publisher, b -> b.maxInFlightPerConnection(4));
                RawMqtt raw = RawMqtt.webSocket(bridge.port(), bridge.token())) {
            raw.send(RawMqtt.connect("head-of-line", 60, true, null)).expect(RawMqtt.CONNACK);
            raw.send(RawMqtt.publish(TOPIC, 1, 1, event(1), false));
            await().atMost(Duration.ofSeconds(5)).until(() -> publisher.heldCount() == 1);
            publisher.mode(ControllablePublisher.Mode.ACCEPT);
            for (int i = 2; i <= 4; i++) {
                raw.send(RawMqtt.publish(TOPIC, 1, i, event(i), false));
                int accepted = i - 1;
                await().atMost(Duration.ofSeconds(5)).until(() -> publisher.accepted().size() == accepted);
            }

            // Four unacknowledged messages fill the window: the fifth is not read.
            raw.send(RawMqtt.publish(TOPIC, 1, 5, event(5), false));
            await().during(WHILE).atMost(WHILE.multipliedBy(3)).until(() -> publisher.accepted().size() == 3);

            publisher.releaseHeld();
            for (int i = 1; i <= 5; i++) {
                assertThat(raw.expect(RawMqtt.PUBACK).packetId()).isEqualTo(i);
            }
        }
    }

    @Test
    void sharesTheBridgeWideBoundBetweenConnections() throws Exception {
        ControllablePublisher publisher = new ControllablePublisher().mode(ControllablePublisher.Mode.HOLD);
        try (TestBridge bridge = TestBridge.start(publisher, b -> b.maxInFlightPerConnection(4).maxInFlight(6));
                RawMqtt first = RawMqtt.webSocket(bridge.port(), bridge.token());
                RawMqtt second = RawMqtt.webSocket(bridge.port(), bridge.token())) {
            first.send(RawMqtt.connect("first", 60, true, null)).expect(RawMqtt.CONNACK);
            second.send(RawMqtt.connect("second", 60, true, null)).expect(RawMqtt.CONNACK);
            for (int i = 1; i <= 20; i++) {
                first.send(RawMqtt.publish(TOPIC, 1, i, event(i), false));
                second.send(RawMqtt.publish(TOPIC, 1, i, event(100 + i), false));
            }

            await().atMost(Duration.ofSeconds(5)).until(() -> publisher.attempts() == 6);
            await().during(WHILE).atMost(WHILE.multipliedBy(3)).until(() -> publisher.attempts() == 6 && bridge.bridge.inFlight() == 6);

            publisher.releaseHeld();
            for (int i = 1; i <= 20; i++) {
                assertThat(first.expect(RawMqtt.PUBACK).packetId()).isEqualTo(i);
                assertThat(second.expect(RawMqtt.PUBACK).packetId()).isEqualTo(i);
            }
            assertThat(publisher.accepted()).hasSize(40);
        }
    }

    @Test
    void readsOnlyABoundedAmountOfAFloodWhileThePublisherIsStuck() throws Exception {
        ControllablePublisher publisher = new ControllablePublisher().mode(ControllablePublisher.Mode.HOLD);
        AtomicInteger received = new AtomicInteger();
        int messages = 10_000;
        byte[] payload = ("{\"data\":\"" + "x".repeat(2000) + "\"}").getBytes(StandardCharsets.UTF_8);
        try (TestBridge bridge = TestBridge.start(publisher, b -> b.maxInFlightPerConnection(8).tcpPort(0)
                .listener(new BridgeListener() {
                    @Override
                    public void eventReceived(String clientId, String topic) {
                        received.incrementAndGet();
                    }
                }));
                RawMqtt raw = RawMqtt.tcp(bridge.bridge.tcpPort().orElseThrow())) {
            raw.send(RawMqtt.connect("flood", 0, true, bridge.token())).expect(RawMqtt.CONNACK);
            AtomicInteger written = new AtomicInteger();
            AtomicBoolean failed = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 1; i <= messages; i++) {
                        raw.send(RawMqtt.publish(TOPIC, 0, 0, payload, false));
                        written.incrementAndGet();
                    }
                } catch (Exception e) {
                    failed.set(true);
                }
            }, "flood-writer");
            writer.setDaemon(true);
            writer.start();

            await().atMost(Duration.ofSeconds(5)).until(() -> publisher.attempts() == 8);
            // About 20 MB are on their way; the bridge has taken one socket read's worth of them.
            await().during(WHILE).atMost(WHILE.multipliedBy(3)).until(() -> received.get() < 200 && written.get() < messages);

            publisher.releaseHeld();
            await().atMost(Duration.ofSeconds(30)).until(() -> publisher.accepted().size() == messages);
            assertThat(failed).isFalse();
            assertThat(received).hasValue(messages);
        }
    }
}
