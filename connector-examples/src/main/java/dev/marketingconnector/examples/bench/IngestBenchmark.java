package dev.marketingconnector.examples.bench;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/**
 * Targets 1–3 (issue 13), the flaky event bus (issue 12 §5) and the spool modes (issue 14): QoS 1
 * ingest (MQTT over WebSocket → bridge → HTTP events sink → PUBACK) against the sink's ceiling, in
 * interleaved rounds after a warm-up of each subject. One round measures, in this order:
 * <ol>
 *   <li>the ceiling from the fastest client: the same CloudEvents POSTed straight to the sink by a Netty
 *       HTTP/1.1 client ({@link NettyCeilingLoad}), one request per keep-alive connection at a time, and, as
 *       further figures, by {@code java.net.http} and by the Netty client pipelining (the sink's capacity
 *       for batched reads, which no HTTP/1.1 client should use for POSTs);</li>
 *   <li>the bridge (a child process of this jar, SPOOL=none);</li>
 *   <li>with {@code --fault-ratio}: the same bridge while the sink answers that share of POSTs 503;</li>
 *   <li>with {@code --outage}: the same bridge while the sink is down for that long in the middle of the round;</li>
 *   <li>with {@code --spool}: a bridge per spool mode;</li>
 *   <li>with {@code --anchor seed}: the seed's Node.js bridge against the sink's Kyma v1 route.</li>
 * </ol>
 * Figures are medians of the rounds; the ratio is taken against the fastest ceiling client that does not
 * pipeline. The warm-up is long enough by default for the JIT compilers to be done with the bridge's hot
 * path, as they are in a pod that has run for a while.
 */
final class IngestBenchmark {

    static final int DEFAULT_CLIENTS = 8;
    static final int DEFAULT_IN_FLIGHT = 16;
    static final int DEFAULT_EVENTS = 50_000;
    /** The least warm-up the issue allows; {@code outage}'s default. */
    static final int MIN_WARMUP_EVENTS = 10_000;
    /** {@code ingest}'s default warm-up: after 10,000 events C2 still takes a third of the bridge's CPU. */
    static final int DEFAULT_WARMUP_EVENTS = 200_000;
    static final int DEFAULT_ROUNDS = 5;
    static final double TARGET_RATIO = 0.60;
    static final double TARGET_SEED_FACTOR = 1.5;
    static final double TARGET_P99_MILLIS = 40;
    static final double TARGET_CPU_MILLIS_PER_EVENT = 0.10;
    static final double TARGET_FAULT_FACTOR = 0.5;
    static final double TARGET_FAULT_P99_MILLIS = 1_000;
    static final double TARGET_RESUME_MILLIS = 2_000;
    static final double TARGET_DISK_FACTOR = 0.7;

    static final String BRIDGE = "bridge";
    static final String FAULTS = "bridge, faults";
    static final String OUTAGE = "bridge, outage";
    static final String SEED = SeedBridgeProcess.LABEL;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration DELIVERY_WAIT = Duration.ofSeconds(5);
    private static final Duration SPOOL_DELIVERY_WAIT = Duration.ofSeconds(120);

    record Settings(int clients, int inFlight, int events, int warmupEvents, int rounds, int ceilingConcurrency, int ceilingConnections,
            List<CeilingClient.Kind> ceilings, Duration sinkDelay, Duration timeout, double faultRatio, long faultSeed, Duration outage,
            EventSink.OutageMode outageMode, Duration faultSendFor, int faultEvents, Optional<Path> seedBridge) {

        Settings {
            positive("clients", clients);
            positive("in-flight", inFlight);
            positive("events", events);
            positive("rounds", rounds);
            positive("ceiling-concurrency", ceilingConcurrency);
            positive("ceiling-connections", ceilingConnections);
            ceilings = List.copyOf(ceilings);
            if (ceilings.isEmpty()) {
                throw new IllegalArgumentException("--ceilings needs at least one client");
            }
            if (warmupEvents < 0) {
                throw new IllegalArgumentException("warm-up events must be >= 0, got " + warmupEvents);
            }
            if (!(faultRatio >= 0 && faultRatio < 1)) {
                throw new IllegalArgumentException("--fault-ratio must be at least 0 and below 1, got " + faultRatio);
            }
            if (outage != null && (outage.isNegative() || outage.isZero())) {
                throw new IllegalArgumentException("--outage must be a positive duration, got " + outage);
            }
            if (faultSendFor.isNegative() || faultSendFor.isZero()) {
                throw new IllegalArgumentException("--fault-time-limit must be a positive duration, got " + faultSendFor);
            }
            positive("fault-events", faultEvents);
        }
    }

