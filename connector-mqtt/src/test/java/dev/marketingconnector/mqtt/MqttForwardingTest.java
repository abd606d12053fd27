package dev.marketingconnector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.testing.RecordingEventPublisher;
import dev.marketingconnector.mqtt.testing.MarketingEventSimulator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.eclipse.paho.client.mqttv3.IMqttMessageListener;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MqttForwardingTest {

    private static final String PERMISSION_CHANGED = "BO.MarketingPermission.Changed";
    private static final String CAMPAIGN_COMPLETED = "sap.s4.beh.marketingcampaign.v1.MarketingCampaign.Completed.v1";

    private final RecordingEventPublisher publisher = new RecordingEventPublisher();
    private final AtomicInteger forwarded = new AtomicInteger();
    private TestBridge bridge;

    @BeforeEach
    void start() {
        bridge = TestBridge.start(publisher, b -> b
                .listener(new BridgeListener() {
                    @Override
                    public void eventReceived(String clientId, String topic) {
                        throw new IllegalStateException("a listener that breaks");
                    }
                })
                .listener(new BridgeListener() {
                    @Override
                    public void eventForwarded(String clientId, Duration latency) {
                        forwarded.incrementAndGet();
                    }
                }));
    }

    @AfterEach
    void stop() {
        bridge.close();
    }

    @Test
    void forwardsAThousandQos1EventsFromHiveMqWithTheirMapping() throws Exception {
        Mqtt3AsyncClient client = Clients.hive(bridge.port(), "hive-1000", bridge.token());
        Set<UUID> sent = new HashSet<>();
        List<CompletableFuture<?>> acks = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            UUID id = UUID.randomUUID();
            sent.add(id);
            boolean legacy = i % 2 == 0;
            byte[] payload = legacy
                    ? MarketingEventSimulator.legacyPayload(PERMISSION_CHANGED, id, Instant.now(),
                            MarketingEventSimulator.marketingPermissionData(String.valueOf(i)))
                    : MarketingEventSimulator.cloudEventPayload(CAMPAIGN_COMPLETED, id, Instant.now(), "/test",
                            MarketingEventSimulator.marketingPermissionData(String.valueOf(i)));
            String topic = legacy ? MarketingEventSimulator.legacyTopic(TestBridge.TOPIC_SPACE, PERMISSION_CHANGED)
                    : MarketingEventSimulator.cloudEventTopic(CAMPAIGN_COMPLETED);
            acks.add(client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send());
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        List<BusinessEvent> events = publisher.published();
        assertThat(events).hasSize(1000);
        assertThat(events).extracting(BusinessEvent::id).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(events.stream().map(e -> e.type().qualified()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("bo.marketingpermission.changed.v1",
                        "sap.s4.beh.marketingcampaign.v1.marketingcampaign.completed.v1");
        assertThat(events).allSatisfy(e -> assertThat(e.data().path("KEY").get(0).path("CONTACTID").isTextual()).isTrue());
        assertThat(forwarded).hasValue(1000);
        client.disconnect().get(5, TimeUnit.SECONDS);
    }

    @Test
    void forwardsQos1EventsFromPahoAndAcknowledgesThemAfterThePublisherAccepted() throws Exception {
        MqttAsyncClient client = Clients.paho(bridge.port(), "paho-qos1", bridge.token());
        try {
            for (int i = 0; i < 20; i++) {
                client.publish(MarketingEventSimulator.legacyTopic(TestBridge.TOPIC_SPACE, PERMISSION_CHANGED),
                        MarketingEventSimulator.legacyPayload(PERMISSION_CHANGED, UUID.randomUUID(), Instant.now(),
                                MarketingEventSimulator.marketingPermissionData("c" + i)), 1, false).waitForCompletion(5_000);
                assertThat(publisher.published()).hasSize(i + 1);
            }
        } finally {
            Clients.closeQuietly(client);
        }
    }

    @Test
    void forwardsQos0Events() throws Exception {
        MqttAsyncClient client = Clients.paho(bridge.port(), "paho-qos0", bridge.token());
        try {
            client.publish("ce/sap/s4/beh/businesspartner/v1/BusinessPartner/Created/v1",
                    "{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"/s\",\"data\":{\"BusinessPartner\":\"1\"}}".getBytes(), 0, false);

            BusinessEvent event = publisher.awaitPublished(1, Duration.ofSeconds(5)).get(0);
            assertThat(event.type().qualified()).isEqualTo("sap.s4.beh.businesspartner.v1.businesspartner.created.v1");
        } finally {
            Clients.closeQuietly(client);
        }
    }

    @Test
    void completesTheQos2FlowAndForwardsEachMessageOnce() throws Exception {
        MqttAsyncClient client = Clients.paho(bridge.port(), "paho-qos2", bridge.token());
        try {
            for (int i = 0; i < 5; i++) {
                client.publish(MarketingEventSimulator.legacyTopic(TestBridge.TOPIC_SPACE, PERMISSION_CHANGED),
                        MarketingEventSimulator.legacyPayload(PERMISSION_CHANGED, UUID.randomUUID(), Instant.now(),
                                MarketingEventSimulator.marketingPermissionData("q2-" + i)), 2, false).waitForCompletion(5_000);
            }
            assertThat(publisher.published()).hasSize(5);
            assertThat(publisher.published()).extracting(BusinessEvent::id).doesNotHaveDuplicates();
        } finally {
            Clients.closeQuietly(client);
        }
    }

    @Test
    void grantsSubscriptionsButDeliversNothing() throws Exception {
        MqttAsyncClient client = Clients.paho(bridge.port(), "paho-sub", bridge.token());
        AtomicInteger delivered = new AtomicInteger();
        try {
            IMqttMessageListener listener = (topic, message) -> delivered.incrementAndGet();
            var token = client.subscribe(new String[] {"sap/#", "ce/+/x"}, new int[] {1, 0},
                    new IMqttMessageListener[] {listener, listener});
            token.waitForCompletion(5_000);
            assertThat(token.getGrantedQos()).containsExactly(1, 0);

            client.publish("sap/mkt/tenant1/BO/Contact/Changed", "{\"data\":{}}".getBytes(), 1, false).waitForCompletion(5_000);
            client.unsubscribe("sap/#").waitForCompletion(5_000);

            assertThat(publisher.published()).hasSize(1);
            assertThat(delivered).hasValue(0);
        } finally {
            Clients.closeQuietly(client);
        }
    }

    @Test
    void reportsConnectedClients() throws Exception {
        MqttAsyncClient client = Clients.paho(bridge.port(), "paho-status", bridge.token());
        try {
            client.publish("sap/mkt/tenant1/BO/Contact/Changed", "{\"data\":{}}".getBytes(), 1, false).waitForCompletion(5_000);
            client.publish("sap/mkt/tenant1/BO/Contact/Changed", "not json".getBytes(), 1, false).waitForCompletion(5_000);

            ConnectedClient status = bridge.bridge.connectedClients().stream()
                    .filter(c -> c.clientId().equals("paho-status")).findFirst().orElseThrow();
            assertThat(status.transport()).isEqualTo("websocket");
            assertThat(status.remoteAddress()).startsWith("127.0.0.1:");
            assertThat(status.events()).isEqualTo(2);
            assertThat(status.failures()).isEqualTo(1);
            assertThat(status.lastEventAt()).isPresent();
            assertThat(bridge.bridge.recentDeadLetters()).extracting(DeadLetter::reason).containsExactly(DeadLetter.Reason.NOT_JSON);
        } finally {
            Clients.closeQuietly(client);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> bridge.bridge.connectedClients().isEmpty());
    }
}
