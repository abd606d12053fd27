package dev.marketingconnector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.events.PublishReceipt;
import dev.marketingconnector.core.testing.RecordingEventPublisher;
import dev.marketingconnector.mqtt.BridgeListener.CloseReason;
import io.netty.channel.nio.NioEventLoopGroup;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.junit.jupiter.api.Test;

/** What the bridge takes from its publisher: the size it can deliver, whether it retries, the event loops it shares. */
class PublisherCooperationTest {

    private static final String TOPIC = "sap/mkt/tenant1/BO/Contact/Changed";
    private static final byte[] EVENT = "{\"eventType\":\"BO.Contact.Changed\",\"data\":{\"id\":1}}".getBytes(StandardCharsets.UTF_8);

    /** A recording publisher that says what the Kyma publishers say about themselves, and notes the threads it is called on. */
    private static final class Publisher implements EventPublisher {

        final RecordingEventPublisher recording = new RecordingEventPublisher();
        final Set<Thread> callers = ConcurrentHashMap.newKeySet();
        final int maxEventBytes;
        final boolean retries;

        Publisher(int maxEventBytes, boolean retries) {
            this.maxEventBytes = maxEventBytes;
            this.retries = retries;
        }

        @Override
        public CompletionStage<PublishReceipt> publish(BusinessEvent event) {
            callers.add(Thread.currentThread());
            return recording.publish(event);
        }

        @Override
        public boolean retriesTransientFailures() {
            return retries;
        }

        @Override
        public int maxEventBytes() {
            return maxEventBytes;
        }
    }

    @Test
    void aPayloadOverWhatThePublisherCanDeliverIsDeadLetteredAtOnceSayingWhy() throws Exception {
        Publisher publisher = new Publisher(2048, false);
        try (TestBridge bridge = TestBridge.start(publisher); RawMqtt raw = RawMqtt.webSocket(bridge.port(), bridge.token())) {
            assertThat(bridge.bridge.maxPayloadBytes()).isEqualTo(2048);
            raw.send(RawMqtt.connect("big-sender", 30, true, null)).expect(RawMqtt.CONNACK);
            byte[] large = ("{\"data\":\"" + "x".repeat(2100) + "\"}").getBytes(StandardCharsets.UTF_8);

            raw.send(RawMqtt.publish(TOPIC, 1, 3, large, false));

            assertThat(raw.expect(RawMqtt.PUBACK).packetId()).isEqualTo(3);
            assertThat(bridge.bridge.recentDeadLetters()).singleElement().satisfies(d -> {
                assertThat(d.reason()).isEqualTo(DeadLetter.Reason.PAYLOAD_TOO_LARGE);
                assertThat(d.detail()).contains(String.valueOf(large.length), "2048", "event publisher");
            });
            assertThat(publisher.recording.attempts()).isZero();
            raw.send(RawMqtt.publish(TOPIC, 1, 4, EVENT, false));
            assertThat(raw.expect(RawMqtt.PUBACK).packetId()).isEqualTo(4);
            assertThat(publisher.recording.published()).hasSize(1);
        }
    }

    @Test
    void aPublisherThatRetriesByItselfIsCalledOncePerEventAndItsGivingUpClosesWithoutPuback() throws Exception {
        Publisher publisher = new Publisher(EventPublisher.UNLIMITED, true);
        publisher.recording.failNextTransiently(1);
        List<CloseReason> closes = new CopyOnWriteArrayList<>();
        AtomicInteger bridgeRetries = new AtomicInteger();
        try (TestBridge bridge = TestBridge.start(publisher, b -> b.listener(new BridgeListener() {
            @Override
            public void connectionClosed(String clientId, String remoteAddress, CloseReason reason) {
                closes.add(reason);
            }

            @Override
            public void eventRetried(String clientId, int attempt, RuntimeException failure) {
                bridgeRetries.incrementAndGet();
            }
        })); RawMqtt raw = RawMqtt.webSocket(bridge.port(), bridge.token())) {
            raw.send(RawMqtt.connect("gives-up", 30, false, null)).expect(RawMqtt.CONNACK);

            raw.send(RawMqtt.publish(TOPIC, 1, 1, EVENT, false));

            assertThat(raw.awaitClosed(Duration.ofSeconds(5))).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> closes.contains(CloseReason.FORWARDING_FAILED));
            assertThat(publisher.recording.attempts()).isEqualTo(1);
            assertThat(bridgeRetries).hasValue(0);
        }
    }

    @Test
    void runsOnSharedEventLoopsCallsThePublisherThereAndLeavesThemRunning() throws Exception {
        NioEventLoopGroup loops = new NioEventLoopGroup(2);
        Publisher publisher = new Publisher(EventPublisher.UNLIMITED, true);
        try {
            Set<Thread> loopThreads = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < 2; i++) {
                loops.next().submit(() -> loopThreads.add(Thread.currentThread())).get(5, TimeUnit.SECONDS);
            }
            try (TestBridge bridge = TestBridge.start(publisher, b -> b.eventLoops(loops))) {
                MqttAsyncClient client = Clients.paho(bridge.port(), "shared", bridge.token());
                client.publish(TOPIC, EVENT, 1, false).waitForCompletion(5_000);
                Clients.closeQuietly(client);
            }

            assertThat(publisher.recording.published()).hasSize(1);
            assertThat(publisher.callers).isNotEmpty().allSatisfy(t -> assertThat(loopThreads).contains(t));
            assertThat(loops.isShuttingDown()).as("the bridge leaves shared loops to their owner").isFalse();
            assertThat(loops.next().submit(() -> 42).get(5, TimeUnit.SECONDS)).isEqualTo(42);
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void sharedEventLoopsMustBeNettys() {
        java.util.concurrent.ScheduledExecutorService plain = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> BridgeConfig.builder().eventLoops(plain))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eventLoops").hasMessageContaining("Netty");
        } finally {
            plain.shutdownNow();
        }
    }
}