    /** Delivery as the sink's ledger saw it. */
    record Delivery(int expected, int delivered, long duplicates, long foreign, long refusedAttempts, int refusedEvents,
            int refusedNotRedelivered) {

        /** Of the events {@code 0 … sent - 1} the run sent. */
        static Delivery of(DeliveryLedger ledger, int sent) {
            return new Delivery(sent, ledger.deliveredBelow(sent), ledger.duplicates(), ledger.foreign(), ledger.refusedAttempts(),
                    ledger.refusedEvents(), ledger.refusedNotRedelivered());
        }

        /** Every event arrived, every refused one came again with its id, no id was made up. */
        boolean ok() {
            return delivered == expected && foreign == 0 && refusedNotRedelivered == 0;
        }
    }

    /**
     * One subject in one round.
     *
     * @param cpuMillisPerEvent  the subject's process (bridge) per event; -1 for a ceiling
     * @param self               this JVM's CPU per event (load generator or ceiling client, sink)
     * @param peakRssKib         the bridge's peak RSS during the run; -1 for a ceiling
     * @param retries            growth of the bridge's {@code connector_events_retried_total}, when it has one
     * @param resumeMillis       outage end → first event accepted by the sink; -1 when no outage
     * @param firstAckMillis     outage end → first PUBACK after it; -1 when no outage
     */
    record Measurement(String subject, LoadRun run, double cpuMillisPerEvent, SelfCpu.Split self, long peakRssKib, Delivery delivery,
            OptionalDouble retries, double resumeMillis, double firstAckMillis) {

        boolean ok() {
            return delivery.ok() && run.complete() && run.failed() == 0;
        }
    }

