package dev.marketingconnector.examples.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marketingconnector.kyma.testing.MockKyma;
import dev.marketingconnector.mqtt.testing.MarketingEventSimulator;
import dev.marketingconnector.nats.testing.NatsTestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two of the jar's bridges with {@code SPOOL=jetstream} share one stream on a real {@code nats-server}
 * (fails, never skips, without it): one is killed while Kyma is down, and everything either of them
 * acknowledged reaches Kyma once it is back.
 */
class JetStreamSpoolProcessIT {

    @TempDir
    Path temp;

    private NatsTestServer nats;
    private MockKyma kyma;
    private final List<BridgeChild> children = new ArrayList<>();

    @BeforeEach
    void start() {
        assertThat(BridgeChild.JAR).as("the runnable jar (built by mvn package)").exists();
        nats = NatsTestServer.start();
        kyma = new MockKyma();
    }

    @AfterEach
    void stop() throws Exception {
        for (BridgeChild child : children) {
            child.close();
        }
        kyma.close();
        nats.close();
    }

    private BridgeChild bridge() throws Exception {
        Map<String, String> env = BridgeChild.environment(kyma);
        env.put("SPOOL", "jetstream");
        env.put("NATS_URL", nats.url());
        env.put("NATS_STREAM", "SPOOL_IT");
        env.put("NATS_ACK_WAIT", "2s");
        BridgeChild child = BridgeChild.bridge(temp, env);
        children.add(child);
        return child;
    }

    private static Set<String> publishAll(BridgeChild bridge, String clientId, int count) throws Exception {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        try (MarketingEventSimulator sap = bridge.sap(clientId)) {
            for (int i = 0; i < count; i++) {
                UUID id = UUID.randomUUID();
                stages.add(sap.publish(BridgeChild.topic(), BridgeChild.event(id)).thenRun(() -> acknowledged.add(id.toString())));
            }
            CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
        return acknowledged;
    }

    @Test
    void whatAKilledReplicaStoredWhileKymaWasDownIsForwardedByTheOther() throws Exception {
        kyma.startOutage();
        BridgeChild a = bridge();
        BridgeChild b = bridge();

        Set<String> viaA = publishAll(a, "sap-a", 300);
        Set<String> viaB = publishAll(b, "sap-b", 300);
        assertThat(viaA).hasSize(300);
        assertThat(viaB).hasSize(300);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.status().at("/spool/events").asLong() == 600);
        assertThat(a.status().at("/spool/mode").asText()).isEqualTo("jetstream");

        a.kill();
        kyma.endOutage();

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(kyma.eventsById().keySet()).containsAll(viaA).containsAll(viaB));
        await().atMost(Duration.ofSeconds(20)).until(() -> b.status().at("/spool/events").asLong() == 0);
    }
}
