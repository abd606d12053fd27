package dev.marketingconnector.examples.bench;

import dev.marketingconnector.core.config.Secret;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Target 1–3: end-to-end QoS 1 ingest (MQTT over WebSocket → bridge → HTTP events sink → PUBACK)
 * against the ceiling of direct POSTs to the same sink, alternately, after a warm-up of each.
 * The bridge runs as a child process so that its CPU time and RSS are its own.
 */
final class IngestBenchmark {

    static final int DEFAULT_CLIENTS = 8;
    static final int DEFAULT_IN_FLIGHT = 16;
    static final int DEFAULT_EVENTS = 20_000;
    static final int DEFAULT_ROUNDS = 3;
    static final double TARGET_RATIO = 0.60;
    static final double TARGET_P99_MILLIS = 40;
    static final double TARGET_CPU_MILLIS_PER_EVENT = 0.10;

    private static final SecureRandom RANDOM = new SecureRandom();

    record Settings(int clients, int inFlight, int events, int warmupEvents, int rounds, int ceilingConcurrency, Duration sinkDelay,
            Duration timeout) {

        Settings {
            positive("clients", clients);
            positive("in-flight", inFlight);
            positive("events", events);
            positive("rounds", rounds);
            positive("ceiling-concurrency", ceilingConcurrency);
            if (warmupEvents < 0) {
                throw new IllegalArgumentException("warm-up events must be >= 0, got " + warmupEvents);
            }
        }
    }

    /** One round: the ceiling, then the bridge. */
    record Round(LoadRun ceiling, LoadRun bridge, double bridgeCpuMillisPerEvent, long bridgePeakRssKib, int bridgeDelivered,
            boolean ceilingDelivered, long duplicates) {

        boolean delivered() {
            return bridgeDelivered == bridge.events() && ceilingDelivered;
        }

        double ratio() {
            return ceiling.perSecond() == 0 ? 0 : bridge.perSecond() / ceiling.perSecond();
        }
    }

    record Result(Settings settings, List<Round> rounds, long idleRssKib, boolean peakPerRound, boolean warmupDelivered) {

        double ceilingMedian() {
            return Stats.median(rounds.stream().map(r -> r.ceiling().perSecond()).toList());
        }

        double bridgeMedian() {
            return Stats.median(rounds.stream().map(r -> r.bridge().perSecond()).toList());
        }

        double ratio() {
            double ceiling = ceilingMedian();
            return ceiling == 0 ? 0 : bridgeMedian() / ceiling;
        }

        double p50Millis() {
            return Stats.median(rounds.stream().map(r -> r.bridge().p50Millis()).toList());
        }

        double p99Millis() {
            return Stats.median(rounds.stream().map(r -> r.bridge().p99Millis()).toList());
        }

        double ceilingP99Millis() {
            return Stats.median(rounds.stream().map(r -> r.ceiling().p99Millis()).toList());
        }

        double cpuMillisPerEvent() {
            return Stats.median(rounds.stream().map(Round::bridgeCpuMillisPerEvent).toList());
        }

        long peakRssKib() {
            return rounds.stream().mapToLong(Round::bridgePeakRssKib).max().orElse(-1);
        }

        boolean allDelivered() {
            return warmupDelivered && rounds.stream().allMatch(r -> r.delivered() && r.bridge().complete() && r.bridge().failed() == 0
                    && r.ceiling().complete() && r.ceiling().failed() == 0);
        }

        long duplicates() {
            return rounds.stream().mapToLong(Round::duplicates).sum();
        }