    record Result(Settings settings, List<String> subjects, Map<String, List<Measurement>> measurements, Map<String, Long> idleRssKib,
            Map<String, Long> lifetimePeakKib, Optional<BenchOptions.PodLimit> pod, boolean warmupOk, String loadClient) {

        List<Measurement> of(String subject) {
            return measurements.getOrDefault(subject, List.of());
        }

        boolean has(String subject) {
            return !of(subject).isEmpty();
        }

        double median(String subject, ToDoubleFunction<Measurement> figure) {
            return Stats.median(of(subject).stream().map(m -> figure.applyAsDouble(m)).toList());
        }

        double throughput(String subject) {
            return median(subject, m -> m.run().perSecond());
        }

        double p99(String subject) {
            return median(subject, m -> m.run().p99Millis());
        }

        double p50(String subject) {
            return median(subject, m -> m.run().p50Millis());
        }

        double cpu(String subject) {
            return median(subject, Measurement::cpuMillisPerEvent);
        }

        /**
         * The fastest of the ceiling clients that do not pipeline, by median (the ceiling is the sink's, whichever
         * client reaches it); the pipelining one only when it was the only one measured.
         */
        String fastestCeiling() {
            String fastest = fastest(false);
            return fastest != null ? fastest : Optional.ofNullable(fastest(true)).orElse(settings.ceilings().get(0).subject());
        }

        private String fastest(boolean pipelining) {
            String fastest = null;
            for (CeilingClient.Kind kind : settings.ceilings()) {
                if (kind.pipelines() == pipelining && has(kind.subject())
                        && (fastest == null || throughput(kind.subject()) > throughput(fastest))) {
                    fastest = kind.subject();
                }
            }
            return fastest;
        }

        double ceiling() {
            return throughput(fastestCeiling());
        }

        double ratio(String subject) {
            double ceiling = ceiling();
            return ceiling == 0 ? 0 : throughput(subject) / ceiling;
        }

        long peakKib(String subject) {
            return lifetimePeakKib.getOrDefault(subject, -1L);
        }

        boolean allDelivered() {
            return warmupOk && measurements.values().stream().flatMap(List::stream).allMatch(Measurement::ok);
        }

        List<SummaryTable.Row> rows(boolean smoke) {
            boolean seed = has(SEED);
            List<SummaryTable.Row> rows = new ArrayList<>();
            String ceilings = String.join(", ", settings.ceilings().stream().filter(k -> has(k.subject()) && !k.pipelines())
                    .map(k -> String.format("%s %,.0f", k.option(), throughput(k.subject()))).toList());
            String pipelined = settings.ceilings().stream().filter(k -> has(k.subject()) && k.pipelines() && throughput(k.subject()) > 0)
                    .map(k -> String.format("; pipelined (no ceiling for POSTs) %,.0f → %.2f", throughput(k.subject()),
                            throughput(BRIDGE) / throughput(k.subject())))
                    .findFirst().orElse("");
            rows.add(new SummaryTable.Row("1 ingest throughput, bridge / ceiling", "≥ 0.60",
                    String.format("%.2f (%,.0f / %,.0f ev/s; ceilings: %s%s)", ratio(BRIDGE), throughput(BRIDGE), ceiling(), ceilings,
                            pipelined),
                    seed ? String.format("%.2f (%,.0f ev/s)", ratio(SEED), throughput(SEED)) : "-",
                    SummaryTable.timing(ratio(BRIDGE) >= TARGET_RATIO, smoke)));
            if (seed) {
                double factor = throughput(BRIDGE) / throughput(SEED);
                rows.add(new SummaryTable.Row("1 ingest throughput, bridge / seed", "≥ 1.5×",
                        String.format("%.2f× (%,.0f / %,.0f ev/s)", factor, throughput(BRIDGE), throughput(SEED)), "1",
                        SummaryTable.timing(factor >= TARGET_SEED_FACTOR, smoke)));
            } else {
                rows.add(new SummaryTable.Row("1 ingest throughput, bridge / seed", "≥ 1.5×", "not measured (bench ingest --anchor seed)",
                        "-", SummaryTable.Verdict.INFO));
            }
            rows.add(new SummaryTable.Row("2 latency publish → PUBACK", "p99 ≤ 40 ms",
                    String.format("p99 %.1f ms, p50 %.1f ms", p99(BRIDGE), p50(BRIDGE)),
                    seed ? String.format("p99 %.1f ms, p50 %.1f ms", p99(SEED), p50(SEED)) : "-",
                    SummaryTable.timing(p99(BRIDGE) <= TARGET_P99_MILLIS, smoke)));
            rows.add(new SummaryTable.Row("3 bridge CPU per event", "≤ 0.10 ms", String.format("%.3f ms", cpu(BRIDGE)),
                    seed ? String.format("%.3f ms", cpu(SEED)) : "-",
                    SummaryTable.timing(cpu(BRIDGE) >= 0 && cpu(BRIDGE) <= TARGET_CPU_MILLIS_PER_EVENT, smoke)));
            rows.add(new SummaryTable.Row("  load generator CPU per event", "-",
                    String.format("%.3f ms (%s client), sink %.3f ms", median(BRIDGE, m -> m.self().loadMillisPerEvent()), loadClient,
                            median(BRIDGE, m -> m.self().sinkMillisPerEvent())),
                    seed ? String.format("%.3f ms", median(SEED, m -> m.self().loadMillisPerEvent())) : "-", SummaryTable.Verdict.INFO));
            String seedPeak = seed ? String.format("%.0f MiB", Stats.mib(peakKib(SEED))) : "-";
            if (pod.isPresent()) {
                long bound = pod.get().boundKib();
                rows.add(new SummaryTable.Row("13 ingest: peak RSS in the pod", String.format("≤ %.0f MiB (80 %% of %s)", bound / 1024.0,
                        pod.get().text()), String.format("%.0f MiB (VmHWM)", Stats.mib(peakKib(BRIDGE))), seedPeak,
                        SummaryTable.timing(peakKib(BRIDGE) > 0 && peakKib(BRIDGE) <= bound, smoke)));
            } else {
                rows.add(new SummaryTable.Row("  bridge peak RSS under load", "-", String.format("%.0f MiB (VmHWM)", Stats.mib(peakKib(BRIDGE))),
                        seedPeak, SummaryTable.Verdict.INFO));
            }
            rows.add(new SummaryTable.Row("  bridge RSS idle after start", "-", String.format("%.0f MiB", Stats.mib(idleRssKib.getOrDefault(BRIDGE, -1L))),
                    seed ? String.format("%.0f MiB", Stats.mib(idleRssKib.getOrDefault(SEED, -1L))) : "-", SummaryTable.Verdict.INFO));
            rows.add(new SummaryTable.Row("  ingest: every event delivered", "all", deliveredText(BRIDGE),
                    seed ? deliveredText(SEED) : "-", SummaryTable.check(warmupOk && of(BRIDGE).stream().allMatch(Measurement::ok)
                            && of(SEED).stream().allMatch(Measurement::ok))));
            if (has(FAULTS)) {
                rows.addAll(faultRows(smoke));
            }
            if (has(OUTAGE)) {
                rows.addAll(outageRows(smoke));
            }
            for (String subject : subjects) {
                if (subject.startsWith(BRIDGE + ", SPOOL=")) {
                    rows.addAll(spoolRows(subject, smoke));
                }
            }
            return rows;
        }

        private String deliveredText(String subject) {
            int expected = of(subject).stream().mapToInt(m -> m.delivery().expected()).sum();
            int delivered = of(subject).stream().mapToInt(m -> m.delivery().delivered()).sum();
            long duplicates = of(subject).stream().mapToLong(m -> m.delivery().duplicates()).sum();
            return String.format("%,d of %,d%s", delivered, expected, duplicates > 0 ? " (+" + duplicates + " duplicates)" : "");
        }

        private String retriesText(String subject) {
            List<Measurement> runs = of(subject);
            boolean known = runs.stream().allMatch(m -> m.retries().isPresent());
            long refusals = runs.stream().mapToLong(m -> m.delivery().refusedAttempts()).sum();
            String counted = known ? String.format("%,.0f retries counted", runs.stream().mapToDouble(m -> m.retries().getAsDouble()).sum())
                    : "retries: no " + BridgeMetrics.RETRIED_TOTAL;
            return String.format("%s, %,d refused by the sink", counted, refusals);
        }

        private List<SummaryTable.Row> faultRows(boolean smoke) {
            double factor = throughput(FAULTS) / throughput(BRIDGE);
            String share = String.format("%.0f %%", settings.faultRatio() * 100);
            return List.of(
                    new SummaryTable.Row("12.5 " + share + " 503: throughput vs fault-free", "≥ 0.5×",
                            String.format("%.2f× (%,.0f / %,.0f ev/s); %s", factor, throughput(FAULTS), throughput(BRIDGE), retriesText(FAULTS)),
                            "-", SummaryTable.timing(factor >= TARGET_FAULT_FACTOR, smoke)),
                    new SummaryTable.Row("12.5 " + share + " 503: latency", "p99 ≤ 1 s",
                            String.format("p99 %.1f ms, p50 %.1f ms, max %.0f ms", p99(FAULTS), p50(FAULTS), median(FAULTS, m -> m.run().maxMillis())),
                            "-", SummaryTable.timing(p99(FAULTS) <= TARGET_FAULT_P99_MILLIS, smoke)),
                    new SummaryTable.Row("12.5 " + share + " 503: nothing lost, ids kept", "all", faultDeliveryText(FAULTS), "-",
                            SummaryTable.check(of(FAULTS).stream().allMatch(Measurement::ok))));
        }

        private String faultDeliveryText(String subject) {
            List<Measurement> runs = of(subject);
            int expected = runs.stream().mapToInt(m -> m.delivery().expected()).sum();
            int delivered = runs.stream().mapToInt(m -> m.delivery().delivered()).sum();
            int refusedEvents = runs.stream().mapToInt(m -> m.delivery().refusedEvents()).sum();
            int notRedelivered = runs.stream().mapToInt(m -> m.delivery().refusedNotRedelivered()).sum();
            long foreign = runs.stream().mapToLong(m -> m.delivery().foreign()).sum();
            long duplicates = runs.stream().mapToLong(m -> m.delivery().duplicates()).sum();
            return String.format("%,d of %,d; %,d refused events, %s; %,d foreign ids, %,d duplicates", delivered, expected, refusedEvents,
                    notRedelivered == 0 ? "all redelivered with their id" : notRedelivered + " never redelivered", foreign, duplicates);
        }

        private List<SummaryTable.Row> outageRows(boolean smoke) {
            double resume = median(OUTAGE, Measurement::resumeMillis);
            double firstAck = median(OUTAGE, Measurement::firstAckMillis);
            String outage = Stats.duration(settings.outage());
            return List.of(
                    new SummaryTable.Row("12.5 " + outage + " outage: delivery resumes", "≤ 2 s",
                            String.format("%s (first PUBACK %s after the end); %,.0f ev/s, p99 %.0f ms over the round; %s",
                                    resume < 0 ? "never" : String.format("%.2f s", resume / 1000),
                                    firstAck < 0 ? "never" : String.format("%.2f s", firstAck / 1000), throughput(OUTAGE), p99(OUTAGE),
                                    retriesText(OUTAGE)), "-",
                            SummaryTable.timing(resume >= 0 && resume <= TARGET_RESUME_MILLIS, smoke)),
                    new SummaryTable.Row("12.5 " + outage + " outage: nothing lost, ids kept", "all", faultDeliveryText(OUTAGE), "-",
                            SummaryTable.check(of(OUTAGE).stream().allMatch(Measurement::ok))));
        }

        private List<SummaryTable.Row> spoolRows(String subject, boolean smoke) {
            String mode = subject.substring((BRIDGE + ", SPOOL=").length());
            double factor = throughput(subject) / throughput(BRIDGE);
            boolean disk = mode.equals("disk");
            String figures = String.format("%.2f× (%,.0f / %,.0f ev/s), p99 %.1f ms, p50 %.1f ms, CPU %.3f ms/event, peak RSS %.0f MiB", factor,
                    throughput(subject), throughput(BRIDGE), p99(subject), p50(subject), cpu(subject), Stats.mib(peakKib(subject)));
            List<SummaryTable.Row> rows = new ArrayList<>();
            if (disk) {
                rows.add(new SummaryTable.Row("14 SPOOL=disk: throughput vs none", "≥ 0.7×", figures, "-",
                        SummaryTable.timing(factor >= TARGET_DISK_FACTOR, smoke)));
                rows.add(new SummaryTable.Row("14 SPOOL=disk: latency", "p99 ≤ 40 ms", String.format("p99 %.1f ms", p99(subject)), "-",
                        SummaryTable.timing(p99(subject) <= TARGET_P99_MILLIS, smoke)));
            } else {
                rows.add(new SummaryTable.Row("14 SPOOL=" + mode + ": throughput vs none", "-", figures, "-", SummaryTable.Verdict.INFO));
            }
            rows.add(new SummaryTable.Row("  SPOOL=" + mode + ": every event delivered", "all", deliveredText(subject), "-",
                    SummaryTable.check(of(subject).stream().allMatch(Measurement::ok))));
            return rows;
        }
    }

