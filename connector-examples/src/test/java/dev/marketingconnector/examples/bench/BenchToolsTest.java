package dev.marketingconnector.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchToolsTest {

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
    }

    @Test
    void payloadsCarryTheGivenEventIdAndDifferOnlyThere() {
        EventPayloads payloads = new EventPayloads();
        String first = new String(payloads.legacy(DeliveryLedger.id(1L, 1)), StandardCharsets.UTF_8);
        String second = new String(payloads.legacy(DeliveryLedger.id(1L, 2)), StandardCharsets.UTF_8);

        assertThat(first).contains("\"eventID\":\"" + DeliveryLedger.id(1L, 1) + "\"", "BO.MarketingPermission.Changed");
        assertThat(second).contains(DeliveryLedger.id(1L, 2).toString()).hasSameSizeAs(first);
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
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("MISS", "n/a (smoke)");
        assertThat(table.add(new SummaryTable.Row("z", "all", "1 of 2", "-", SummaryTable.check(false))).anyFailed()).isTrue();
    }

    @Test
    void aBadHeapSizeIsRefusedByName() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BenchCommand bench = new BenchCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        CommandLine line = new CommandLine(bench);
        StringBuilder errors = new StringBuilder();
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            errors.append(e.getMessage());
            return 2;
        });

        assertThat(line.execute("register", "--xmx", "lots")).isEqualTo(2);
        assertThat(errors).contains("--xmx", "lots");
    }
}
