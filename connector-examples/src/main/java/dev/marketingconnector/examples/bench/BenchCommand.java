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
import java.util.Map;
import java.util.Optional;
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
 * {@code marketing-connector bench <ingest|idle|flood|outage|register|parse|all>}: the performance
 * targets of the connector, each measured in one command on this machine, ending with one summary
 * table (target, bound, measured, the seed's Node.js bridge in the same run where measured, PASS /
 * MISS). Exit code 0 when every correctness check held (all events delivered, no OutOfMemoryError,
 * registrations complete), 1 when one failed, 2 for a bad option, 3 with {@code --fail-on-miss} when
 * a timing target was missed.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the connector against its performance targets: ingest throughput, latency and CPU against the "
                + "sink's ceiling, with faults, spool modes and the seed's Node.js bridge side by side (ingest), memory per idle "
                + "connection (idle), memory under a flood with a slow sink (flood), Kyma down for minutes under a steady rate "
                + "(outage), parallel registration (register), metadata parsing and event mapping with JMH (parse), or everything "
                + "(all). The bridge runs as a child process of this jar.",
        subcommands = {BenchCommand.Ingest.class, BenchCommand.Idle.class, BenchCommand.Flood.class, BenchCommand.Outage.class,
                BenchCommand.Register.class, BenchCommand.Parse.class, BenchCommand.All.class})
public final class BenchCommand implements Callable<Integer> {

    static final int EXIT_OK = 0;
    static final int EXIT_CHECK_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_TARGET_MISSED = 3;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream out;
    private final Map<String, String> environment;
    private volatile SummaryTable lastTable;

    public BenchCommand() {
        this(System.out, System.getenv());
    }

    BenchCommand(PrintStream out) {
        this(out, System.getenv());
    }

    BenchCommand(PrintStream out, Map<String, String> environment) {
        this.out = out;
        this.environment = Map.copyOf(environment);
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

        @Spec
        CommandLine.Model.CommandSpec benchmarkSpec;

        @Mixin
        BenchOptions options;

        @Option(names = "--work-dir", paramLabel = "<dir>",
                description = "Where the bridge's logs and JFR recordings go. Default: a new temporary directory.")
        Path workDir;

        abstract String name();

        /** Runs the benchmark(s), adding rows to the table. */
        abstract void run(BenchEnvironment env, SummaryTable table) throws Exception;

        /** Checks this benchmark's own options before anything starts; throws IllegalArgumentException naming the option. */
        void validate(Map<String, String> environment) {
        }

        @Override
        public Integer call() throws IOException {
            quietLogging();
            PrintStream out = parent.out;
            BenchEnvironment env;
            Path dir;
            try {
                validate(parent.environment);
                Optional<BenchOptions.PodLimit> pod = options.podLimit();
                List<String> jvmOptions = options.jvmOptions(pod);
                Map<String, String> childEnv = options.childEnvironment();
                List<String> spoolModes = options.spoolModes();
                if (!(this instanceof Ingest) && spoolModes.size() > 1) {
                    throw new IllegalArgumentException("bench " + name() + " runs one bridge per benchmark: give one --spool mode, got "
                            + spoolModes + " (bench ingest measures several side by side)");
                }
                MqttLoadClients.Kind loadClient = options.loadClientKind();
                dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("marketing-connector-bench-");
                env = new BenchEnvironment(out, options.smoke, jvmOptions, pod, childEnv, spoolModes, options.natsUrl, loadClient,
                        options.bridgeLogLevel, options.profile, dir);
            } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
                throw new CommandLine.ParameterException(benchmarkSpec.commandLine(), "bench " + name() + ": " + e.getMessage(), e);
            }
            if (!asyncPoolUsable()) {
                out.println("Warning: CompletableFuture's default pool starts a thread per task in this JVM (ForkJoinPool common "
                        + "parallelism < 2), which slows java.net.http and so its ceiling figure; start the benchmark with "
                        + "-D" + COMMON_PARALLELISM + "=2.");
            }
            out.printf("marketing-connector bench %s%s: %s; bridge %s; logs in %s%n", name(), options.smoke ? " (smoke)" : "",
                    Machine.describe(), env.describeBridge(), dir);
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

        double pick(Double value, double normal, double smoke) {
            return value != null ? value : options.smoke ? smoke : normal;
        }
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true,
            description = "Targets 1-3 (issue 13), faults (issue 12 §5), spool modes (issue 14): QoS 1 over MQTT/WebSocket through the "
                    + "bridge (a child process) to an HTTP events sink, against the sink's ceiling measured with the fastest client (Netty "
                    + "HTTP/1.1; java.net.http as a second figure), in interleaved rounds after a warm-up; throughput ratio, publish→PUBACK "
                    + "p50/p99, bridge CPU per event, peak RSS. Optionally with the sink failing a share of POSTs, an outage in the middle "
                    + "of a round, spool modes next to none, and the seed's Node.js bridge side by side.")
    static final class Ingest extends Benchmark {