    private IngestBenchmark() {
    }

    /** A bridge and the clients connected to it. */
    private static final class Subject implements AutoCloseable {

        final String name;
        final BridgeUnderTest bridge;
        final MqttLoadClients load;
        long lifetimePeakKib = -1;

        Subject(String name, BridgeUnderTest bridge, MqttLoadClients load) {
            this.name = name;
            this.bridge = bridge;
            this.load = load;
        }

        /** Folds the peak so far into the lifetime peak and starts a new one; false when the peak cannot be reset. */
        boolean newPeak() {
            lifetimePeakKib = Math.max(lifetimePeakKib, bridge.peakRssKib());
            return bridge.resetPeak();
        }

        long lifetimePeak() {
            return Math.max(lifetimePeakKib, bridge.peakRssKib());
        }

        @Override
        public void close() {
            try {
                load.close();
            } finally {
                bridge.close();
            }
        }
    }

    static Result run(Settings settings, BenchEnvironment env) throws InterruptedException {
        List<String> spoolModes = env.spoolModes().stream().filter(mode -> !mode.equals("none")).toList();
        env.progress("== ingest: %d clients × %d in flight (%s client), %,d events × %d rounds (warm-up %,d), ceiling %d in flight%s%s%s%s",
                settings.clients(), settings.inFlight(), env.loadClient().label(), settings.events(), settings.rounds(),
                settings.warmupEvents(), settings.ceilingConcurrency(),
                settings.faultRatio() > 0 ? String.format(", faults: %.0f %% 503 (seed %d)", settings.faultRatio() * 100, settings.faultSeed()) : "",
                settings.outage() != null ? ", outage " + Stats.duration(settings.outage()) + " (" + settings.outageMode().name().toLowerCase() + ")" : "",
                spoolModes.isEmpty() ? "" : ", SPOOL " + spoolModes + " next to none",
                settings.seedBridge().isPresent() ? ", the seed's Node.js bridge side by side" : "");
        env.progress("bridge: %s", env.describeBridge());
        EventPayloads payloads = new EventPayloads();
        List<Subject> subjects = new ArrayList<>();
        Map<String, Long> idleRss = new LinkedHashMap<>();
        Map<String, CeilingClient> ceilings = new LinkedHashMap<>();
        try (EventSink sink = EventSink.start(EventSink.DEFAULT_THREADS).delay(settings.sinkDelay())) {
            for (CeilingClient.Kind kind : settings.ceilings()) {
                ceilings.put(kind.subject(), kind.open(sink.publishUrl(), settings.ceilingConcurrency(), settings.ceilingConnections(), payloads));
            }
            ceilings.forEach((name, client) -> env.progress("%s: %s", name, client.describe()));
            try {
                subjects.add(startJava(BRIDGE, "ingest", "none", sink, settings, env, idleRss));
                for (String mode : spoolModes) {
                    Subject spooled = startJava(BRIDGE + ", SPOOL=" + mode, "ingest", mode, sink, settings, env, idleRss);
                    subjects.add(spooled);
                    if (!BridgeMetrics.mentions(spooled.bridge.baseUri(), "connector_spool")) {
                        env.progress("note: the SPOOL=%s bridge shows no connector_spool* metric: does this build support SPOOL=%s?", mode, mode);
                    }
                }
                if (settings.seedBridge().isPresent()) {
                    Path installed = SeedBridgeProcess.install(settings.seedBridge().get(), env.workDir(), env.out());
                    SeedBridgeProcess seed = SeedBridgeProcess.start(installed, sink.kymaV1Url(), env.workDir());
                    idleRss.put(SEED, seed.rssKib());
                    env.progress("%s pid %d at %s (errors to %s), RSS after start %.0f MiB", SEED, seed.pid(), seed.baseUri(), seed.log(),
                            Stats.mib(seed.rssKib()));
                    try {
                        subjects.add(new Subject(SEED, seed, connect(seed, "bench-seed", settings, env)));
                    } catch (RuntimeException | InterruptedException e) {
                        seed.close();
                        throw e;
                    }
                }
                Subject bridge = subjects.get(0);
                List<String> order = new ArrayList<>(ceilings.keySet());
                order.add(BRIDGE);
                if (settings.faultRatio() > 0) {
                    order.add(FAULTS);
                }
                if (settings.outage() != null) {
                    order.add(OUTAGE);
                }
                subjects.stream().skip(1).forEach(s -> order.add(s.name));

                Runner runner = new Runner(settings, env, sink, payloads, ceilings);
                boolean warmupOk = true;
                if (settings.warmupEvents() > 0) {
                    for (String ceiling : ceilings.keySet()) {
                        warmupOk &= runner.ceiling(ceiling, settings.warmupEvents(), "warm-up").ok();
                    }
                    for (Subject subject : subjects) {
                        warmupOk &= runner.bridge(subject, subject.name, settings.warmupEvents(), "warm-up").ok();
                    }
                    if (settings.faultRatio() > 0) {
                        warmupOk &= runner.bridge(bridge, FAULTS, Math.max(1, Math.min(settings.faultEvents(), settings.warmupEvents()) / 4),
                                "warm-up").ok();
                    }
                }
                Map<String, List<Measurement>> measured = new LinkedHashMap<>();
                for (int r = 1; r <= settings.rounds(); r++) {
                    String round = "round " + r;
                    for (String name : order) {
                        Measurement m;
                        if (ceilings.containsKey(name)) {
                            m = runner.ceiling(name, settings.events(), round);
                        } else if (name.equals(FAULTS) || name.equals(OUTAGE)) {
                            m = runner.bridge(bridge, name, settings.faultEvents(), round);
                        } else {
                            Subject subject = subjects.stream().filter(s -> s.name.equals(name)).findFirst().orElseThrow();
                            m = runner.bridge(subject, name, settings.events(), round);
                        }
                        measured.computeIfAbsent(name, k -> new ArrayList<>()).add(m);
                    }
                }
                Map<String, Long> peaks = new LinkedHashMap<>();
                subjects.forEach(s -> peaks.put(s.name, s.lifetimePeak()));
                Result result = new Result(settings, order, measured, idleRss, peaks, env.pod(), warmupOk, env.loadClient().label());
                env.progress("ingest: ratio %.2f (bridge %,.0f ev/s / %s %,.0f ev/s), p50 %.1f ms, p99 %.1f ms, CPU %.3f ms/event, peak RSS %.0f MiB",
                        result.ratio(BRIDGE), result.throughput(BRIDGE), result.fastestCeiling(), result.ceiling(), result.p50(BRIDGE),
                        result.p99(BRIDGE), result.cpu(BRIDGE), Stats.mib(result.peakKib(BRIDGE)));
                if (result.has(SEED)) {
                    env.progress("seed:   ratio %.2f (%,.0f ev/s), p50 %.1f ms, p99 %.1f ms, CPU %.3f ms/event, peak RSS %.0f MiB; bridge / seed %.2f×",
                            result.ratio(SEED), result.throughput(SEED), result.p50(SEED), result.p99(SEED), result.cpu(SEED),
                            Stats.mib(result.peakKib(SEED)), result.throughput(BRIDGE) / result.throughput(SEED));
                }
                if (sink.rejected() > 0) {
                    env.progress("the sink rejected %,d requests; the last: %s", sink.rejected(), sink.lastRejection().orElse("?"));
                }
                for (Subject subject : subjects) {
                    if (!subject.bridge.isAlive()) {
                        env.progress("%s died:%n%s", subject.name, subject.bridge.logTail(20));
                    }
                }
                return result;
            } finally {
                for (Subject subject : subjects) {
                    subject.close();
                }
                ceilings.values().forEach(CeilingClient::close);
                subjects.stream().filter(s -> s.bridge instanceof BridgeProcess).forEach(s -> env.printProfile(profileName(s.name)));
            }
        }
    }

