package dev.marketingconnector.examples.bench;

import dev.marketingconnector.examples.bench.jmh.ParseBenchmarks;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/** Target 7: the JMH benchmarks of {@link ParseBenchmarks}, run from the jar with JMH's {@link Runner}. */
final class ParseBenchmark {

    static final double TARGET_MAP_MICROS = 5.0;

    record Settings(int forks, int warmupIterations, int iterations, Duration iterationTime, boolean verbose) {

        Settings {
            if (forks < 0 || warmupIterations < 0) {
                throw new IllegalArgumentException("forks and warm-up iterations must be >= 0");
            }
            IngestBenchmark.positive("iterations", iterations);
        }
    }

    /** One benchmark's score. */
    record Score(String name, double score, double error, String unit) {

        String describe() {
            return Double.isNaN(error) ? String.format("%.3f %s", score, unit) : String.format("%.3f ± %.3f %s", score, error, unit);
        }
    }

    record Result(List<Score> scores, int marketingDocuments) {

        Optional<Score> score(String benchmark) {
            return scores.stream().filter(s -> s.name().equals(benchmark)).findFirst();
        }

        boolean complete() {
            return score("mapLegacyEvent").isPresent() && score("mapCloudEvent").isPresent() && score("parseCloudForCustomer").isPresent()
                    && score("parseMarketingAll").isPresent();
        }

        List<SummaryTable.Row> rows(boolean smoke) {
            List<SummaryTable.Row> rows = new ArrayList<>();
            Optional<Score> legacy = score("mapLegacyEvent");
            rows.add(new SummaryTable.Row("7 map SAP event → BusinessEvent (legacy)", "≤ 5 µs", legacy.map(Score::describe).orElse("not run"),
                    "-", legacy.map(s -> SummaryTable.timing(s.score() <= TARGET_MAP_MICROS, smoke)).orElse(SummaryTable.Verdict.FAIL)));
            Optional<Score> ce = score("mapCloudEvent");
            rows.add(new SummaryTable.Row("7 map SAP event → BusinessEvent (CE 1.0)", "≤ 5 µs", ce.map(Score::describe).orElse("not run"),
                    "-", ce.map(s -> SummaryTable.timing(s.score() <= TARGET_MAP_MICROS, smoke)).orElse(SummaryTable.Verdict.FAIL)));
            rows.add(new SummaryTable.Row("7 parse C4C $metadata (2 MB)", "-",
                    score("parseCloudForCustomer").map(Score::describe).orElse("not run"), "-", SummaryTable.Verdict.INFO));
            rows.add(new SummaryTable.Row("7 parse all " + marketingDocuments + " Marketing $metadata", "-",
                    score("parseMarketingAll").map(s -> s.describe() + String.format(" (%.2f ms each)", s.score() / marketingDocuments))
                            .orElse("not run"), "-", SummaryTable.Verdict.INFO));
            rows.add(new SummaryTable.Row("  parse: every benchmark ran", "all", complete() ? "4 of 4" : "incomplete", "-",
                    SummaryTable.check(complete())));
            return rows;
        }
    }

    private ParseBenchmark() {
    }

    static Result run(Settings settings, BenchEnvironment env) throws RunnerException {
        env.progress("== parse (JMH): %d fork(s), %d warm-up + %d measured iterations of %d ms", settings.forks(),
                settings.warmupIterations(), settings.iterations(), settings.iterationTime().toMillis());
        ParseBenchmarks state = new ParseBenchmarks();
        state.load();
        int documents = state.marketingDocuments();
        TimeValue time = TimeValue.milliseconds(settings.iterationTime().toMillis());
        Options options = new OptionsBuilder()
                .include("^" + Pattern.quote(ParseBenchmarks.class.getName()) + "\\.")
                .forks(settings.forks())
                .warmupIterations(settings.warmupIterations())
                .warmupTime(time)
                .measurementIterations(settings.iterations())
                .measurementTime(time)
                .threads(1)
                .shouldFailOnError(true)
                .verbosity(settings.verbose() ? VerboseMode.NORMAL : VerboseMode.SILENT)
                .build();
        PrintStream jmhOut = env.out();
        Collection<RunResult> results = new Runner(options, OutputFormatFactory.createFormatInstance(jmhOut,
                settings.verbose() ? VerboseMode.NORMAL : VerboseMode.SILENT)).run();
        List<Score> scores = new ArrayList<>();
        for (RunResult run : results) {
            String benchmark = run.getParams().getBenchmark();
            org.openjdk.jmh.results.Result<?> primary = run.getPrimaryResult();
            scores.add(new Score(benchmark.substring(benchmark.lastIndexOf('.') + 1), primary.getScore(), primary.getScoreError(),
                    primary.getScoreUnit()));
        }
        scores.forEach(s -> env.progress("  %-22s %s", s.name(), s.describe()));
        return new Result(scores, documents);
    }
}
