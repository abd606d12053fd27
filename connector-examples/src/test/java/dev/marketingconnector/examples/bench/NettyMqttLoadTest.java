package dev.marketingconnector.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.marketingconnector.core.config.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The lean load client against the jar's bridge as a child process (one for both tests), as SAP's side would meet it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NettyMqttLoadTest {

    private EventSink sink;
    private BridgeProcess bridge;

    @BeforeAll
    void startBridge(@TempDir Path workDir) throws InterruptedException {
        sink = EventSink.start(1);
        bridge = BridgeProcess.start(sink.publishUrl(), new BridgeProcess.Options(List.of("-Xmx128m"), Map.of(), "WARN", workDir), "load-client");
    }

    @AfterAll
    void stopBridge() {
        if (bridge != null) {
            bridge.close();
        }
        sink.close();
    }

    @Test
    void aLostConnectionIsReestablishedAndEveryUnacknowledgedPublishIsSentAgain() throws Exception {
        EventPayloads payloads = new EventPayloads();
        sink.delay(Duration.ofMillis(500));
        try (Proxy proxy = new Proxy(bridge.baseUri().getPort());
                NettyMqttLoad load = NettyMqttLoad.connect(new MqttLoadClients.Connection(URI.create("http://127.0.0.1:" + proxy.port()),
                        bridge.token(), "bench-reconnect", 30, true, 4, Duration.ofSeconds(30)), 1)) {
            DeliveryLedger ledger = sink.expect(77L, 40);
            LoadTracker tracker = load.start(payloads, ledger, 8);
            await().atMost(Duration.ofSeconds(30)).until(() -> sink.requests() >= 1);

            proxy.cutEveryConnection();
            LoadRun run = tracker.await(Duration.ofSeconds(60));

            assertThat(run.complete()).isTrue();
            assertThat(run.failed()).isZero();
            assertThat(run.succeeded()).isEqualTo(40);
            assertThat(proxy.connections()).as("reconnected through the proxy").isGreaterThanOrEqualTo(2);
            assertThat(ledger.missing()).isZero();
            assertThat(ledger.foreign()).isZero();
            assertThat(load.connected()).isEqualTo(1);
        } finally {
            sink.delay(Duration.ZERO);
        }
    }

    @Test
    void aRefusedTokenFailsTheConnectWithTheReason() {
        assertThatThrownBy(() -> NettyMqttLoad.connect(new MqttLoadClients.Connection(bridge.baseUri(), Secret.of("not-a-token"),
                "bench-refused", 30, true, 4, Duration.ofSeconds(10)), 2))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("2 of 2 MQTT clients could not connect")
                .hasMessageContaining("401");
    }

    /** A TCP proxy on loopback whose connections can be cut. */
    private static final class Proxy implements AutoCloseable {

        private final ServerSocket server;
        private final int target;
        private final List<Socket> open = new CopyOnWriteArrayList<>();
        private final AtomicInteger accepted = new AtomicInteger();

        Proxy(int target) throws IOException {
            this.target = target;
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::accept, "test-proxy");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        int connections() {
            return accepted.get();
        }

        void cutEveryConnection() throws IOException {
            for (Socket socket : open) {
                socket.close();
            }
            open.clear();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                    accepted.incrementAndGet();
                    open.add(client);
                    open.add(upstream);
                    pump(client, upstream);
                    pump(upstream, client);
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void pump(Socket from, Socket to) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[16 * 1024];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    int read;
                    while ((read = in.read(buffer)) >= 0) {
                        out.write(buffer, 0, read);
                        out.flush();
                    }
                } catch (IOException e) {
                    // cut
                } finally {
                    try {
                        from.close();
                        to.close();
                    } catch (IOException e) {
                        // already closed
                    }
                }
            }, "test-proxy-pump");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
            cutEveryConnection();
        }
    }
}