    private static String profileName(String subject) {
        return subject.startsWith(BRIDGE + ", SPOOL=") ? "ingest-" + subject.substring((BRIDGE + ", SPOOL=").length()) : "ingest";
    }

    private static Subject startJava(String name, String benchmark, String spoolMode, EventSink sink, Settings settings, BenchEnvironment env,
            Map<String, Long> idleRss) throws InterruptedException {
        String logName = spoolMode.equals("none") ? benchmark : benchmark + "-" + spoolMode;
        BridgeProcess bridge = BridgeProcess.start(sink.publishUrl(), env.bridgeOptions(benchmark, List.of(), spoolMode), logName, name);
        try {
            idleRss.put(name, bridge.rssKib());
            env.progress("%s pid %d at %s (log %s), RSS after start %.0f MiB; %s", name, bridge.pid(), bridge.baseUri(), bridge.log(),
                    Stats.mib(bridge.rssKib()), bridge.describeEnvironment(env.childEnv().keySet()));
            return new Subject(name, bridge, connect(bridge, "bench-" + logName, settings, env));
        } catch (RuntimeException | InterruptedException e) {
            bridge.close();
            throw e;
        }
    }

    private static MqttLoadClients connect(BridgeUnderTest bridge, String prefix, Settings settings, BenchEnvironment env)
            throws InterruptedException {
        return MqttLoadClients.connect(env.loadClient(), new MqttLoadClients.Connection(bridge.baseUri(), bridge.token(), prefix, 60, true, 64,
                Duration.ofSeconds(30)), settings.clients());
    }

