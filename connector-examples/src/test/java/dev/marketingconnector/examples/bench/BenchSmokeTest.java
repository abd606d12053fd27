package dev.marketingconnector.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every benchmark in smoke mode, as CI runs it: the bridge as a child process of the test classpath
 * (run as the image runs it, under a 512 MiB pod), the real sink with its faults and outages, the
 * load clients, registries and JMH; the outage benchmark on its own, with a spool mode and child
 * environment passed through. Asserts correctness only (every event delivered, refused events
 * redelivered with their id, every registration complete, no OutOfMemoryError, the table printed),
 * never a timing.
 */
class BenchSmokeTest {

    @TempDir
    Path workDir;

    @Test
    void everyBenchmarkRunsInSmokeModeAndEveryCheckHolds() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BenchCommand bench = new BenchCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        int exit = new CommandLine(bench).execute("all", "--smoke", "--pod", "512m", "--work-dir", workDir.toString());

        String output = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(output); // the tables, for the CI log
        assertThat(exit).as(output).isZero();
        assertThat(output).contains("SUMMARY", "TARGET", "SEED BRIDGE, SAME RUN", "pod 512 MiB", "-XX:MaxRAM=536870912");
        List<SummaryTable.Row> rows = bench.lastTable().rows();
        assertThat(rows).extracting(SummaryTable.Row::verdict).as(output).doesNotContain(SummaryTable.Verdict.FAIL);
        assertThat(rows).extracting(row -> row.target().split(" ")[0])
                .as("a row for every target").contains("1", "2", "3", "4", "5", "6", "7", "12.5", "13");
        assertThat(rows).filteredOn(row -> row.target().contains("every event delivered") || row.target().contains("nothing lost"))
                .hasSize(4).allSatisfy(row -> assertThat(row.verdict()).isEqualTo(SummaryTable.Verdict.OK));
        assertThat(rows).filteredOn(row -> row.target().contains("peak RSS in the pod")).hasSize(2);
        assertThat(rows).filteredOn(row -> row.target().startsWith("1 ") || row.target().startsWith("7 map"))
                .extracting(SummaryTable.Row::verdict).containsOnly(SummaryTable.Verdict.SMOKE, SummaryTable.Verdict.INFO);
        assertThat(output).as("refused events came again with their id").contains("all redelivered with their id");
        assertThat(workDir.resolve("ingest-bridge.log")).exists();
    }

    @Test
    void theOutageBenchmarkPassesSpoolSettingsAndChildEnvironmentThrough() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BenchCommand bench = new BenchCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        int exit = new CommandLine(bench).execute("outage", "--smoke", "--spool", "disk", "--child-env", "BENCH_PROBE=secret-value",
                "--outage-mode", "refuse", "--work-dir", workDir.toString());

        String output = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        assertThat(exit).as(output).isZero();
        assertThat(output).contains("SPOOL=disk", "SPOOL_DIR=" + workDir.resolve("spool-outage-disk"), "BENCH_PROBE set", "Kyma down at",
                "Kyma back at").doesNotContain("secret-value");
        List<SummaryTable.Row> rows = bench.lastTable().rows();
        assertThat(rows).extracting(SummaryTable.Row::verdict).as(output).doesNotContain(SummaryTable.Verdict.FAIL);
        assertThat(rows).extracting(row -> row.target().split(" ")[0]).containsOnly("14");
        assertThat(rows).filteredOn(row -> row.target().contains("nothing lost")).singleElement()
                .satisfies(row -> assertThat(row.verdict()).isEqualTo(SummaryTable.Verdict.OK));
        assertThat(workDir.resolve("outage-bridge.log")).exists();
    }
}
