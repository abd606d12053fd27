package dev.marketingconnector.examples.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code marketing-connector bench <ingest|idle|flood|register|parse|all>}: the performance targets
 * of the connector, each measured in one command on this machine, ending with one summary table
 * (target, bound, measured, the Node.js bridge's figure, PASS / MISS). Exit code 0 when every
 * correctness check held (all events delivered, no OutOfMemoryError, registrations complete),
 * 1 when one failed, 3 with {@code --fail-on-miss} when a timing target was missed.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the connector against its performance targets: ingest throughput, latency and CPU against a "
                + "direct-POST ceiling (ingest), memory per idle connection (idle), memory under a flood with a slow sink (flood), "
                + "parallel registration (register), metadata parsing and event mapping with JMH (parse), or everything (all). "
                + "The bridge runs as a child process of this jar.",
        subcommands = {BenchCommand.Ingest.class, BenchCommand.Idle.class, BenchCommand.Flood.class, BenchCommand.Register.class,
                BenchCommand.Parse.class, BenchCommand.All.class})
public final class BenchCommand implements Callable<Integer> {

    static final int EXIT_OK = 0;
    static final int EXIT_CHECK_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_TARGET_MISSED = 3;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream out;
    private volatile SummaryTable lastTable;

    public BenchCommand() {
        this(System.out);
    }

    BenchCommand(PrintStream out) {
        this.out = out;
    }

    /** The table the last benchmark command printed (for tests). */
    SummaryTable lastTable() {
        return lastTable;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(out);
        return EXIT_USAGE;
    }

    /** What every benchmark subcommand does around its own work. */
    abstract static class Benchmark implements Callable<Integer> {

        @ParentCommand
        BenchCommand parent;

        @Mixin
        BenchOptions options;

        @Option(names = "--work-dir", paramLabel = "<dir>",
                description = "Where the bridge's logs and JFR recordings go. Default: a new temporary directory.")
        Path workDir;

        abstract String name();

        /** Runs the benchmark(s), adding rows to the table. */
        abstract void run(BenchEnvironment env, SummaryTable table) throws Exception;

        @Override
        public Integer call() throws IOException {
            quietLogging();
            PrintStream out = parent.out;
            if (!asyncPoolUsable()) {
                out.println("Warning: CompletableFuture's default pool starts a thread per task in this JVM (ForkJoinPool common "
                        + "parallelism < 2), which slows java.net.http and so the ceiling; start the benchmark with "
                        + "-D" + COMMON_PARALLELISM + "=2.");
            }
            Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("marketing-connector-bench-");
            BenchEnvironment env = new BenchEnvironment(out, options.smoke, options.jvmOptions(), options.bridgeLogLevel, options.profile,
                    dir);
            out.printf("marketing-connector bench %s%s: %s; bridge JVM options %s; logs in %s%n", name(), options.smoke ? " (smoke)" : "",
                    Machine.describe(), env.bridgeJvmOptions(), dir);
            SummaryTable table = new SummaryTable();
            try {
                run(env, table);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                table.add(failure(name(), e));
            } catch (Exception e) {
                out.println("bench " + name() + " failed: " + e);
                table.add(failure(name(), e));
            }
            table.print(out);
            out.printf("load average at the end: %s%n", Machine.loadAverage());
            out.flush();
            parent.lastTable = table;
            if (table.anyFailed()) {
                return EXIT_CHECK_FAILED;
            }
            return options.failOnMiss && table.anyMissed() ? EXIT_TARGET_MISSED : EXIT_OK;
        }

        static SummaryTable.Row failure(String benchmark, Exception e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            return new SummaryTable.Row("  " + benchmark + " ran to the end", "yes",
                    "failed: " + (message.length() > 100 ? message.substring(0, 100) + "…" : message), "-", SummaryTable.Verdict.FAIL);
        }

        int pick(Integer value, int normal, int smoke) {
            return value != null ? value : options.smoke ? smoke : normal;
        }

        Duration pick(Duration value, Duration normal, Duration smoke) {
            return value != null ? value : options.smoke ? smoke : normal;
        }
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true,
            description = "Targets 1-3: QoS 1 over MQTT/WebSocket through the bridge (a child process) to an HTTP events sink, against "
                    + "direct POSTs of the same CloudEvent to the same sink (the ceiling), alternately after a warm-up; throughput ratio, "
                    + "publish→PUBACK p50/p99, bridge CPU per event, peak RSS.")
    static final class Ingest extends Benchmark {

