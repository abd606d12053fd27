package dev.marketingconnector.examples.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The one table every benchmark run ends with: each target with its bound, the measured figure, the
 * same figure of the seed's Node.js bridge measured in the same run (where it was: {@code bench ingest
 * --anchor seed}), and PASS / MISS (a timing target) or OK / FAIL (a correctness check). In smoke
 * mode timing targets say "n/a (smoke)": tiny runs prove nothing about speed.
 */
final class SummaryTable {

    enum Verdict {
        PASS, MISS, OK, FAIL, INFO, SMOKE;

        String text() {
            return switch (this) {
                case SMOKE -> "n/a (smoke)";
                case INFO -> "-";
                default -> name();
            };
        }
    }

    /** One line of the table. */
    record Row(String target, String bound, String measured, String anchor, Verdict verdict) {
    }

    private final List<Row> rows = new ArrayList<>();

    SummaryTable add(Row row) {
        rows.add(row);
        return this;
    }

    SummaryTable addAll(List<Row> more) {
        rows.addAll(more);
        return this;
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    /** A timing target: PASS or MISS, or n/a in smoke mode. */
    static Verdict timing(boolean met, boolean smoke) {
        return smoke ? Verdict.SMOKE : met ? Verdict.PASS : Verdict.MISS;
    }

    static Verdict check(boolean ok) {
        return ok ? Verdict.OK : Verdict.FAIL;
    }

    boolean anyFailed() {
        return rows.stream().anyMatch(r -> r.verdict() == Verdict.FAIL);
    }

    boolean anyMissed() {
        return rows.stream().anyMatch(r -> r.verdict() == Verdict.MISS);
    }

    void print(PrintStream out) {
        String[] header = {"TARGET", "BOUND", "MEASURED", "SEED BRIDGE, SAME RUN", "VERDICT"};
        int[] widths = new int[header.length];
        List<String[]> lines = new ArrayList<>();
        lines.add(header);
        for (Row row : rows) {
            lines.add(new String[] {row.target(), row.bound(), row.measured(), row.anchor(), row.verdict().text()});
        }
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        out.println();
        out.println("SUMMARY");
        for (int l = 0; l < lines.size(); l++) {
            String[] line = lines.get(l);
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                text.append(i == 0 ? "" : "  ").append(i == line.length - 1 ? line[i] : pad(line[i], widths[i]));
            }
            out.println(text);
            if (l == 0) {
                StringBuilder rule = new StringBuilder();
                for (int i = 0; i < widths.length; i++) {
                    rule.append(i == 0 ? "" : "  ").append("-".repeat(widths[i]));
                }
                out.println(rule);
            }
        }
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(width - text.length());
    }
}
