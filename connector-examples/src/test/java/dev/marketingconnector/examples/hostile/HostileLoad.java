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
            bridge.process.waitFor(250, TimeUnit.MILLISECONDS);
        }
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
    }

    /** Authenticated idle MQTT-over-WebSocket connections: RSS per connection and how many were let in. */
    static void connections(BridgeJar bridge, int count) throws Exception {
        String token = bridge.token();
        List<WsMqtt> open = new ArrayList<>();
        System.gc();
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
        bridge.process.waitFor(3, TimeUnit.SECONDS);
        long after = bridge.rssKib();
        System.out.printf("connections: %d asked, %d open, %d refused; RSS %d -> %d MiB, %.1f KiB per open connection%n", count,
                open.size(), refused, before / 1024, after / 1024, open.isEmpty() ? 0.0 : (after - before) / (double) open.size());
        for (WsMqtt client : open) {
            client.close();
        }
    }

    /** One connection sending QoS 2 PUBLISHes and never a PUBREL: RSS per half-finished flow. */
    static void qos2(BridgeJar bridge, int flows) throws Exception {
        String token = bridge.token();
        byte[] payload = "{\"eventType\":\"BO.Contact.Changed\",\"data\":{\"id\":1}}".getBytes(StandardCharsets.UTF_8);
        long before = bridge.rssKib();
        try (WsMqtt client = WsMqtt.connect(bridge.port, token)) {
            client.send(WsMqtt.connect(4, "qos2-without-pubrel", 300)).expect(WsMqtt.CONNACK);
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
            long after = bridge.rssKib();
            System.out.printf("qos2: %d PUBRECs without PUBREL on one connection; RSS %d -> %d MiB, %.0f bytes per flow%n", flows,
                    before / 1024, after / 1024, (after - before) * 1024.0 / flows);
        }
    }
}