        @Option(names = "--clients", paramLabel = "<n>", description = "MQTT clients. Default: 8 (smoke: 2).")
        Integer clients;

        @Option(names = "--in-flight", paramLabel = "<n>", description = "QoS 1 messages in flight per client. Default: 16 (smoke: 4).")
        Integer inFlight;

        @Option(names = "--events", paramLabel = "<n>", description = "Events per round, for the bridge and for the ceiling. Default: 20000 (smoke: 200).")
        Integer events;

        @Option(names = "--warmup-events", paramLabel = "<n>", description = "Events of the warm-up, each side. Default: as many as --events.")
        Integer warmupEvents;

        @Option(names = "--rounds", paramLabel = "<n>", description = "Measured rounds, each ceiling then bridge. Default: 3.")
        Integer rounds;

        @Option(names = "--ceiling-concurrency", paramLabel = "<n>", description = "Direct POSTs in flight for the ceiling. Default: 128 (smoke: 8).")
        Integer ceilingConcurrency;

        @Option(names = "--sink-delay", paramLabel = "<duration>", converter = DurationConverter.class,
                description = "How long the sink waits before answering each event. Default: 0.")
        Duration sinkDelay;

        @Option(names = "--timeout", paramLabel = "<duration>", converter = DurationConverter.class,
                description = "Longest a single run may take. Default: 10m (smoke: 60s).")
        Duration timeout;

        @Override
        String name() {
            return "ingest";
        }

        IngestBenchmark.Settings settings() {
            int n = pick(events, IngestBenchmark.DEFAULT_EVENTS, 200);
            return new IngestBenchmark.Settings(pick(clients, IngestBenchmark.DEFAULT_CLIENTS, 2), pick(inFlight, IngestBenchmark.DEFAULT_IN_FLIGHT, 4),
                    n, warmupEvents != null ? warmupEvents : n, pick(rounds, IngestBenchmark.DEFAULT_ROUNDS, 3),
                    pick(ceilingConcurrency, CeilingLoad.DEFAULT_CONCURRENCY, 8), pick(sinkDelay, Duration.ZERO, Duration.ZERO),
                    pick(timeout, Duration.ofMinutes(10), Duration.ofSeconds(60)));
        }

        @Override
        void run(BenchEnvironment env, SummaryTable table) throws Exception {
            table.addAll(IngestBenchmark.run(settings(), env).rows(env.smoke()));
        }
    }

    @Command(name = "idle", mixinStandardHelpOptions = true,
            description = "Target 4: RSS the bridge adds per authenticated idle MQTT-over-WebSocket connection (measured after a full GC).")
    static final class Idle extends Benchmark {

        @Option(names = "--connections", paramLabel = "<n>", description = "Idle connections. Default: 2000 (smoke: 10).")
        Integer connections;

        @Option(names = "--timeout", paramLabel = "<duration>", converter = DurationConverter.class,
                description = "Longest connecting may take. Default: 5m (smoke: 60s).")
        Duration timeout;

        @Override
        String name() {
            return "idle";
        }

        IdleBenchmark.Settings settings() {
            return new IdleBenchmark.Settings(pick(connections, IdleBenchmark.DEFAULT_CONNECTIONS, 10),
                    pick(timeout, Duration.ofMinutes(5), Duration.ofSeconds(60)));
        }

        @Override
        void run(BenchEnvironment env, SummaryTable table) throws Exception {
            table.addAll(IdleBenchmark.run(settings(), env).rows(env.smoke()));
        }
    }

    @Command(name = "flood", mixinStandardHelpOptions = true,
            description = "Target 5: events pushed as fast as the clients can while the sink answers slowly; the bridge (-Xmx128m by "
                    + "default) must not run out of memory, its RSS must stay flat after the warm-up, and every event must arrive.")
    static final class Flood extends Benchmark {

        @Option(names = "--events", paramLabel = "<n>", description = "Events. Default: 200000 (smoke: 1000).")
        Integer events;

        @Option(names = "--clients", paramLabel = "<n>", description = "MQTT clients. Default: 8 (smoke: 2).")
        Integer clients;