        List<SummaryTable.Row> rows(boolean smoke) {
            int events = settings.events() * rounds.size();
            int delivered = rounds.stream().mapToInt(Round::bridgeDelivered).sum();
            return List.of(
                    new SummaryTable.Row("1 ingest throughput, bridge / ceiling", "≥ 0.60",
                            String.format("%.2f (%,.0f / %,.0f ev/s)", ratio(), bridgeMedian(), ceilingMedian()),
                            "0.33 (3 319 / 10 142 ev/s)", SummaryTable.timing(ratio() >= TARGET_RATIO, smoke)),
                    new SummaryTable.Row("2 latency publish → PUBACK", "p99 ≤ 40 ms",
                            String.format("p99 %.1f ms, p50 %.1f ms", p99Millis(), p50Millis()), "p99 160 ms, p50 32 ms",
                            SummaryTable.timing(p99Millis() <= TARGET_P99_MILLIS, smoke)),
                    new SummaryTable.Row("3 bridge CPU per event", "≤ 0.10 ms",
                            String.format("%.3f ms", cpuMillisPerEvent()), "≈ 0.35 ms",
                            SummaryTable.timing(cpuMillisPerEvent() >= 0 && cpuMillisPerEvent() <= TARGET_CPU_MILLIS_PER_EVENT, smoke)),
                    new SummaryTable.Row("  bridge peak RSS under load", "-",
                            String.format("%.0f MiB%s", Stats.mib(peakRssKib()), peakPerRound ? "" : " (since start)"), "174 MiB",
                            SummaryTable.Verdict.INFO),
                    new SummaryTable.Row("  bridge RSS idle after start", "-", String.format("%.0f MiB", Stats.mib(idleRssKib)), "55 MiB",
                            SummaryTable.Verdict.INFO),
                    new SummaryTable.Row("  ingest: every event delivered", "all",
                            String.format("%,d of %,d%s", delivered, events,
                                    duplicates() > 0 ? " (+" + duplicates() + " duplicates)" : ""),
                            "-", SummaryTable.check(allDelivered())));
        }
    }

    private IngestBenchmark() {
    }