    /** Runs one subject for one round (or the warm-up) and reports it. */
    private record Runner(Settings settings, BenchEnvironment env, EventSink sink, EventPayloads payloads, Map<String, CeilingClient> ceilings) {

        Measurement ceiling(String name, int events, String round) throws InterruptedException {
            DeliveryLedger ledger = sink.expect(RANDOM.nextLong(), events);
            SelfCpu self = SelfCpu.start();
            CeilingClient client = ceilings.get(name);
            LoadRun run = client.run(ledger, settings.timeout());
            SelfCpu.Split split = self.stop(events, client.threadGroups());
            ledger.awaitAll(DELIVERY_WAIT);
            Measurement m = new Measurement(name, run, -1, split, -1, Delivery.of(ledger, run.events()), OptionalDouble.empty(), -1, -1);
            env.progress("%s %s: %s", round, name, run.describe());
            env.progress("%s %s, this JVM: %s", round, name, split.describe("client"));
            if (!m.ok()) {
                env.progress("%s %s: NOT ALL DELIVERED: %s", round, name, ledger.describe());
            }
            return m;
        }

        Measurement bridge(Subject subject, String name, int events, String round) throws InterruptedException {
            boolean perRound = subject.newPeak();
            BridgeUnderTest bridge = subject.bridge;
            ProcStats.Cpu cpuBefore = bridge.cpu();
            long switchesBefore = bridge.contextSwitches();
            Map<String, Double> threadsBefore = ProcStats.cpuByThreadGroup(bridge.pid());
            OptionalDouble retriedBefore = bridge.counter(BridgeMetrics.RETRIED_TOTAL);
            DeliveryLedger ledger = sink.expect(RANDOM.nextLong(), events);
            boolean faults = name.equals(FAULTS);
            boolean outage = name.equals(OUTAGE);
            if (faults) {
                sink.failRatio(settings.faultRatio(), settings.faultSeed() + round.hashCode());
            }
            SelfCpu self = SelfCpu.start();
            LoadTracker tracker = subject.load.start(payloads, ledger, settings.inFlight(), faults || outage ? settings.faultSendFor() : null);
            OutageTrigger trigger = outage ? OutageTrigger.start(sink, tracker, settings.outage(), settings.outageMode()) : null;
            LoadRun run;
            try {
                run = tracker.await(settings.timeout().plus(outage ? settings.outage() : Duration.ZERO), bridge::isAlive);
            } finally {
                if (trigger != null) {
                    trigger.finish();
                }
                sink.failRatio(0, 0);
            }
            boolean spooled = name.startsWith(BRIDGE + ", SPOOL=");
            int sent = tracker.sent();
            boolean delivered = awaitDelivered(ledger, sent, spooled ? SPOOL_DELIVERY_WAIT : DELIVERY_WAIT);
            events = Math.max(1, sent);
            SelfCpu.Split split = self.stop(events, subject.load.threadGroups());
            ProcStats.Cpu cpuAfter = bridge.cpu();
            long switches = bridge.contextSwitches() - switchesBefore;
            String threads = ProcStats.describeDelta(threadsBefore, ProcStats.cpuByThreadGroup(bridge.pid()), 6);
            OptionalDouble retriedAfter = bridge.counter(BridgeMetrics.RETRIED_TOTAL);
            OptionalDouble retries = retriedBefore.isPresent() && retriedAfter.isPresent()
                    ? OptionalDouble.of(retriedAfter.getAsDouble() - retriedBefore.getAsDouble()) : OptionalDouble.empty();
            long peak = bridge.peakRssKib();
            ProcStats.Cpu cpu = cpuBefore == null || cpuAfter == null ? null : cpuAfter.minus(cpuBefore);
            double cpuPerEvent = cpu == null ? -1 : cpu.totalMillis() / events;
            double resume = -1;
            double firstAck = -1;
            if (trigger != null && trigger.endedAt() != 0) {
                resume = sink.firstAcceptAfterOutage().map(d -> d.toNanos() / 1e6).orElse(-1.0);
                long ack = tracker.firstAcknowledgementAfter(trigger.endedAt());
                firstAck = ack < 0 ? -1 : ack / 1e6;
            }
            Measurement m = new Measurement(name, run, cpuPerEvent, split, peak, Delivery.of(ledger, sent), retries, resume, firstAck);
            env.progress("%s %s: %s%s; CPU %.3f ms/event (user %.3f, system %.3f), %.1f context switches/event, peak RSS %.0f MiB%s", round, name,
                    run.describe(), tracker.cutShort() ? String.format(" (sending stopped after %s: %,d of %,d sent)",
                            Stats.duration(settings.faultSendFor()), sent, tracker.events()) : "", cpuPerEvent, cpu == null ? -1 : cpu.userMillis() / events, cpu == null ? -1 : cpu.systemMillis() / events,
                    (double) switches / events, Stats.mib(peak), perRound ? "" : " (since start)");
            if (faults || outage || !delivered || !m.ok()) {
                env.progress("%s %s: delivery: %s%s%s", round, name, ledger.describe(sent),
                        retries.isPresent() ? String.format("; %s +%,.0f", BridgeMetrics.RETRIED_TOTAL, retries.getAsDouble()) : "",
                        trigger == null ? "" : trigger.endedAt() == 0 ? "; the outage never started"
                                : String.format("; after the outage: first delivery %s, first PUBACK %s", resume < 0 ? "never" : String.format("%.2f s", resume / 1000),
                                        firstAck < 0 ? "never" : String.format("%.2f s", firstAck / 1000)));
            }
            env.progress("%s %s CPU by thread: %s", round, name, threads);
            env.progress("%s %s, this JVM: %s", round, name, split.describe(env.loadClient().label() + " clients"));
            return m;
        }
    }