        @Option(names = "--in-flight", paramLabel = "<n>",
                description = "QoS 1 messages each client keeps unacknowledged (more than the bridge forwards at once). Default: 256 (smoke: 128).")
        Integer inFlight;

        @Option(names = "--sink-delay", paramLabel = "<duration>", converter = DurationConverter.class,
                description = "How long the sink waits before answering each event. Default: 5ms.")
        Duration sinkDelay;

        @Option(names = "--sample-every", paramLabel = "<duration>", converter = DurationConverter.class,
                description = "RSS sampling interval. Default: 1s (smoke: 200ms).")
        Duration sampleEvery;

        @Option(names = "--timeout", paramLabel = "<duration>", converter = DurationConverter.class,
                description = "Longest the flood may take. Default: 30m (smoke: 60s).")
        Duration timeout;

        @Override
        String name() {
            return "flood";
        }

        FloodBenchmark.Settings settings() {
            return new FloodBenchmark.Settings(pick(events, FloodBenchmark.DEFAULT_EVENTS, 1000), pick(clients, FloodBenchmark.DEFAULT_CLIENTS, 2),
                    pick(inFlight, FloodBenchmark.DEFAULT_IN_FLIGHT, 128),
                    pick(sinkDelay, FloodBenchmark.DEFAULT_SINK_DELAY, FloodBenchmark.DEFAULT_SINK_DELAY),
                    pick(sampleEvery, Duration.ofSeconds(1), Duration.ofMillis(200)), pick(timeout, Duration.ofMinutes(30), Duration.ofSeconds(60)));
        }

        @Override
        void run(BenchEnvironment env, SummaryTable table) throws Exception {
            table.addAll(FloodBenchmark.run(settings(), env).rows(env.smoke()));
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Target 6: discovery + registration of the Marketing catalog against MockMarketingSystem and MockKyma's REST "
                    + "Application Registry, both with added latency, default parallelism against parallelism 1.")
    static final class Register extends Benchmark {

        @Option(names = "--latency", paramLabel = "<duration>", converter = DurationConverter.class,
                description = "Added to every request of the tenant and the registry. Default: 50ms (smoke: 5ms).")
        Duration latency;

        @Option(names = "--rounds", paramLabel = "<n>", description = "Measured rounds of each. Default: 3 (smoke: 1).")
        Integer rounds;

        @Option(names = "--parallelism", paramLabel = "<n>",
                description = "Discovery and reconciler parallelism of the fast side. Default: each one's own default (8 and 16).")
        Integer parallelism;

        @Override
        String name() {
            return "register";
        }

        RegisterBenchmark.Settings settings() {
            return new RegisterBenchmark.Settings(pick(latency, RegisterBenchmark.DEFAULT_LATENCY, Duration.ofMillis(5)),
                    pick(rounds, RegisterBenchmark.DEFAULT_ROUNDS, 1),
                    pick(parallelism, dev.marketingconnector.odata.DiscoveryConfig.DEFAULT_PARALLELISM,
                            dev.marketingconnector.odata.DiscoveryConfig.DEFAULT_PARALLELISM),
                    pick(parallelism, dev.marketingconnector.core.registry.RegistrationReconciler.DEFAULT_PARALLELISM,
                            dev.marketingconnector.core.registry.RegistrationReconciler.DEFAULT_PARALLELISM));
        }

        @Override
        void run(BenchEnvironment env, SummaryTable table) {
            table.addAll(RegisterBenchmark.run(settings(), env).rows(env.smoke()));
        }
    }

    @Command(name = "parse", mixinStandardHelpOptions = true,
            description = "Target 7 (JMH): parse the 2 MB Cloud for Customer $metadata and the 26 Marketing documents; map one SAP "
                    + "event payload to a BusinessEvent.")
    static final class Parse extends Benchmark {

        @Option(names = "--forks", paramLabel = "<n>", description = "JMH forks (0 runs in this JVM). Default: 1 (smoke: 0).")
        Integer forks;

        @Option(names = "--warmup-iterations", paramLabel = "<n>", description = "Default: 3 (smoke: 1).")
        Integer warmupIterations;

        @Option(names = "--iterations", paramLabel = "<n>", description = "Measured iterations. Default: 5 (smoke: 1).")
        Integer iterations;

