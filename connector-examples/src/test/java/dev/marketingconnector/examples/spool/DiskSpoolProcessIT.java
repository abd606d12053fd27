package dev.marketingconnector.examples.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marketingconnector.kyma.testing.MockKyma;
import dev.marketingconnector.mqtt.testing.MarketingEventSimulator;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar's {@code bridge} with {@code SPOOL=disk} as a child process: acknowledged means stored,
 * through {@code kill -9}, a torn tail, a full spool and Kyma outages.
 */
class DiskSpoolProcessIT {

    @TempDir
    Path temp;

    private MockKyma kyma;
    private final List<BridgeChild> children = new ArrayList<>();

    @BeforeEach
    void startKyma() {
        assertThat(BridgeChild.JAR).as("the runnable jar (built by mvn package)").exists();
        kyma = new MockKyma();
    }

    @AfterEach
    void stop() throws Exception {
        for (BridgeChild child : children) {
            child.close();
        }
        kyma.close();
    }

    private Map<String, String> env(Path spoolDir) {
        Map<String, String> env = BridgeChild.environment(kyma);
        env.put("SPOOL", "disk");
        env.put("SPOOL_DIR", spoolDir.toString());
        return env;
    }

    private BridgeChild bridge(Map<String, String> env) throws Exception {
        BridgeChild child = BridgeChild.bridge(temp, env);
        children.add(child);
        return child;
    }