    /** Waits until every event below {@code sent} reached the sink (a spool forwards after its PUBACK). */
    private static boolean awaitDelivered(DeliveryLedger ledger, int sent, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ledger.deliveredBelow(sent) < sent) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /**
     * Takes the sink down once half of a run's events are answered, for the given time, on its own
     * thread; {@link #finish} waits for it (and ends the outage if the run ended first).
     */
    private static final class OutageTrigger {

        private final Thread thread;
        private final EventSink sink;
        private volatile long endedAt;

        private OutageTrigger(EventSink sink, Thread thread) {
            this.sink = sink;
            this.thread = thread;
        }

        static OutageTrigger start(EventSink sink, LoadTracker tracker, Duration outage, EventSink.OutageMode mode) {
            OutageTrigger[] self = new OutageTrigger[1];
            Thread thread = new Thread(() -> {
                try {
                    while (tracker.answered() < tracker.events() / 2 && !tracker.isDone()) {
                        Thread.sleep(1);
                    }
                    if (tracker.isDone()) {
                        return;
                    }
                    sink.startOutage(mode);
                    Thread.sleep(outage.toMillis());
                    self[0].endedAt = sink.endOutage();
                } catch (InterruptedException e) {
                    sink.endOutage();
                    Thread.currentThread().interrupt();
                }
            }, "bench-outage");
            self[0] = new OutageTrigger(sink, thread);
            thread.setDaemon(true);
            thread.start();
            return self[0];
        }

        long endedAt() {
            return endedAt;
        }

        void finish() throws InterruptedException {
            thread.join(60_000);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(5_000);
            }
            sink.endOutage();
        }
    }

    static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
    }
}
