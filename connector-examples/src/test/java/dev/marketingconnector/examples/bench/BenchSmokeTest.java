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
 * Every benchmark in smoke mode, as CI runs it: the bridge as a child process of the test classpath,
 * the real sink, clients, registries and JMH. Asserts correctness only (every event delivered, every
 * registration complete, no OutOfMemoryError, the table printed), never a timing.
 */
class BenchSmokeTest {

    @TempDir
    Path workDir;

    @Test
    void everyBenchmarkRunsInSmokeModeAndEveryCheckHolds() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BenchCommand bench = new BenchCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        int exit = new CommandLine(bench).execute("all", "--smoke", "--work-dir", workDir.toString());

        String output = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(output); // the tables, for the CI log
        assertThat(exit).as(output).isZero();
        assertThat(output).contains("SUMMARY", "TARGET", "NODE.JS ANCHOR");
        List<SummaryTable.Row> rows = bench.lastTable().rows();
        assertThat(rows).extracting(SummaryTable.Row::verdict).as(output).doesNotContain(SummaryTable.Verdict.FAIL);
        assertThat(rows).extracting(row -> row.target().substring(0, 1))
                .as("a row for every target").contains("1", "2", "3", "4", "5", "6", "7");
        assertThat(rows).filteredOn(row -> row.target().contains("every event delivered")).hasSize(2)
                .allSatisfy(row -> assertThat(row.verdict()).isEqualTo(SummaryTable.Verdict.OK));
        assertThat(rows).filteredOn(row -> row.target().startsWith("1 ") || row.target().startsWith("7 map"))
                .extracting(SummaryTable.Row::verdict).containsOnly(SummaryTable.Verdict.SMOKE);
        assertThat(workDir.resolve("ingest-bridge.log")).exists();
    }
}
