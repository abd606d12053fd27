package dev.marketingconnector.examples.hostile;

import dev.marketingconnector.kyma.testing.MockKyma;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Resource figures for BENCHMARKS.md ("Hostile clients"): runs the shipped jar's {@code bridge} as
 * a child with the pod's JVM flags and measures its RSS under one attack at a time.
 *
 * <pre>
 * java -cp connector-examples/target/test-classes:connector-examples/target/marketing-connector.jar \
 *     dev.marketingconnector.examples.hostile.HostileLoad &lt;jar&gt; pipeline &lt;connections&gt; &lt;seconds&gt; &lt;path&gt;
 *     | connections &lt;count&gt; | qos2 &lt;flows&gt;  [SETTING=value ...]
 * </pre>
 */
public final class HostileLoad {

    private HostileLoad() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: HostileLoad <jar> pipeline <connections> <seconds> <path> | connections <count> | qos2 <flows>"
                    + " [SETTING=value ...]");
            System.exit(2);
        }
        Path jar = Path.of(args[0]);
        String mode = args[1];
        Map<String, String> settings = new HashMap<>();
        List<String> rest = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            if (args[i].contains("=")) {
                settings.put(args[i].substring(0, args[i].indexOf('=')), args[i].substring(args[i].indexOf('=') + 1));
            } else {
                rest.add(args[i]);
            }
        }
        Path log = Files.createTempFile("hostile-bridge", ".log");
        try (MockKyma kyma = new MockKyma();
                BridgeJar bridge = BridgeJar.start(jar, BridgeJar.POD_FLAGS, kyma.publishUrl(), settings, log)) {
            System.out.printf("bridge pid %d on port %d, flags %s, settings %s%n", bridge.process.pid(), bridge.port,
                    BridgeJar.POD_FLAGS, settings);
            switch (mode) {
                case "pipeline" -> pipeline(bridge, Integer.parseInt(rest.get(0)), Integer.parseInt(rest.get(1)), rest.get(2));
                case "connections" -> connections(bridge, Integer.parseInt(rest.get(0)));
                case "qos2" -> qos2(bridge, Integer.parseInt(rest.get(0)));
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            }
        } finally {
            List<String> lines = Files.readAllLines(log);
            System.out.printf("bridge log: %d lines, %d bytes (%s)%n", lines.size(), Files.size(log), log);
        }
    }

    /** Connections that pipeline requests and never read the answers, while /healthz is probed. */
    static void pipeline(BridgeJar bridge, int connections, int seconds, String path) throws Exception {
        String request = path.equals("/oauth/token")
                ? "POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 82\r\n\r\n"
                        + "grant_type=client_credentials&client_id=sap-mkt&client_secret=wrong-wrong-wrong-wrong"
                : "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
        byte[] batch = request.repeat(200).getBytes(StandardCharsets.US_ASCII);
        long before = bridge.rssKib();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong sent = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        List<Thread> attackers = new ArrayList<>();
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Thread t = new Thread(() -> {
                while (running.get()) {
                    try (Socket socket = new Socket("127.0.0.1", bridge.port)) {
                        synchronized (sockets) {
                            sockets.add(socket);
                        }
                        OutputStream out = socket.getOutputStream();
                        while (running.get()) {
                            out.write(batch);
                            sent.addAndGet(200);
                        }
                    } catch (IOException e) {
                        refused.incrementAndGet(); // closed by the bridge: open another
                    }
                }
            }, "attacker-" + i);
            t.setDaemon(true);
            t.start();
            attackers.add(t);
        }
        long maxRss = before;
        long tcpBefore = tcpMemoryKib();
        long maxTcp = tcpBefore;
        long cpuBefore = cpuMillis(bridge);
        int probes = 0;
        int healthy = 0;
        long slowestMillis = 0;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            maxRss = Math.max(maxRss, bridge.rssKib());
            probes++;
            long start = System.nanoTime();
            try {
                HttpResponse<String> response = bridge.http.send(java.net.http.HttpRequest.newBuilder(bridge.base.resolve("/healthz"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    healthy++;
                }
            } catch (IOException e) {
                // not answered within 2 s
            }
            slowestMillis = Math.max(slowestMillis, (System.nanoTime() - start) / 1_000_000);
            maxRss = Math.max(maxRss, bridge.rssKib());
            maxTcp = Math.max(maxTcp, tcpMemoryKib());
            bridge.process.waitFor(250, TimeUnit.MILLISECONDS);
        }
        long cpu = cpuMillis(bridge) - cpuBefore;
        running.set(false);
        synchronized (sockets) {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        for (Thread t : attackers) {
            t.join(5_000);
        }
        bridge.process.waitFor(5, TimeUnit.SECONDS);
        long after = bridge.rssKib();
        System.out.printf("pipeline %s: %d connections for %d s, %,d requests written, %d connections ended by the bridge%n", path,
                connections, seconds, sent.get(), refused.get());
        System.out.printf("RSS before %d MiB, max during %d MiB, 5 s after %d MiB%n", before / 1024, maxRss / 1024, after / 1024);
        System.out.printf("/healthz answered %d of %d probes within 2 s; slowest %d ms%n", healthy, probes, slowestMillis);
        System.out.printf("bridge CPU %.1f s in %d s; kernel TCP buffers (whole machine, both ends) %d -> max %d MiB%n", cpu / 1000.0,
                seconds, tcpBefore / 1024, maxTcp / 1024);
    }

    /** User + system CPU time of the child, from /proc/&lt;pid&gt;/stat (clock ticks of 10 ms). */
    private static long cpuMillis(BridgeJar bridge) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(bridge.process.pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }

    /** Memory of all TCP socket buffers on the machine (/proc/net/sockstat, pages of 4 KiB). */
    private static long tcpMemoryKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/net/sockstat"))) {
            if (line.startsWith("TCP:")) {
                String[] fields = line.split(" ");
                for (int i = 0; i < fields.length - 1; i++) {
                    if (fields[i].equals("mem")) {
                        return Long.parseLong(fields[i + 1]) * 4;
                    }
                }
            }
        }
        return 0;
    }

    /** Authenticated idle MQTT-over-WebSocket connections: RSS per connection and how many were let in. */
    static void connections(BridgeJar bridge, int count) throws Exception {
        String token = bridge.token();
        List<WsMqtt> open = new ArrayList<>();
        long heapBefore = bridge.heapUsedAfterGcKib();
        long before = bridge.rssKib();
        int refused = 0;
        for (int i = 0; i < count; i++) {
            try {
                WsMqtt client = WsMqtt.connect(bridge.port, token);
                client.send(WsMqtt.connect(4, "idle-" + i, 300));
                byte[] connack = client.expect(WsMqtt.CONNACK);
                if (connack[1] == 0) {
                    open.add(client);
                } else {
                    refused++;
                    client.close();
                }
            } catch (IOException e) {
                refused++;
            }
        }
        long heapAfter = bridge.heapUsedAfterGcKib();
        long after = bridge.rssKib();
        System.out.printf("connections: %d asked, %d open, %d refused; RSS %d -> %d MiB, %.1f KiB per open connection;"
                + " heap after GC %.1f KiB per open connection%n", count, open.size(), refused, before / 1024, after / 1024,
                open.isEmpty() ? 0.0 : (after - before) / (double) open.size(),
                open.isEmpty() ? 0.0 : (heapAfter - heapBefore) / (double) open.size());
        for (WsMqtt client : open) {
            client.close();
        }
    }

    /** One connection sending QoS 2 PUBLISHes and never a PUBREL: RSS per half-finished flow. */
    static void qos2(BridgeJar bridge, int flows) throws Exception {
        String token = bridge.token();
        byte[] payload = "{\"eventType\":\"BO.Contact.Changed\",\"data\":{\"id\":1}}".getBytes(StandardCharsets.UTF_8);
        try (WsMqtt client = WsMqtt.connect(bridge.port, token)) {
            client.send(WsMqtt.connect(4, "qos2-without-pubrel", 300)).expect(WsMqtt.CONNACK);
            // Warm-up: as many complete QoS 2 flows first, so that what the forwarding path allocates once is not counted.
            for (int id = 1; id <= flows; id++) {
                client.send(WsMqtt.publish("sap/BO/Contact/Changed", 2, id, payload));
                client.expect(WsMqtt.PUBREC);
                client.send(WsMqtt.pubrel(id));
                client.expect(WsMqtt.PUBCOMP);
            }
            long heapBefore = bridge.heapUsedAfterGcKib();
            Map<String, Long> histogramBefore = bridge.classHistogram();
            long before = bridge.rssKib();
            int pubrecs = 0;
            for (int id = 1; id <= flows; id++) {
                client.send(WsMqtt.publish("sap/BO/Contact/Changed", 2, id, payload));
                if (id % 32 == 0 || id == flows) {
                    while (pubrecs < id) {
                        client.expect(WsMqtt.PUBREC);
                        pubrecs++;
                    }
                }
            }
            Map<String, Long> histogramAfter = bridge.classHistogram();
            long heapAfter = bridge.heapUsedAfterGcKib();
            long after = bridge.rssKib();
            System.out.println("qos2: live heap grown by class (more than 16 KiB):");
            histogramAfter.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue() - histogramBefore.getOrDefault(e.getKey(), 0L)))
                    .filter(e -> e.getValue() > 16 * 1024)
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> System.out.printf("  %,10d bytes  %s%n", e.getValue(), e.getKey()));
            System.out.printf("qos2: %d PUBRECs without PUBREL on one connection; heap after GC %d -> %d KiB (%+d KiB held);"
                    + " RSS %d -> %d MiB%n", flows, heapBefore, heapAfter, heapAfter - heapBefore, before / 1024, after / 1024);
        }
    }
}