        @Option(names = "--clients", paramLabel = "<n>", description = "MQTT clients. Default: 8 (smoke: 2).")
        Integer clients;

        @Option(names = "--in-flight", paramLabel = "<n>", description = "QoS 1 messages in flight per client. Default: 16 (smoke: 4).")
        Integer inFlight;

        @Option(names = "--events", paramLabel = "<n>", description = "Events per round, for each subject. Default: 50000 (smoke: 200).")
        Integer events;

        @Option(names = "--warmup-events", paramLabel = "<n>",
                description = "Events of the warm-up, each subject. Default: 200000, enough for the JIT to finish "
                        + "with the bridge's hot path (smoke: 50).")
        Integer warmupEvents;

        @Option(names = "--rounds", paramLabel = "<n>", description = "Measured rounds, each running every subject once. Default: 5 (smoke: 1).")
        Integer rounds;

        @Option(names = "--ceiling-concurrency", paramLabel = "<n>", description = "Direct POSTs in flight for the ceiling. Default: 128 (smoke: 8).")
        Integer ceilingConcurrency;

        @Option(names = "--ceiling-connections", paramLabel = "<n>",
                description = "Keep-alive connections of the pipelining Netty ceiling client (the requests in flight are pipelined "
                        + "over them). Default: 16 (smoke: 2).")
        Integer ceilingConnections;

        @Option(names = "--ceilings", paramLabel = "<client>", split = ",",
                description = "Ceiling clients, each measured every round; the fastest median of those that do not pipeline is the "
                        + "ceiling: netty-pool (one keep-alive connection per request in flight), jdk (java.net.http), and, shown "
                        + "next to it, netty-pipelined (--ceiling-concurrency requests pipelined over --ceiling-connections: the "
                        + "sink's capacity for batched reads, which HTTP/1.1 advises clients not to use for POSTs). Default: all three.")
        List<String> ceilings;

        @Option(names = "--sink-delay", paramLabel = "<duration>", converter = DurationConverter.class,
                description = "How long the sink waits before answering each event. Default: 0.")
        Duration sinkDelay;

        @Option(names = "--fault-ratio", paramLabel = "<share>",
                description = "Also measure the bridge while the sink answers this share of POSTs (0 to <1) with 503, at random "
                        + "(seeded with --fault-seed). E.g. 0.3.")
        Double faultRatio;

        @Option(names = "--fault-seed", paramLabel = "<n>", description = "Seed of the fault sequence. Default: 42.")
        Long faultSeed;

        @Option(names = "--outage", paramLabel = "<duration>", converter = DurationConverter.class,
                description = "Also measure the bridge while the sink is down for this long once half of a round's events are "
                        + "answered; reports when delivery resumes. E.g. 5s.")
        Duration outage;

        @Option(names = "--outage-mode", paramLabel = "<503|refuse>", defaultValue = "503",
                description = "How the sink is down: 503 (answers every POST 503) or refuse (port closed, connections closed). "
                        + "Default: ${DEFAULT-VALUE}.")
        String outageMode = "503";

        @Option(names = "--fault-events", paramLabel = "<n>",
                description = "Events per round of the --fault-ratio and --outage runs. Default: as many as --events (smoke: 20).")
        Integer faultEvents;

        @Option(names = "--fault-time-limit", paramLabel = "<duration>", converter = DurationConverter.class,
                description = "A --fault-ratio or --outage run sends no new event after this long and ends once those sent are "
                        + "answered (a bridge that crawls under faults still ends). Default: 60s (smoke: 5s).")
        Duration faultTimeLimit;

        @Option(names = "--anchor", paramLabel = "<seed>",
                description = "Run an anchor side by side in the same rounds: seed = the seed's Node.js bridge (needs --seed-bridge "
                        + "or SEED_BRIDGE_DIR, node and npm).")
        String anchor;

