package dev.marketingconnector.examples.bench;

import dev.marketingconnector.core.config.Secret;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Target 5: a flood while Kyma is slow. The clients push as fast as their in-flight windows allow
 * (far more than the bridge forwards at once), the sink answers each event after a delay, and the
 * bridge runs with a small heap. Its RSS is sampled every second; after the warm-up it must stay
 * flat (the bridge stops reading sockets instead of buffering), and every event must arrive.
 */
final class FloodBenchmark {

    static final int DEFAULT_EVENTS = 200_000;
    static final int DEFAULT_CLIENTS = 8;
    static final int DEFAULT_IN_FLIGHT = 256;
    static final Duration DEFAULT_SINK_DELAY = Duration.ofMillis(5);
    /** Samples taken before this share of the events was acknowledged count as warm-up. */
    static final double WARMUP_SHARE = 0.25;
    /** Flat: the fitted growth over the post-warm-up span stays within max(8 MiB, 5 % of the mean RSS). */
    static final long FLAT_MIN_KIB = 8 * 1024;
    static final double FLAT_SHARE = 0.05;

    /**
     * An OutOfMemoryError ends the child (so it cannot go unnoticed), and the heap is committed and
     * touched up front: G1 otherwise grows it towards -Xmx whenever it likes, which shows as RSS steps
     * that say nothing about buffering. A backlog on the heap ends in an OutOfMemoryError; one outside
     * it (threads, direct buffers) shows as RSS growth.
     */
    static final List<String> FLOOD_JVM_OPTIONS = List.of("-XX:+ExitOnOutOfMemoryError", "-XX:+AlwaysPreTouch");

    private static final SecureRandom RANDOM = new SecureRandom();

    record Settings(int events, int clients, int inFlight, Duration sinkDelay, Duration sampleEvery, Duration timeout) {

        Settings {
            IngestBenchmark.positive("events", events);
            IngestBenchmark.positive("clients", clients);
            IngestBenchmark.positive("in-flight", inFlight);
        }
    }

    /** RSS at a moment, with how many events were acknowledged by then. */
    record Sample(double seconds, long rssKib, long answered) {
    }

    record Result(Settings settings, LoadRun run, List<Sample> samples, int delivered, long duplicates, boolean alive, boolean outOfMemory,
            long peakHwmKib, java.util.Optional<BenchOptions.PodLimit> pod) {

        List<Sample> afterWarmup() {
            return samples.stream().filter(s -> s.answered() >= WARMUP_SHARE * settings.events() && s.answered() < settings.events()).toList();
        }

        /** Fitted RSS growth in KiB per second after the warm-up. */
        double slopeKibPerSecond() {
            List<Sample> steady = afterWarmup();
            return Stats.slope(steady.stream().mapToDouble(Sample::seconds).toArray(),
                    steady.stream().mapToDouble(s -> (double) s.rssKib()).toArray());
        }

        double spanSeconds() {
            List<Sample> steady = afterWarmup();
            return steady.size() < 2 ? 0 : steady.get(steady.size() - 1).seconds() - steady.get(0).seconds();
        }

        long maxMinusMinKib() {
            List<Sample> steady = afterWarmup();
            return steady.isEmpty() ? 0 : steady.stream().mapToLong(Sample::rssKib).max().getAsLong()
                    - steady.stream().mapToLong(Sample::rssKib).min().getAsLong();
        }

        double meanKib() {
            return afterWarmup().stream().mapToLong(Sample::rssKib).average().orElse(0);
        }

        long peakKib() {
            return samples.stream().mapToLong(Sample::rssKib).max().orElse(-1);
        }

        boolean flat() {
            return afterWarmup().size() >= 3 && slopeKibPerSecond() * spanSeconds() <= Math.max(FLAT_MIN_KIB, FLAT_SHARE * meanKib());
        }

        boolean allDelivered() {
            return delivered == settings.events() && run.complete();
        }

        List<SummaryTable.Row> rows(boolean smoke) {
            List<SummaryTable.Row> rows = new ArrayList<>(List.of(
                    new SummaryTable.Row("5 flood: no OutOfMemoryError", "none", alive && !outOfMemory ? "none, bridge alive"
                            : outOfMemory ? "OutOfMemoryError" : "bridge died", "-", SummaryTable.check(alive && !outOfMemory)),
                    new SummaryTable.Row("5 flood: RSS flat after warm-up", "growth ≤ max(8 MiB, 5 %)",
                            String.format("%+.1f MiB/min over %.0f s, max-min %.1f MiB, peak %.0f MiB (%d samples)",
                                    slopeKibPerSecond() * 60 / 1024, spanSeconds(), Stats.mib(maxMinusMinKib()), Stats.mib(peakKib()),
                                    afterWarmup().size()), "-", SummaryTable.timing(flat(), smoke)),
                    new SummaryTable.Row("5 flood: every event delivered", "all",
                            String.format("%,d of %,d (%,.0f ev/s%s)", delivered, settings.events(), run.perSecond(),
                                    duplicates > 0 ? ", +" + duplicates + " duplicates" : ""), "-", SummaryTable.check(allDelivered()))));
            pod.ifPresent(limit -> rows.add(new SummaryTable.Row("13 flood: peak RSS in the pod",
                    String.format("≤ %.0f MiB (80 %% of %s)", limit.boundKib() / 1024.0, limit.text()),
                    String.format("%.0f MiB (VmHWM)", Stats.mib(peakHwmKib)), "-",
                    SummaryTable.timing(peakHwmKib > 0 && peakHwmKib <= limit.boundKib(), smoke))));
            return rows;
        }
    }

