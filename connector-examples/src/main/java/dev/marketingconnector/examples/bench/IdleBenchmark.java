package dev.marketingconnector.examples.bench;

import dev.marketingconnector.core.config.Secret;
import java.time.Duration;
import java.util.List;

/**
 * Target 4: what an authenticated, idle MQTT-over-WebSocket connection costs the bridge in resident
 * memory. RSS of the child is read after a full GC before and after the connections are opened.
 */
final class IdleBenchmark {

    static final int DEFAULT_CONNECTIONS = 2_000;
    static final int TARGET_BYTES_PER_CONNECTION = 25_000;
    private static final int CONNECT_CONCURRENCY = 64;
    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final Duration SMOKE_SETTLE = Duration.ofMillis(200);

    record Settings(int connections, Duration timeout) {

        Settings {
            IngestBenchmark.positive("connections", connections);
        }
    }

    record Result(int connections, long connected, long rssBeforeKib, long rssAfterKib, boolean gcTriggered) {

        double bytesPerConnection() {
            return (rssAfterKib - rssBeforeKib) * 1024.0 / connections;
        }

        List<SummaryTable.Row> rows(boolean smoke) {
            return List.of(
                    new SummaryTable.Row("4 idle connections: RSS added each", "≤ 25 KB",
                            String.format("%.1f KB (%,d connections: %.0f → %.0f MiB%s)", bytesPerConnection() / 1000, connections,
                                    Stats.mib(rssBeforeKib), Stats.mib(rssAfterKib), gcTriggered ? ", after GC" : ", no GC possible"),
                            "-",
                            SummaryTable.timing(bytesPerConnection() <= TARGET_BYTES_PER_CONNECTION, smoke)),
                    new SummaryTable.Row("  idle: every connection established", "all",
                            String.format("%,d of %,d", connected, connections), "-", SummaryTable.check(connected == connections)));
        }
    }

    private IdleBenchmark() {
    }

    static Result run(Settings settings, BenchEnvironment env) throws InterruptedException {
        env.progress("== idle: %,d authenticated idle MQTT-over-WebSocket connections", settings.connections());
        try (EventSink sink = EventSink.start(1);
                BridgeProcess bridge = BridgeProcess.start(sink.publishUrl(), env.bridgeOptions("idle", List.of(), env.singleSpoolMode("idle")),
                        "idle")) {
            try {
                Secret token = bridge.token();
                Duration settle = env.smoke() ? SMOKE_SETTLE : SETTLE;
                // Warm the connection path once, so that class loading and first allocations are not counted.
                try (MqttLoadClients warm = MqttLoadClients.connect(env.loadClient(), connection(bridge, token, "bench-warm", settings.timeout()), 16)) {
                    env.progress("warm-up: %d connections opened and closed (%s client)", warm.size(), env.loadClient().label());
                }
                boolean gc = bridge.gc();
                Thread.sleep(settle.toMillis());
                long before = bridge.rssKib();
                env.progress("bridge pid %d: RSS %.1f MiB before%s", bridge.pid(), Stats.mib(before), gc ? " (after a full GC)" : " (jcmd GC.run failed)");
                try (MqttLoadClients idle = MqttLoadClients.connect(env.loadClient(), connection(bridge, token, "bench-idle", settings.timeout()),
                        settings.connections())) {
                    long connected = idle.connected();
                    gc = bridge.gc() && gc;
                    Thread.sleep(settle.toMillis());
                    long after = bridge.rssKib();
                    connected = Math.min(connected, idle.connected());
                    Result result = new Result(settings.connections(), connected, before, after, gc);
                    env.progress("%,d connected: RSS %.1f MiB after, %.1f KB per connection", connected, Stats.mib(after),
                            result.bytesPerConnection() / 1000);
                    return result;
                }
            } finally {
                bridge.stop();
                env.printProfile("idle");
            }
        }
    }

    private static MqttLoadClients.Connection connection(BridgeProcess bridge, Secret token, String prefix, Duration timeout) {
        return new MqttLoadClients.Connection(bridge.baseUri(), token, prefix, 60, false, CONNECT_CONCURRENCY, timeout);
    }
}