    static Result run(Settings settings, BenchEnvironment env) throws InterruptedException {
        env.progress("== ingest: %d clients × %d in flight, %,d events × %d rounds (warm-up %,d), ceiling %d concurrent POSTs",
                settings.clients(), settings.inFlight(), settings.events(), settings.rounds(), settings.warmupEvents(),
                settings.ceilingConcurrency());
        EventPayloads payloads = new EventPayloads();
        try (EventSink sink = EventSink.start(EventSink.DEFAULT_THREADS).delay(settings.sinkDelay());
                BridgeProcess bridge = BridgeProcess.start(sink.publishUrl(), env.bridgeOptions("ingest", List.of()), "ingest")) {
            long idleRss = bridge.rssKib();
            env.progress("bridge pid %d at %s (log %s), RSS after start %.0f MiB", bridge.pid(), bridge.baseUri(), bridge.log(),
                    Stats.mib(idleRss));
            Secret token = bridge.fetchToken();
            CeilingLoad ceiling = new CeilingLoad(sink.publishUrl(), settings.ceilingConcurrency(), payloads);
            List<Round> rounds = new ArrayList<>();
            boolean warmupDelivered;
            boolean peakPerRound = true;
            try (MqttLoad load = MqttLoad.connect(new MqttLoad.Connection(bridge.baseUri(), token, "bench-ingest", 60, true, 64,
                    Duration.ofSeconds(30)), settings.clients())) {
                warmupDelivered = true;
                if (settings.warmupEvents() > 0) {
                    LoadRun c = ceiling.run(sink.expect(RANDOM.nextLong(), settings.warmupEvents()), settings.timeout());
                    env.progress("warm-up ceiling: %s", c.describe());
                    DeliveryLedger ledger = sink.expect(RANDOM.nextLong(), settings.warmupEvents());
                    LoadRun b = load.start(payloads, ledger, settings.inFlight()).await(settings.timeout());
                    warmupDelivered = ledger.missing() == 0 && b.complete();
                    env.progress("warm-up bridge:  %s", b.describe());
                }
                for (int r = 1; r <= settings.rounds(); r++) {
                    DeliveryLedger ceilingLedger = sink.expect(RANDOM.nextLong(), settings.events());
                    SelfCpu ceilingCpu = SelfCpu.start();
                    LoadRun c = ceiling.run(ceilingLedger, settings.timeout());
                    String ceilingSelf = ceilingCpu.describe(settings.events());
                    boolean ceilingDelivered = ceilingLedger.awaitAll(Duration.ofSeconds(5));
                    env.progress("round %d ceiling: %s", r, c.describe());
                    env.progress("round %d ceiling, this JVM (client + sink): %s", r, ceilingSelf);

                    boolean perRound = bridge.resetPeak();
                    peakPerRound &= perRound;
                    ProcStats.Cpu cpuBefore = bridge.cpu();
                    long switchesBefore = bridge.contextSwitches();
                    var threadsBefore = ProcStats.cpuByThreadGroup(bridge.pid());
                    DeliveryLedger ledger = sink.expect(RANDOM.nextLong(), settings.events());
                    SelfCpu loadCpu = SelfCpu.start();
                    LoadRun b = load.start(payloads, ledger, settings.inFlight()).await(settings.timeout());
                    String loadSelf = loadCpu.describe(settings.events());
                    ProcStats.Cpu cpuAfter = bridge.cpu();
                    long switches = bridge.contextSwitches() - switchesBefore;
                    String threads = ProcStats.describeDelta(threadsBefore, ProcStats.cpuByThreadGroup(bridge.pid()), 6);
                    boolean delivered = ledger.awaitAll(Duration.ofSeconds(5));
                    long peak = bridge.peakRssKib();
                    ProcStats.Cpu cpu = cpuBefore == null || cpuAfter == null ? null : cpuAfter.minus(cpuBefore);
                    double cpuPerEvent = cpu == null ? -1 : cpu.totalMillis() / settings.events();
                    env.progress("round %d bridge:  %s; CPU %.3f ms/event (user %.3f, system %.3f), %.1f context switches/event, "
                                    + "peak RSS %.0f MiB%s%s", r, b.describe(), cpuPerEvent,
                            cpu == null ? -1 : cpu.userMillis() / settings.events(), cpu == null ? -1 : cpu.systemMillis() / settings.events(),
                            (double) switches / settings.events(), Stats.mib(peak), perRound ? "" : " (since start)",
                            delivered ? "" : "; NOT DELIVERED: " + ledger.missing() + " e.g. " + ledger.missingSequences(5));
                    env.progress("round %d bridge CPU by thread: %s", r, threads);
                    env.progress("round %d bridge, this JVM (MQTT clients + sink): %s", r, loadSelf);
                    rounds.add(new Round(c, b, cpuPerEvent, peak, ledger.delivered(), ceilingDelivered, ledger.duplicates()));
                }
                Result result = new Result(settings, rounds, idleRss, peakPerRound, warmupDelivered);
                env.progress("ingest: ratio %.2f (bridge %,.0f ev/s / ceiling %,.0f ev/s), p50 %.1f ms, p99 %.1f ms (ceiling p99 %.1f ms), "
                                + "CPU %.3f ms/event, peak RSS %.0f MiB", result.ratio(), result.bridgeMedian(), result.ceilingMedian(),
                        result.p50Millis(), result.p99Millis(), result.ceilingP99Millis(), result.cpuMillisPerEvent(),
                        Stats.mib(result.peakRssKib()));
                if (!bridge.isAlive()) {
                    env.progress("the bridge died:%n%s", bridge.logTail(20));
                }
                return result;
            } finally {
                bridge.stop();
                env.printProfile("ingest");
            }
        }
    }

    /** CPU time of this JVM (load generator and sink) over a run, per event and by thread. */
    private record SelfCpu(long pid, ProcStats.Cpu cpu, java.util.Map<String, Double> threads) {

        static SelfCpu start() {
            long pid = ProcessHandle.current().pid();
            return new SelfCpu(pid, ProcStats.cpu(pid), ProcStats.cpuByThreadGroup(pid));
        }

        String describe(int events) {
            ProcStats.Cpu now = ProcStats.cpu(pid);
            if (cpu == null || now == null) {
                return "CPU unknown";
            }
            return String.format("CPU %.3f ms/event; %s", now.minus(cpu).totalMillis() / events,
                    ProcStats.describeDelta(threads, ProcStats.cpuByThreadGroup(pid), 5));
        }
    }

    static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
    }
}