    private FloodBenchmark() {
    }

    /**
     * {@link #FLOOD_JVM_OPTIONS} plus {@code -Xms} equal to the {@code -Xmx} given, so that the whole heap is
     * pre-touched; nothing with {@code --pod}, which runs the bridge exactly as the image does.
     */
    static List<String> floodOptions(BenchEnvironment env) {
        if (env.pod().isPresent()) {
            return List.of();
        }
        List<String> options = new ArrayList<>(FLOOD_JVM_OPTIONS);
        env.bridgeJvmOptions().stream().filter(o -> o.startsWith("-Xmx")).reduce((first, last) -> last)
                .ifPresent(xmx -> options.add("-Xms" + xmx.substring("-Xmx".length())));
        return options;
    }

    static Result run(Settings settings, BenchEnvironment env) throws InterruptedException {
        env.progress("== flood: %,d events, %d clients × %d in flight (%s client), sink answers after %d ms, bridge %s%s", settings.events(),
                settings.clients(), settings.inFlight(), env.loadClient().label(), settings.sinkDelay().toMillis(), env.describeBridge(),
                floodOptions(env).isEmpty() ? "" : " and " + floodOptions(env));
        EventPayloads payloads = new EventPayloads();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "bench-rss-sampler");
            thread.setDaemon(true);
            return thread;
        });
        try (EventSink sink = EventSink.start(EventSink.DEFAULT_THREADS).delay(settings.sinkDelay());
                BridgeProcess bridge = BridgeProcess.start(sink.publishUrl(), env.bridgeOptions("flood", floodOptions(env),
                        env.singleSpoolMode("flood")), "flood")) {
            try {
                Secret token = bridge.token();
                try (MqttLoadClients load = MqttLoadClients.connect(env.loadClient(), new MqttLoadClients.Connection(bridge.baseUri(), token,
                        "bench-flood", 60, true, 64, Duration.ofSeconds(30)), settings.clients())) {
                    DeliveryLedger ledger = sink.expect(RANDOM.nextLong(), settings.events());
                    List<Sample> samples = new ArrayList<>();
                    long start = System.nanoTime();
                    LoadTracker run = load.start(payloads, ledger, settings.inFlight());
                    long everyMillis = settings.sampleEvery().toMillis();
                    sampler.scheduleAtFixedRate(() -> {
                        Sample sample = new Sample((System.nanoTime() - start) / 1e9, bridge.rssKib(), run.answered());
                        int taken;
                        synchronized (samples) {
                            samples.add(sample);
                            taken = samples.size();
                        }
                        if (taken % 10 == 0) {
                            env.progress("  %5.0f s: %,d of %,d acknowledged, RSS %.0f MiB", sample.seconds(), sample.answered(),
                                    settings.events(), Stats.mib(sample.rssKib()));
                        }
                    }, 0, everyMillis, TimeUnit.MILLISECONDS);
                    LoadRun result = run.await(settings.timeout(), bridge::isAlive);
                    sampler.shutdown();
                    sampler.awaitTermination(5, TimeUnit.SECONDS);
                    ledger.awaitAll(Duration.ofSeconds(5));
                    List<Sample> taken;
                    synchronized (samples) {
                        taken = List.copyOf(samples);
                    }
                    Result flood = new Result(settings, result, taken, ledger.delivered(), ledger.duplicates(), bridge.isAlive(),
                            bridge.ranOutOfMemory(), bridge.peakRssKib(), env.pod());
                    env.progress("flood: %s", result.describe());
                    env.progress("RSS samples (MiB, every %d ms): %s", everyMillis,
                            taken.stream().map(s -> String.format("%.0f", Stats.mib(s.rssKib()))).toList());
                    env.progress("after warm-up: %d samples, slope %+.2f MiB/min, max-min %.1f MiB; delivered %,d of %,d, %d duplicates%s",
                            flood.afterWarmup().size(), flood.slopeKibPerSecond() * 60 / 1024, Stats.mib(flood.maxMinusMinKib()),
                            flood.delivered(), settings.events(), flood.duplicates(),
                            flood.allDelivered() ? "" : "; missing e.g. " + ledger.missingSequences(5));
                    return flood;
                }
            } finally {
                sampler.shutdownNow();
                bridge.stop();
                env.printProfile("flood");
            }
        }
    }
}