    /** Publishes {@code count} events; returns the ids of those acknowledged (the futures complete on PUBACK). */
    private static Set<String> publish(MarketingEventSimulator sap, int count, List<CompletableFuture<Void>> stages) {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < count; i++) {
            UUID id = UUID.randomUUID();
            stages.add(sap.publish(BridgeChild.topic(), BridgeChild.event(id)).thenRun(() -> acknowledged.add(id.toString())));
        }
        return acknowledged;
    }

    private void awaitAtKyma(Set<String> ids, Duration within) {
        await().atMost(within).untilAsserted(() -> assertThat(kyma.eventsById().keySet()).containsAll(ids));
    }

    @Test
    void killedWhileKymaIsDownThenRestartedDeliversEveryAcknowledgedEventWithItsId() throws Exception {
        Path spool = temp.resolve("spool");
        kyma.startOutage();
        BridgeChild bridge = bridge(env(spool));
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        Set<String> acknowledged;
        try (MarketingEventSimulator sap = bridge.sap("sap-outage")) {
            acknowledged = publish(sap, 2000, stages);
            CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
        assertThat(acknowledged).hasSize(2000);
        assertThat(kyma.eventsById()).isEmpty();
        JsonNode status = bridge.status();
        assertThat(status.at("/spool/mode").asText()).isEqualTo("disk");
        assertThat(status.at("/spool/events").asLong()).isEqualTo(2000);

        bridge.kill();
        kyma.endOutage();
        BridgeChild restarted = bridge(env(spool));

        awaitAtKyma(acknowledged, Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(10)).until(() -> restarted.status().at("/spool/events").asLong() == 0);
    }

    @Test
    void killedInTheMiddleOfALoadLosesNothingTheClientsSawAcknowledged() throws Exception {
        Path spool = temp.resolve("spool");
        kyma.setLatency(Duration.ofMillis(20));
        BridgeChild bridge = bridge(env(spool));
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        MarketingEventSimulator sap = bridge.sap("sap-load");
        Set<String> acknowledged = publish(sap, 2000, stages);
        await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 500);

        bridge.kill();
        Set<String> seenAcknowledged = Set.copyOf(acknowledged);
        sap.close();
        assertThat(seenAcknowledged.size()).isLessThan(2000);
        kyma.setLatency(Duration.ZERO);
        bridge(env(spool));

        awaitAtKyma(seenAcknowledged, Duration.ofSeconds(60));
    }

    @Test
    void aTornTailRecordIsDroppedAndTheRestartDeliversTheRest() throws Exception {
        Path spool = temp.resolve("spool");
        kyma.startOutage();
        BridgeChild bridge = bridge(env(spool));
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        List<String> order = new ArrayList<>();
        try (MarketingEventSimulator sap = bridge.sap("sap-torn")) {
            for (int i = 0; i < 50; i++) {
                UUID id = UUID.randomUUID();
                order.add(id.toString());
                sap.publish(BridgeChild.topic(), BridgeChild.event(id)).get(30, TimeUnit.SECONDS);
            }
        }
        bridge.kill();
        Path last;
        try (Stream<Path> files = Files.list(spool.resolve("events"))) {
            last = files.filter(p -> p.toString().endsWith(".seg")).max(Comparator.naturalOrder()).orElseThrow();
        }
        try (RandomAccessFile file = new RandomAccessFile(last.toFile(), "rw")) {
            file.setLength(file.length() - 3);
        }
        kyma.endOutage();

        BridgeChild restarted = bridge(env(spool));

        awaitAtKyma(Set.copyOf(order.subList(0, 49)), Duration.ofSeconds(60));
        assertThat(restarted.stderr()).contains("Dropping a torn record");
        assertThat(restarted.status().at("/ready").asBoolean()).isTrue();
    }

    @Test
    void aSpoolAtItsBoundHoldsAcknowledgementsUntilKymaTakesEventsAgain() throws Exception {
        Path spool = temp.resolve("spool");
        kyma.startOutage();
        Map<String, String> env = env(spool);
        env.put("SPOOL_MAX_BYTES", "64k");
        BridgeChild bridge = bridge(env);
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        try (MarketingEventSimulator sap = bridge.sap("sap-full")) {
            Set<String> acknowledged = publish(sap, 300, stages);

            await().atMost(Duration.ofSeconds(30)).until(() -> bridge.status().at("/spool/full").asBoolean());
            int whileFull = acknowledged.size();
            assertThat(whileFull).isBetween(20, 299);
            JsonNode status = bridge.status();
            assertThat(status.at("/spool/hint").asText()).contains("the spool is full");
            assertThat(bridge.text("/metrics")).contains("connector_spool_full 1.0", "connector_spool_max_bytes 65536.0");

            kyma.endOutage();

            await().atMost(Duration.ofSeconds(90)).until(() -> acknowledged.size() == 300);
            awaitAtKyma(acknowledged, Duration.ofSeconds(60));
        }
        assertThat(bridge.status().at("/spool/backPressureSeconds").asDouble()).isPositive();
    }

    @Test
    void deadLettersAreKeptWithTheirPayloadAndReplayedOnceTheCauseIsFixed() throws Exception {
        Path spool = temp.resolve("spool");
        kyma.failNext(MockKyma.Route.PUBLISH, 400, 1);
        Map<String, String> env = env(spool);
        BridgeChild bridge = bridge(env);
        UUID refused = UUID.randomUUID();
        byte[] notJson = "{\"eventType\": oops".getBytes(StandardCharsets.UTF_8);
        try (MarketingEventSimulator sap = bridge.sap("sap-dead")) {
            sap.publish(BridgeChild.topic(), BridgeChild.event(refused)).get(30, TimeUnit.SECONDS);
            sap.publish(BridgeChild.topic(), notJson).get(30, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> bridge.status().at("/deadLetterArea/count").asLong() == 2);
        JsonNode letters = bridge.json("/status/dead-letters").get("deadLetters");
        String notJsonId = null;
        String refusedId = null;
        for (JsonNode letter : letters) {
            if (letter.get("reason").asText().equals("not_json")) {
                notJsonId = letter.get("id").asText();
            } else {
                refusedId = letter.get("id").asText();
                assertThat(letter.get("reason").asText()).isEqualTo("rejected");
            }
        }
        assertThat(bridge.json("/status/dead-letters?id=" + notJsonId).get("payloadText").asText()).isEqualTo("{\"eventType\": oops");

        BridgeChild.Result list = BridgeChild.run(temp, env, "dead-letters", "list");
        assertThat(list.exitCode()).as(list.out() + list.err()).isZero();
        assertThat(list.out()).contains(notJsonId, refusedId, "not_json", "rejected", "2 dead letter(s)");

        BridgeChild.Result replay = BridgeChild.run(temp, env, "dead-letters", "replay", refusedId, notJsonId);
        assertThat(replay.exitCode()).as("one stays: it is still not JSON").isEqualTo(1);
        assertThat(replay.out()).contains(refusedId + " ", "delivered as event " + refused, notJsonId + " ", "still not an event");
        assertThat(kyma.eventsById()).containsKey(refused.toString());

        assertThat(bridge.json("/status/dead-letters").get("deadLetters")).extracting(l -> l.get("id").asText()).containsExactly(notJsonId);
        BridgeChild.Result delete = BridgeChild.run(temp, env, "dead-letters", "delete", notJsonId);
        assertThat(delete.exitCode()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> bridge.status().at("/deadLetterArea/count").asLong() == 0);
    }

    @Test
    void withoutASpoolTheLastDeadLettersAreOnTheStatusPortWithTheirPayloads() throws Exception {
        BridgeChild bridge = bridge(BridgeChild.environment(kyma));
        byte[] notJson = "<xml>not an event</xml>".getBytes(StandardCharsets.UTF_8);
        try (MarketingEventSimulator sap = bridge.sap("sap-none")) {
            sap.publish(BridgeChild.topic(), notJson).get(30, TimeUnit.SECONDS);
        }

        JsonNode letters = bridge.json("/status/dead-letters").get("deadLetters");
        assertThat(letters).hasSize(1);
        String id = letters.get(0).get("id").asText();
        JsonNode letter = bridge.json("/status/dead-letters?id=" + id);
        assertThat(letter.get("payloadText").asText()).isEqualTo("<xml>not an event</xml>");
        assertThat(letter.get("topic").asText()).isEqualTo(BridgeChild.topic());
        JsonNode status = bridge.status();
        assertThat(status.at("/spool/mode").asText()).isEqualTo("none");
        assertThat(status.at("/deadLetterArea/where").asText()).startsWith("memory");
        assertThat(status.toString()).doesNotContain("not an event</xml>");
    }
}
