package dev.marketingconnector.examples.bench;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Issue 14: Kyma down for minutes while SAP keeps publishing at a steady rate. The load is open-loop
 * ({@link NettyMqttLoad#startPaced}): event {@code i} is due at {@code start + i / rate} and its
 * PUBACK latency is measured from then, so a stalled bridge shows in full (events that cannot be sent
 * because every client's window is full wait at the source, as they would in SAP). Phases: steady load,
 * the sink down for {@code --duration}, the sink back until the backlog is delivered (every event due
 * before the outage ended has arrived), then a short tail. Reported per window: acknowledgements per
 * second, PUBACK latency p50/p99, events Kyma accepted per second, the backlog.
 */
final class OutageBenchmark {

    static final double DEFAULT_RATE = 500;
    static final Duration DEFAULT_OUTAGE = Duration.ofMinutes(10);
    /** While Kyma is down the bridge "keeps acknowledging" when it acknowledges at least this share of the offered rate. */
    static final double KEEPS_ACKNOWLEDGING_SHARE = 0.9;
    static final double TARGET_FLAT_P99_MILLIS = 40;
    private static final Duration FINAL_DELIVERY_WAIT = Duration.ofMinutes(2);
    private static final SecureRandom RANDOM = new SecureRandom();

    record Settings(double rate, int clients, int inFlight, int warmupEvents, Duration before, Duration outage, Duration afterMax,
            Duration tail, Duration window, EventSink.OutageMode outageMode) {

        Settings {
            if (!(rate > 0 && rate <= 1_000_000)) {
                throw new IllegalArgumentException("--rate must be between 0 and 1,000,000 events/s, got " + rate);
            }
            IngestBenchmark.positive("clients", clients);
            IngestBenchmark.positive("in-flight", inFlight);
            for (Duration d : List.of(before, outage, afterMax, window)) {
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("--before, --duration, --after and --window must be positive, got " + d);
                }
            }
            if (tail.isNegative()) {
                throw new IllegalArgumentException("--tail must not be negative, got " + tail);
            }
            if (warmupEvents < 0) {
                throw new IllegalArgumentException("warm-up events must be >= 0, got " + warmupEvents);
            }
        }

        /** Most events the run may send: the rate over every phase at its longest. */
        int capacity() {
            double seconds = (before.toMillis() + outage.toMillis() + afterMax.toMillis() + tail.toMillis()) / 1000.0;
            return (int) Math.min(Integer.MAX_VALUE - 64, Math.ceil(rate * seconds) + 16);
        }
    }

    enum Phase {
        BEFORE, OUTAGE, AFTER;

        String text() {
            return switch (this) {
                case BEFORE -> "before";
                case OUTAGE -> "outage";
                case AFTER -> "after";
            };
        }
    }

    /**
     * One reporting window.
     *
     * @param endSeconds    since the start of the steady load
     * @param acksPerSecond PUBACKs received in the window
     * @param p50Millis     latency (due → PUBACK) of those PUBACKs; NaN without any
     * @param acceptedPerSecond events Kyma (the sink) accepted in the window
     * @param backlog       events due by the end of the window that Kyma had not accepted
     * @param atSource      of those, events not even sent (every window full)
     */
    record Window(double endSeconds, Phase phase, double acksPerSecond, double p50Millis, double p99Millis, double acceptedPerSecond,
            long backlog, long atSource) {

        String describe() {
            return String.format("%7.1f s %-6s  %,8.0f acks/s  p50 %9s  p99 %9s  Kyma %,8.0f ev/s  backlog %,9d (not sent %,d)", endSeconds,
                    phase.text(), acksPerSecond, millis(p50Millis), millis(p99Millis), acceptedPerSecond, backlog, atSource);
        }

        private static String millis(double value) {
            return Double.isNaN(value) ? "-" : value >= 10_000 ? String.format("%.0f s", value / 1000) : String.format("%.1f ms", value);
        }
    }

    record Result(Settings settings, String spoolMode, List<Window> windows, int sent, Delivery delivery, long backlogAtEnd,
            double drainSeconds, double firstAcceptAfterSeconds, boolean drained, boolean alive) {

        List<Window> of(Phase phase) {
            return windows.stream().filter(w -> w.phase() == phase).toList();
        }

        double outageAcksPerSecond() {
            return of(Phase.OUTAGE).stream().mapToDouble(Window::acksPerSecond).average().orElse(0);
        }

        /** The worst window p99 during the outage (NaN when no PUBACK came at all). */
        double outageWorstP99() {
            return of(Phase.OUTAGE).stream().mapToDouble(Window::p99Millis).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
        }

        boolean keptAcknowledging() {
            return outageAcksPerSecond() >= KEEPS_ACKNOWLEDGING_SHARE * settings.rate();
        }

        double medianP99(Phase phase) {
            return Stats.median(of(phase).stream().map(Window::p99Millis).filter(v -> !Double.isNaN(v)).toList());
        }

        /** The first window of the outage in which no PUBACK arrived, as seconds into the outage; -1 when every window had some. */
        double stallAfterSeconds() {
            double outageStart = of(Phase.BEFORE).isEmpty() ? 0 : of(Phase.BEFORE).get(of(Phase.BEFORE).size() - 1).endSeconds();
            double window = settings.window().toMillis() / 1000.0;
            return of(Phase.OUTAGE).stream().filter(w -> w.acksPerSecond() == 0).mapToDouble(w -> Math.max(0, w.endSeconds() - window - outageStart))
                    .findFirst().orElse(-1);
        }

        double peakAcceptedAfter() {
            return of(Phase.AFTER).stream().mapToDouble(Window::acceptedPerSecond).max().orElse(0);
        }

        List<SummaryTable.Row> rows(boolean smoke) {
            String outage = Stats.duration(settings.outage());
            boolean spooled = !spoolMode.equals("none");
            String during = String.format("%,.0f acks/s of %,.0f offered, worst window p99 %s%s; p99 before %.1f ms", outageAcksPerSecond(),
                    settings.rate(), Double.isNaN(outageWorstP99()) ? "- (no PUBACK)" : String.format("%.0f ms", outageWorstP99()),
                    keptAcknowledging() ? "" : stallAfterSeconds() >= 0 ? String.format(", none at all from %.0f s into the outage", stallAfterSeconds()) : "",
                    medianP99(Phase.BEFORE));
            List<SummaryTable.Row> rows = new ArrayList<>();
            if (spooled) {
                boolean flat = keptAcknowledging() && outageWorstP99() <= TARGET_FLAT_P99_MILLIS;
                rows.add(new SummaryTable.Row("14 outage " + outage + ", SPOOL=" + spoolMode + ": PUBACKs go on", "acks ≥ 90 % of rate, p99 ≤ 40 ms",
                        during, "-", SummaryTable.timing(flat, smoke)));
            } else {
                rows.add(new SummaryTable.Row("14 outage " + outage + ", SPOOL=none: PUBACKs", "- (stall expected)", during, "-",
                        SummaryTable.Verdict.INFO));
            }
            rows.add(new SummaryTable.Row("14 outage: backlog drains after Kyma returns", "-",
                    drained ? String.format("%,d events in %.1f s = %,.0f ev/s (best window %,.0f ev/s); first event accepted %.2f s after", backlogAtEnd,
                            drainSeconds, drainSeconds > 0 ? backlogAtEnd / drainSeconds : 0, peakAcceptedAfter(), firstAcceptAfterSeconds)
                            : String.format("not drained within %s (backlog %,d at the end of the outage)", Stats.duration(settings.afterMax()),
                                    backlogAtEnd), "-", drained ? SummaryTable.Verdict.INFO : SummaryTable.timing(false, smoke)));
            rows.add(new SummaryTable.Row("14 outage: nothing lost, ids kept", "all",
                    String.format("%,d of %,d sent delivered; %,d refused events, %s; %,d duplicates%s", delivery.delivered(), sent,
                            delivery.refusedEvents(), delivery.notRedelivered() == 0 ? "all redelivered with their id"
                                    : delivery.notRedelivered() + " never redelivered", delivery.duplicates(), alive ? "" : "; the bridge died"),
                    "-", SummaryTable.check(delivery.delivered() == sent && delivery.notRedelivered() == 0 && delivery.foreign() == 0 && alive)));
            return rows;
        }
    }

    /** What the ledger saw of the events sent. */
    record Delivery(int delivered, long duplicates, long foreign, int refusedEvents, int notRedelivered) {
    }

    private OutageBenchmark() {
    }

    static Result run(Settings settings, BenchEnvironment env) throws InterruptedException {
        String spoolMode = env.singleSpoolMode("outage");
        env.progress("== outage: Kyma down (%s) for %s under %,.0f events/s open loop (%d clients, at most %d unacknowledged each), "
                        + "%s before, SPOOL=%s", settings.outageMode().name().toLowerCase(), Stats.duration(settings.outage()), settings.rate(),
                settings.clients(), settings.inFlight(), Stats.duration(settings.before()), spoolMode);
        if (env.loadClient() != MqttLoadClients.Kind.NETTY) {
            env.progress("note: the steady-rate load needs the Netty client; --load-client %s is used for nothing here", env.loadClient().label());
        }
        EventPayloads payloads = new EventPayloads();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "bench-outage-sampler");
            thread.setDaemon(true);
            return thread;
        });
        try (EventSink sink = EventSink.start(EventSink.DEFAULT_THREADS);
                BridgeProcess bridge = BridgeProcess.start(sink.publishUrl(), env.bridgeOptions("outage", List.of(), spoolMode), "outage")) {
            try (NettyMqttLoad load = NettyMqttLoad.connect(new MqttLoadClients.Connection(bridge.baseUri(), bridge.token(), "bench-outage", 60,
                    true, 64, Duration.ofSeconds(30)), settings.clients())) {
                env.progress("bridge pid %d at %s (log %s), RSS after start %.0f MiB; %s", bridge.pid(), bridge.baseUri(), bridge.log(),
                        Stats.mib(bridge.rssKib()), bridge.describeEnvironment(env.childEnv().keySet()));
                if (settings.warmupEvents() > 0) {
                    DeliveryLedger warm = sink.expect(RANDOM.nextLong(), settings.warmupEvents());
                    LoadRun run = load.start(payloads, warm, settings.inFlight()).await(Duration.ofMinutes(5));
                    warm.awaitAll(Duration.ofSeconds(60));
                    env.progress("warm-up: %s; %s", run.describe(), warm.describe());
                }
                DeliveryLedger ledger = sink.expect(RANDOM.nextLong(), settings.capacity());
                Recorder recorder = new Recorder(settings.window().toNanos());
                NettyMqttLoad.PacedRun run = load.startPaced(payloads, ledger.tag(), settings.rate(), settings.capacity(), settings.inFlight(),
                        recorder);
                Phases phases = new Phases();
                long start = awaitStart(run);
                recorder.start(start);
                List<Window> windows = new ArrayList<>();
                long windowNanos = settings.window().toNanos();
                long[] lastAccepted = {0};
                sampler.scheduleAtFixedRate(() -> {
                    long now = System.nanoTime();
                    int index = windows.size();
                    long end = start + (index + 1) * windowNanos;
                    if (now < end) {
                        return;
                    }
                    long[] latencies = recorder.window(index);
                    int delivered = ledger.delivered();
                    int due = run.dueBy(end);
                    Window w = new Window((end - start) / 1e9, phases.at(end - windowNanos / 2), latencies.length * 1e9 / windowNanos,
                            latencies.length == 0 ? Double.NaN : Stats.millis(Stats.percentile(latencies, 50)),
                            latencies.length == 0 ? Double.NaN : Stats.millis(Stats.percentile(latencies, 99)),
                            (delivered - lastAccepted[0]) * 1e9 / windowNanos, Math.max(0, due - delivered), Math.max(0, due - run.sent()));
                    lastAccepted[0] = delivered;
                    synchronized (windows) {
                        windows.add(w);
                    }
                    env.progress("  %s", w.describe());
                }, windowNanos, Math.min(windowNanos, 100_000_000L), TimeUnit.NANOSECONDS);

                sleepUntil(start + settings.before().toNanos());
                sink.startOutage(settings.outageMode());
                phases.outageStart = System.nanoTime();
                env.progress("  Kyma down at %.1f s", (phases.outageStart - start) / 1e9);
                sleepUntil(phases.outageStart + settings.outage().toNanos());
                long ended = sink.endOutage();
                phases.outageEnd = ended;
                int dueAtEnd = run.dueBy(ended);
                long backlogAtEnd = Math.max(0, dueAtEnd - ledger.delivered());
                env.progress("  Kyma back at %.1f s: %,d events due so far, %,d of them not yet accepted", (ended - start) / 1e9, dueAtEnd,
                        backlogAtEnd);
                long drainDeadline = ended + settings.afterMax().toNanos();
                boolean drained = false;
                long drainedAt = 0;
                while (System.nanoTime() < drainDeadline && bridge.isAlive()) {
                    if (ledger.deliveredPrefix() >= dueAtEnd) {
                        drained = true;
                        drainedAt = System.nanoTime();
                        break;
                    }
                    Thread.sleep(20);
                }
                double drainSeconds = drained ? (drainedAt - ended) / 1e9 : -1;
                env.progress(drained ? String.format("  backlog drained %.1f s after Kyma returned", drainSeconds)
                        : "  backlog NOT drained within " + Stats.duration(settings.afterMax()));
                sleepUntil(System.nanoTime() + settings.tail().toNanos());
                int sent = run.stop();
                long lastWindowEnd = System.nanoTime();
                long answerDeadline = System.nanoTime() + FINAL_DELIVERY_WAIT.toNanos();
                while (run.acknowledgedCount() + run.lostCount() < sent && System.nanoTime() < answerDeadline && bridge.isAlive()) {
                    Thread.sleep(20);
                }
                while (ledger.deliveredPrefix() < sent && System.nanoTime() < answerDeadline && bridge.isAlive()) {
                    Thread.sleep(20);
                }
                sampler.shutdown();
                sampler.awaitTermination(5, TimeUnit.SECONDS);
                List<Window> measured;
                synchronized (windows) {
                    measured = windows.stream().filter(w -> w.endSeconds() * 1e9 <= lastWindowEnd - start + windowNanos).toList();
                }
                int deliveredOfSent = ledger.deliveredBelow(sent);
                Delivery delivery = new Delivery(deliveredOfSent, ledger.duplicates(), ledger.foreign(), ledger.refusedEvents(),
                        ledger.refusedNotRedelivered());
                double firstAccept = sink.firstAcceptAfterOutage().map(d -> d.toNanos() / 1e9).orElse(-1.0);
                Result result = new Result(settings, spoolMode, measured, sent, delivery, backlogAtEnd, drainSeconds, firstAccept, drained,
                        bridge.isAlive());
                env.progress("outage: %,d sent, %,d acknowledged, %,d delivered, %,d duplicates, %,d refusals of %,d events (%s), "
                                + "%,d foreign ids; acks during the outage %,.0f/s (offered %,.0f/s)", sent, run.acknowledgedCount(), deliveredOfSent,
                        ledger.duplicates(), ledger.refusedAttempts(), ledger.refusedEvents(), ledger.refusedNotRedelivered() == 0
                                ? "all redelivered with their id" : ledger.refusedNotRedelivered() + " never redelivered", ledger.foreign(),
                        result.outageAcksPerSecond(), settings.rate());
                if (!bridge.isAlive()) {
                    env.progress("the bridge died:%n%s", bridge.logTail(20));
                }
                return result;
            } finally {
                sampler.shutdownNow();
                bridge.stop();
                env.printProfile("outage");
            }
        }
    }

    private static long awaitStart(NettyMqttLoad.PacedRun run) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (run.startNanos() == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the load generator did not start");
            }
            Thread.sleep(1);
        }
        return run.startNanos();
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, 100_000_000L));
        }
    }

    /** When the outage began and ended ({@link System#nanoTime()}; 0 while not yet). */
    private static final class Phases {

        volatile long outageStart;
        volatile long outageEnd;

        Phase at(long nanos) {
            long start = outageStart;
            long end = outageEnd;
            if (start == 0 || nanos <= start) {
                return Phase.BEFORE;
            }
            return end == 0 || nanos <= end ? Phase.OUTAGE : Phase.AFTER;
        }
    }

    /** PUBACK latencies by window of their arrival; written on the load generator's thread, read by the sampler. */
    static final class Recorder implements NettyMqttLoad.PacedRun.Listener {

        private final long windowNanos;
        private final List<long[]> windows = new ArrayList<>();
        private final List<Integer> sizes = new ArrayList<>();
        private volatile long start;

        Recorder(long windowNanos) {
            this.windowNanos = windowNanos;
        }

        void start(long startNanos) {
            this.start = startNanos;
        }

        @Override
        public synchronized void acknowledged(int sequence, long dueNanos, long ackNanos) {
            long origin = start == 0 ? ackNanos : start;
            int index = (int) Math.max(0, (ackNanos - origin) / windowNanos);
            while (windows.size() <= index) {
                windows.add(new long[64]);
                sizes.add(0);
            }
            long[] values = windows.get(index);
            int size = sizes.get(index);
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
                windows.set(index, values);
            }
            values[size] = Math.max(1, ackNanos - dueNanos);
            sizes.set(index, size + 1);
        }

        /** The latencies of one window, sorted. */
        synchronized long[] window(int index) {
            if (index >= windows.size()) {
                return new long[0];
            }
            long[] values = Arrays.copyOf(windows.get(index), sizes.get(index));
            Arrays.sort(values);
            return values;
        }
    }
}