        @Option(names = "--seed-bridge", paramLabel = "<dir>",
                description = "The seed's Node.js bridge (a directory with package.json and src/app.js); implies --anchor seed. "
                        + "Default: $SEED_BRIDGE_DIR.")
        Path seedBridge;

        @Option(names = "--timeout", paramLabel = "<duration>", converter = DurationConverter.class,
                description = "Longest a single run may take. Default: 10m (smoke: 60s).")
        Duration timeout;

        private Path seedDirectory;

        @Override
        String name() {
            return "ingest";
        }

        @Override
        void validate(Map<String, String> environment) {
            if (anchor != null && !anchor.strip().equalsIgnoreCase("seed")) {
                throw new IllegalArgumentException("--anchor must be seed, got '" + anchor + "'");
            }
            if (anchor != null || seedBridge != null) {
                seedDirectory = SeedBridgeProcess.locate(seedBridge, environment);
                SeedBridgeProcess.node(environment);
            }
            EventSink.OutageMode.parse(outageMode);
            settings();
        }

        List<CeilingClient.Kind> ceilingKinds() {
            if (ceilings == null || ceilings.isEmpty()) {
                return List.of(CeilingClient.Kind.values());
            }
            return ceilings.stream().map(CeilingClient.Kind::parse).distinct().toList();
        }

        IngestBenchmark.Settings settings() {
            int n = pick(events, IngestBenchmark.DEFAULT_EVENTS, 200);
            int warmup = warmupEvents != null ? warmupEvents : options.smoke ? Math.min(n, 50) : Math.max(n, IngestBenchmark.DEFAULT_WARMUP_EVENTS);
            return new IngestBenchmark.Settings(pick(clients, IngestBenchmark.DEFAULT_CLIENTS, 2), pick(inFlight, IngestBenchmark.DEFAULT_IN_FLIGHT, 4),
                    n, warmup, pick(rounds, IngestBenchmark.DEFAULT_ROUNDS, 1),
                    pick(ceilingConcurrency, NettyCeilingLoad.DEFAULT_CONCURRENCY, 8), pick(ceilingConnections, NettyCeilingLoad.DEFAULT_CONNECTIONS, 2),
                    ceilingKinds(), pick(sinkDelay, Duration.ZERO, Duration.ZERO), pick(timeout, Duration.ofMinutes(10), Duration.ofSeconds(60)),
                    faultRatio == null ? 0 : faultRatio, faultSeed == null ? 42 : faultSeed, outage, EventSink.OutageMode.parse(outageMode),
                    pick(faultTimeLimit, Duration.ofSeconds(60), Duration.ofSeconds(5)), faultEvents != null ? faultEvents : options.smoke ? 20 : n,
                    Optional.ofNullable(seedDirectory));
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

        @Option(names = "--events", paramLabel = "<n>", description = "Events. Default: 200000 (smoke: 500).")
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
            return new FloodBenchmark.Settings(pick(events, FloodBenchmark.DEFAULT_EVENTS, 500), pick(clients, FloodBenchmark.DEFAULT_CLIENTS, 2),
                    pick(inFlight, FloodBenchmark.DEFAULT_IN_FLIGHT, 128),
                    pick(sinkDelay, FloodBenchmark.DEFAULT_SINK_DELAY, FloodBenchmark.DEFAULT_SINK_DELAY),
                    pick(sampleEvery, Duration.ofSeconds(1), Duration.ofMillis(200)), pick(timeout, Duration.ofMinutes(30), Duration.ofSeconds(60)));
        }

        @Override
        void run(BenchEnvironment env, SummaryTable table) throws Exception {
            table.addAll(FloodBenchmark.run(settings(), env).rows(env.smoke()));
        }
    }

    @Command(name = "outage", mixinStandardHelpOptions = true,
            description = "Issue 14: Kyma (the sink) down for minutes under a steady, open-loop rate of QoS 1 events: the SAP side's "
                    + "PUBACK latency per window (p50/p99, acknowledgements/s, measured from when each event was due), whether the bridge "
                    + "kept acknowledging, and after Kyma returns how fast the backlog drains. With SPOOL=none PUBACKs stall (expected); "
                    + "--spool disk|jetstream runs the bridge with a spool.")
    static final class Outage extends Benchmark {

        @Option(names = "--rate", paramLabel = "<events/s>", description = "Offered load, open loop. Default: 500 (smoke: 100).")
        Double rate;