        @Option(names = "--iteration-time", paramLabel = "<duration>", converter = DurationConverter.class,
                description = "Default: 2s (smoke: 100ms).")
        Duration iterationTime;

        @Option(names = "--jmh-verbose", description = "Print JMH's own progress.")
        boolean verbose;

        @Override
        String name() {
            return "parse";
        }

        ParseBenchmark.Settings settings() {
            return new ParseBenchmark.Settings(pick(forks, 1, 0), pick(warmupIterations, 3, 1), pick(iterations, 5, 1),
                    pick(iterationTime, Duration.ofSeconds(2), Duration.ofMillis(100)), verbose);
        }

        @Override
        void run(BenchEnvironment env, SummaryTable table) throws Exception {
            table.addAll(ParseBenchmark.run(settings(), env).rows(env.smoke()));
        }
    }

    @Command(name = "all", mixinStandardHelpOptions = true,
            description = "Every benchmark with its defaults (ingest, idle, flood, register, parse), one summary table.")
    static final class All extends Benchmark {

        @Override
        String name() {
            return "all";
        }

        @Override
        void run(BenchEnvironment env, SummaryTable table) {
            List<Benchmark> all = List.of(new Ingest(), new Idle(), new Flood(), new Register(), new Parse());
            for (Benchmark benchmark : all) {
                benchmark.parent = parent;
                benchmark.options = options;
                try {
                    benchmark.run(env, table);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    table.add(failure(benchmark.name(), e));
                    return;
                } catch (Exception e) {
                    env.out().println("bench " + benchmark.name() + " failed: " + e);
                    table.add(failure(benchmark.name(), e));
                }
            }
        }
    }

    /** Durations as {@code 5ms}, {@code 2s}, {@code 1m}, {@code 250us}, {@code 0} or ISO-8601 ({@code PT5S}). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

        private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ns|us|µs|ms|s|m|h)?");

        @Override
        public Duration convert(String value) {
            String text = value.strip().toLowerCase(Locale.ROOT);
            Matcher m = SIMPLE.matcher(text);
            if (m.matches()) {
                long amount = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? (amount == 0 ? "s" : "") : m.group(2);
                return switch (unit) {
                    case "ns" -> Duration.ofNanos(amount);
                    case "us", "µs" -> Duration.ofNanos(amount * 1000);
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> throw new CommandLine.TypeConversionException("'" + value + "' needs a unit: ns, us, ms, s, m or h");
                };
            }
            try {
                return Duration.parse(value.strip().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration such as 5ms, 2s, 1m or PT5S");
            }
        }
    }

    static final String COMMON_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    /**
     * On one or two CPUs the common pool has parallelism 1, and CompletableFuture then runs every
     * {@code *Async} step without an executor on a new thread; java.net.http's {@code sendAsync}
     * takes such a step for every response. The load generators of this JVM should not pay that, so
     * the pool gets parallelism 2 unless configured (this takes effect only if nothing has used the
     * common pool yet, which is checked).
     */
    static boolean asyncPoolUsable() {
        if (System.getProperty(COMMON_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() <= 2) {
            System.setProperty(COMMON_PARALLELISM, "2");
        }
        return java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() > 1;
    }

    /** The benchmarks log only warnings unless LOG_LEVEL says otherwise: the tables go to standard output. */
    static void quietLogging() {
        String level = System.getenv("LOG_LEVEL");
        if (level != null && !level.isBlank()) {
            return;
        }
        Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    /** The machine the figures come from. */
    static final class Machine {

        private Machine() {
        }

        static String describe() {
            return String.format("%d CPUs (%s), Java %s (%s), load average %s", Runtime.getRuntime().availableProcessors(), cpuModel(),
                    System.getProperty("java.version"), System.getProperty("java.vm.name"), loadAverage());
        }

        static String cpuModel() {
            try {
                return Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.US_ASCII).stream()
                        .filter(line -> line.startsWith("model name"))
                        .map(line -> line.substring(line.indexOf(':') + 1).strip())
                        .findFirst().orElse("unknown CPU");
            } catch (IOException | UncheckedIOException e) {
                return "unknown CPU";
            }
        }

        static String loadAverage() {
            try {
                String[] parts = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).split(" ");
                return parts[0] + " " + parts[1] + " " + parts[2];
            } catch (IOException | RuntimeException e) {
                return "unknown";
            }
        }
    }
}
