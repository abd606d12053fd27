package dev.marketingconnector.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchToolsTest {

    @TempDir
    Path dir;

    @Test
    void ledgerCountsEachEventOnceAndReportsDuplicatesForeignAndMissing() {
        DeliveryLedger ledger = new DeliveryLedger(42L, 130);
        for (int i = 0; i < 130; i++) {
            if (i != 64 && i != 129) {
                ledger.record(DeliveryLedger.id(42L, i).toString());
            }
        }
        ledger.record(DeliveryLedger.id(42L, 3).toString());
        ledger.record(DeliveryLedger.id(7L, 3).toString());
        ledger.record(DeliveryLedger.id(42L, 130).toString());
        ledger.record("not-a-uuid");
        ledger.record(null);

        assertThat(ledger.delivered()).isEqualTo(128);
        assertThat(ledger.missing()).isEqualTo(2);
        assertThat(ledger.missingSequences(10)).containsExactly(64, 129);
        assertThat(ledger.duplicates()).isEqualTo(1);
        assertThat(ledger.foreign()).isEqualTo(4);
        assertThat(ledger.deliveredPrefix()).isEqualTo(64);
        assertThat(ledger.deliveredBelow(64)).isEqualTo(64);
        assertThat(ledger.deliveredBelow(130)).isEqualTo(128);
    }

    @Test
    void ledgerProvesThatRefusedEventsCameAgainWithTheirIdOrNamesThoseThatDidNot() {
        DeliveryLedger ledger = new DeliveryLedger(9L, 10);
        ledger.recordRefused(DeliveryLedger.id(9L, 2).toString());
        ledger.recordRefused(DeliveryLedger.id(9L, 2).toString());
        ledger.recordRefused(DeliveryLedger.id(9L, 5).toString());
        for (int i = 0; i < 10; i++) {
            if (i != 5) {
                ledger.record(DeliveryLedger.id(9L, i).toString());
            }
        }

        assertThat(ledger.refusedAttempts()).isEqualTo(3);
        assertThat(ledger.refusedEvents()).isEqualTo(2);
        assertThat(ledger.refusedNotRedelivered()).as("event 5 was refused and never came again").isEqualTo(1);
        assertThat(ledger.describe()).contains("9 of 10 delivered", "3 refusals of 2 events", "1 never redelivered", "missing e.g. [5]");

        // a redelivery under a new id is not a redelivery: the refused event stays missing and the new id is foreign
        ledger.record(java.util.UUID.randomUUID().toString());
        assertThat(ledger.refusedNotRedelivered()).isEqualTo(1);
        assertThat(ledger.foreign()).isEqualTo(1);

        ledger.record(DeliveryLedger.id(9L, 5).toString());
        assertThat(ledger.refusedNotRedelivered()).isZero();
        assertThat(ledger.missing()).isZero();
    }

    @Test
    void payloadsCarryTheGivenEventIdAndDifferOnlyThere() {
        EventPayloads payloads = new EventPayloads();
        String first = new String(payloads.legacy(DeliveryLedger.id(1L, 1)), StandardCharsets.UTF_8);
        String second = new String(payloads.legacy(DeliveryLedger.id(1L, 2)), StandardCharsets.UTF_8);

        assertThat(first).contains("\"eventID\":\"" + DeliveryLedger.id(1L, 1) + "\"", "BO.MarketingPermission.Changed",
                "\"CONTACTID\":\"" + DeliveryLedger.id(1L, 1) + "\"");
        assertThat(second).contains(DeliveryLedger.id(1L, 2).toString()).hasSameSizeAs(first);
        assertThat(new String(payloads.cloudEventData(DeliveryLedger.id(1L, 3)), StandardCharsets.UTF_8))
                .contains("\"CONTACTID\":\"" + DeliveryLedger.id(1L, 3) + "\"");
    }

    @Test
    void durationsAcceptUnitsAndIsoAndRejectTheRest() {
        BenchCommand.DurationConverter converter = new BenchCommand.DurationConverter();

        assertThat(converter.convert("5ms")).isEqualTo(Duration.ofMillis(5));
        assertThat(converter.convert("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(converter.convert("0")).isEqualTo(Duration.ZERO);
        assertThat(converter.convert("PT1M")).isEqualTo(Duration.ofMinutes(1));
        assertThatThrownBy(() -> converter.convert("5 parsecs")).isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("5 parsecs");
        assertThat(Stats.duration(Duration.ofMinutes(10))).isEqualTo("10 min");
        assertThat(Stats.duration(Duration.ofMillis(200))).isEqualTo("200 ms");
    }

    @Test
    void percentilesMediansAndSlopes() {
        long[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(Stats.percentile(sorted, 50)).isEqualTo(5);
        assertThat(Stats.percentile(sorted, 99)).isEqualTo(10);
        assertThat(Stats.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Stats.slope(new double[] {0, 1, 2, 3}, new double[] {10, 12, 14, 16})).isEqualTo(2.0);
    }

    @Test
    void theTableMarksMissesAndFailuresAndSmokeRuns() {
        SummaryTable table = new SummaryTable()
                .add(new SummaryTable.Row("1 x", "≥ 1", "0.5", "-", SummaryTable.timing(false, false)))
                .add(new SummaryTable.Row("2 y", "≤ 1", "2", "-", SummaryTable.timing(false, true)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        table.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(table.anyMissed()).isTrue();
        assertThat(table.anyFailed()).isFalse();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("MISS", "n/a (smoke)", "SEED BRIDGE, SAME RUN");
        assertThat(table.add(new SummaryTable.Row("z", "all", "1 of 2", "-", SummaryTable.check(false))).anyFailed()).isTrue();
    }

    @Test
    void prometheusCountersAreSummedOverTheirSeries() {
        String exposition = """
                # HELP connector_events_retried_total forwarding attempts repeated
                # TYPE connector_events_retried_total counter
                connector_events_retried_total{reason="503"} 12.0
                connector_events_retried_total{reason="timeout"} 3.0
                connector_events_retried_total_created 1.7E9
                connector_events_received_total 99.0
                """;

        assertThat(BridgeMetrics.sum(exposition, "connector_events_retried_total")).hasValue(15.0);
        assertThat(BridgeMetrics.sum(exposition, "connector_events_received_total")).hasValue(99.0);
        assertThat(BridgeMetrics.sum(exposition, "connector_spool_depth")).isEmpty();
    }

    @Test
    void aBadHeapSizeIsRefusedByName() {
        Execution run = execute(Map.of(), "register", "--xmx", "lots");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--xmx", "lots");
    }

    @Test
    void theSeedAnchorFailsClearlyWithoutItsDirectory() {
        Execution noLocation = execute(Map.of("PATH", System.getenv().getOrDefault("PATH", "")), "ingest", "--anchor", "seed");
        assertThat(noLocation.exit()).isEqualTo(2);
        assertThat(noLocation.err()).contains("--seed-bridge", SeedBridgeProcess.ENV_DIRECTORY);
        assertThat(noLocation.out()).as("nothing started").doesNotContain("bridge pid");

        Execution missing = execute(Map.of(), "ingest", "--seed-bridge", dir.resolve("nowhere").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("--seed-bridge", "no such directory", "nowhere");

        Execution fromEnv = execute(Map.of(SeedBridgeProcess.ENV_DIRECTORY, dir.toString()), "ingest", "--anchor", "seed");
        assertThat(fromEnv.exit()).isEqualTo(2);
        assertThat(fromEnv.err()).contains(SeedBridgeProcess.ENV_DIRECTORY, "package.json");
    }

    @Test
    void theSeedBridgeDirectoryIsCheckedForItsFiles() throws Exception {
        Files.writeString(dir.resolve("package.json"), "{}");
        Files.writeString(dir.resolve("package-lock.json"), "{}");
        assertThatThrownBy(() -> SeedBridgeProcess.locate(dir, Map.of())).hasMessageContaining("src/app.js");
        Files.createDirectories(dir.resolve("src"));
        Files.writeString(dir.resolve("src/app.js"), "");

        assertThat(SeedBridgeProcess.locate(null, Map.of(SeedBridgeProcess.ENV_DIRECTORY, dir.toString()))).isEqualTo(dir);
    }

    @Test
    void badOptionsOfTheNewModesAreRefusedByName() {
        assertThat(execute(Map.of(), "ingest", "--spool", "tape").err()).contains("--spool", "tape");
        assertThat(execute(Map.of(), "ingest", "--spool", "jetstream").err()).contains("--nats-url");
        assertThat(execute(Map.of(), "ingest", "--child-env", "no equals sign").err()).contains("--child-env");
        assertThat(execute(Map.of(), "ingest", "--fault-ratio", "1.5").err()).contains("--fault-ratio");
        assertThat(execute(Map.of(), "ingest", "--outage-mode", "sometimes").err()).contains("outage mode", "sometimes");
        assertThat(execute(Map.of(), "ingest", "--load-client", "paho").err()).contains("--load-client");
        assertThat(execute(Map.of(), "flood", "--pod", "lots").err()).contains("--pod", "lots");
        assertThat(execute(Map.of(), "flood", "--pod", "512m", "--dockerfile", dir.resolve("none").toString()).err())
                .contains("--dockerfile", "no such file");
        assertThat(execute(Map.of(), "flood", "--pod", "512m", "--xmx", "64m").err()).contains("--xmx", "--pod");
        assertThat(execute(Map.of(), "outage", "--spool", "disk,none").err()).contains("one --spool mode");
    }

    @Test
    void spoolModesAndChildEnvironmentReachTheChildsOptions() {
        BenchEnvironment env = new BenchEnvironment(System.out, true, List.of("-Xmx128m"), Optional.empty(), Map.of("SPOOL_MAX_BYTES", "1m"),
                List.of("disk", "jetstream"), "nats://127.0.0.1:4222", MqttLoadClients.Kind.NETTY, "WARN", false, dir);

        BridgeProcess.Options disk = env.bridgeOptions("ingest", List.of(), "disk");
        assertThat(disk.environment()).containsEntry("SPOOL", "disk").containsEntry("SPOOL_MAX_BYTES", "1m").containsKey("SPOOL_DIR");
        assertThat(Path.of(disk.environment().get("SPOOL_DIR"))).isDirectory().startsWith(dir);
        assertThat(env.bridgeOptions("ingest", List.of(), "disk").environment().get("SPOOL_DIR"))
                .as("each child gets a fresh directory").isNotEqualTo(disk.environment().get("SPOOL_DIR"));

        BridgeProcess.Options jetstream = env.bridgeOptions("ingest", List.of(), "jetstream");
        assertThat(jetstream.environment()).containsEntry("SPOOL", "jetstream").containsEntry("NATS_URL", "nats://127.0.0.1:4222")
                .containsKey("NATS_STREAM");
        assertThat(env.bridgeOptions("ingest", List.of(), "none").environment()).doesNotContainKey("SPOOL");

        BenchEnvironment overriding = new BenchEnvironment(System.out, true, List.of(), Optional.empty(), Map.of("SPOOL_DIR", "/data"),
                List.of("disk"), null, MqttLoadClients.Kind.NETTY, "WARN", false, dir);
        assertThat(overriding.bridgeOptions("flood", List.of(), "disk").environment()).as("--child-env wins").containsEntry("SPOOL_DIR", "/data");
    }

    @Test
    void podSizesAreReadLikeKubernetesAndDocker() {
        assertThat(BenchOptions.PodLimit.parseBytes("512m")).isEqualTo(512L << 20);
        assertThat(BenchOptions.PodLimit.parseBytes("512Mi")).isEqualTo(512L << 20);
        assertThat(BenchOptions.PodLimit.parseBytes("1Gi")).isEqualTo(1L << 30);
        assertThat(BenchOptions.PodLimit.parseBytes("1073741824")).isEqualTo(1L << 30);
        assertThatThrownBy(() -> BenchOptions.PodLimit.parseBytes("32m")).hasMessageContaining("at least 64 MiB");
        assertThatThrownBy(() -> BenchOptions.PodLimit.parseBytes("half a gig")).hasMessageContaining("--pod");

        ImageJvmFlags image = new ImageJvmFlags(Path.of("Dockerfile"), List.of("-XX:MaxRAMPercentage=60"), Map.of("JAVA_TOOL_OPTIONS", "-Xss256k"));
        BenchOptions.PodLimit pod = new BenchOptions.PodLimit(512L << 20, "512Mi", image);
        assertThat(pod.jvmOptions()).containsExactly("-XX:MaxRAMPercentage=60", "-XX:MaxRAM=536870912");
        assertThat(pod.boundKib()).isEqualTo(419_430);
    }

    private record Execution(int exit, String out, String err) {
    }

    private static Execution execute(Map<String, String> environment, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BenchCommand bench = new BenchCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8), environment);
        CommandLine line = new CommandLine(bench);
        StringWriter err = new StringWriter();
        line.setErr(new PrintWriter(err, true));
        int exit = line.execute(args);
        return new Execution(exit, bytes.toString(StandardCharsets.UTF_8), err.toString());
    }
}