        @Option(names = "--duration", paramLabel = "<duration>", converter = DurationConverter.class,
                description = "How long Kyma is down. Default: 10m (smoke: 300ms).")
        Duration duration;

        @Option(names = "--before", paramLabel = "<duration>", converter = DurationConverter.class,
                description = "Steady load before the outage (after a warm-up). Default: 30s (smoke: 500ms).")
        Duration before;

        @Option(names = "--after", paramLabel = "<duration>", converter = DurationConverter.class,
                description = "Longest the load goes on after Kyma returns, waiting for the backlog to drain. Default: 30m (smoke: 30s).")
        Duration after;

        @Option(names = "--tail", paramLabel = "<duration>", converter = DurationConverter.class,
                description = "Steady load kept after the backlog drained. Default: 30s (smoke: 500ms).")
        Duration tail;

        @Option(names = "--window", paramLabel = "<duration>", converter = DurationConverter.class,
                description = "Reporting window. Default: 10s (smoke: 500ms).")
        Duration window;

        @Option(names = "--clients", paramLabel = "<n>", description = "MQTT clients. Default: 8 (smoke: 1).")
        Integer clients;

        @Option(names = "--in-flight", paramLabel = "<n>",
                description = "Most unacknowledged QoS 1 messages per client; events due beyond it wait at the source. Default: 16 (smoke: 4).")
        Integer inFlight;

        @Option(names = "--warmup-events", paramLabel = "<n>", description = "Closed-loop warm-up before the steady load. Default: 10000 (smoke: 200).")
        Integer warmupEvents;

        @Option(names = "--outage-mode", paramLabel = "<503|refuse>", defaultValue = "503",
                description = "How Kyma is down: 503 (every POST answered 503) or refuse (port closed). Default: ${DEFAULT-VALUE}.")
        String outageMode = "503";

        @Override
        String name() {
            return "outage";
        }

        @Override
        void validate(Map<String, String> environment) {
            EventSink.OutageMode.parse(outageMode);
            settings();
        }

        OutageBenchmark.Settings settings() {
            return new OutageBenchmark.Settings(pick(rate, OutageBenchmark.DEFAULT_RATE, 100), pick(clients, IngestBenchmark.DEFAULT_CLIENTS, 1),
                    pick(inFlight, IngestBenchmark.DEFAULT_IN_FLIGHT, 4), pick(warmupEvents, IngestBenchmark.MIN_WARMUP_EVENTS, 100),
                    pick(before, Duration.ofSeconds(30), Duration.ofMillis(500)), pick(duration, OutageBenchmark.DEFAULT_OUTAGE, Duration.ofMillis(300)),
                    pick(after, Duration.ofMinutes(30), Duration.ofSeconds(30)), pick(tail, Duration.ofSeconds(30), Duration.ofMillis(500)),
                    pick(window, Duration.ofSeconds(10), Duration.ofMillis(500)), EventSink.OutageMode.parse(outageMode));
        }

        @Override
        void run(BenchEnvironment env, SummaryTable table) throws Exception {
            table.addAll(OutageBenchmark.run(settings(), env).rows(env.smoke()));
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
            description = "Every benchmark, one summary table: ingest with --fault-ratio 0.3 and --outage 5s (smoke: 0.1 and 200ms), "
                    + "idle, flood, outage with --duration 1m (not with --smoke, to keep CI short: run outage --smoke on its own), "
                    + "register, parse; the common options (--pod, --spool, --child-env, …) apply to each.")
    static final class All extends Benchmark {

        @Override
        String name() {
            return "all";
        }

        @Override
        void run(BenchEnvironment env, SummaryTable table) {
            Ingest ingest = new Ingest();
            ingest.faultRatio = options.smoke ? 0.1 : 0.3;
            ingest.outage = options.smoke ? Duration.ofMillis(200) : Duration.ofSeconds(5);
            List<Benchmark> all = new java.util.ArrayList<>(List.of(ingest, new Idle(), new Flood()));
            if (!options.smoke) {
                Outage outage = new Outage();
                outage.duration = Duration.ofMinutes(1);
                all.add(outage);
            }
            all.add(new Register());
            all.add(new Parse());
            for (Benchmark benchmark : all) {
                benchmark.parent = parent;
                benchmark.options = options;
                long started = System.nanoTime();
                try {
                    benchmark.run(env, table);
                    env.progress("(bench %s took %.1f s)", benchmark.name(), (System.nanoTime() - started) / 1e9);
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
