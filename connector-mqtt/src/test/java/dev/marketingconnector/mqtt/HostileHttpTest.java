package dev.marketingconnector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.testing.RecordingEventPublisher;
import dev.marketingconnector.mqtt.BridgeListener.ConnectRefusal;
import dev.marketingconnector.mqtt.BridgeListener.TokenOutcome;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.junit.jupiter.api.Test;

/**
 * The HTTP side under hostile and careless clients, over real sockets: requests pipelined and
 * never read, heads trickled byte by byte, too many connections, guessed secrets, other HTTP
 * versions. Throughout, {@code /healthz} answers and a well-behaved MQTT client gets its
 * acknowledgements.
 */
class HostileHttpTest {

    private static final String TOPIC = TestBridge.TOPIC_SPACE + "/BO/Contact/Changed";
    private static final byte[] EVENT = "{\"eventType\":\"BO.Contact.Changed\",\"data\":{\"id\":1}}".getBytes(StandardCharsets.UTF_8);
    private static final String WRONG = "grant_type=client_credentials&client_id=" + TestBridge.CLIENT_ID
            + "&client_secret=wrong-wrong-wrong-wrong";

    private final RecordingEventPublisher publisher = new RecordingEventPublisher();
    private final List<ConnectRefusal> refusals = new CopyOnWriteArrayList<>();
    private final List<TokenOutcome> tokenOutcomes = new CopyOnWriteArrayList<>();

    private final BridgeListener recorder = new BridgeListener() {
        @Override
        public void connectRefused(String remoteAddress, ConnectRefusal reason) {
            refusals.add(reason);
        }

        @Override
        public void tokenRequest(TokenOutcome outcome) {
            tokenOutcomes.add(outcome);
        }
    };

    /** Connections that write pipelined requests as fast as they can and never read; reconnect when closed. */
    private static final class Pipeliners implements AutoCloseable {

        final AtomicInteger closedByBridge = new AtomicInteger();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        Pipeliners(int port, int connections, String request) {
            byte[] batch = request.repeat(100).getBytes(StandardCharsets.ISO_8859_1);
            for (int i = 0; i < connections; i++) {
                Thread thread = new Thread(() -> {
                    while (running.get()) {
                        try (Socket socket = new Socket()) {
                            socket.setReceiveBufferSize(4096); // read nothing, buffer little: the bridge sees it at once
                            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
                            sockets.add(socket);
                            OutputStream out = socket.getOutputStream();
                            while (running.get()) {
                                out.write(batch);
                            }
                        } catch (IOException e) {
                            if (running.get()) {
                                closedByBridge.incrementAndGet();
                            }
                        }
                    }
                }, "pipeliner-" + i);
                thread.setDaemon(true);
                thread.start();
                threads.add(thread);
            }
        }

        @Override
        public void close() throws Exception {
            running.set(false);
            for (Socket socket : sockets) {
                socket.close();
            }
            for (Thread thread : threads) {
                thread.join(5_000);
            }
        }
    }

    private static void assertHealthy(TestBridge bridge, MqttAsyncClient mqtt, RecordingEventPublisher publisher) throws Exception {
        assertThat(bridge.get("/healthz").statusCode()).isEqualTo(200);
        int before = publisher.published().size();
        mqtt.publish(TOPIC, EVENT, 1, false).waitForCompletion(5_000);
        assertThat(publisher.published()).hasSize(before + 1);
    }

    @Test
    void requestsPipelinedAndNeverReadCloseTheirConnectionWhileOthersAreServed() throws Exception {
        byte[] metrics = "# a metrics page of some size\n".repeat(800).getBytes(StandardCharsets.UTF_8);
        try (TestBridge bridge = TestBridge.start(publisher, b -> b.asyncApi(ServiceCatalog.marketing().eventCatalog())
                .route("/metrics", r -> new HttpRoute.Response(200, "text/plain", metrics)))) {
            MqttAsyncClient mqtt = Clients.paho(bridge.port(), "healthy-during-pipelining", bridge.token());
            try {
                for (String request : List.of(RawHttp.get("/asyncapi.json"), RawHttp.get("/metrics"),
                        RawHttp.postForm("/oauth/token", WRONG), RawHttp.get("/healthz"))) {
                    try (Pipeliners attack = new Pipeliners(bridge.port(), 2, request)) {
                        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                            assertHealthy(bridge, mqtt, publisher);
                            assertThat(attack.closedByBridge).as("attack connections the bridge closed: %s",
                                    request.lines().findFirst().orElseThrow()).hasValueGreaterThanOrEqualTo(4);
                        });
                    }
                }
                assertHealthy(bridge, mqtt, publisher);
            } finally {
                Clients.closeQuietly(mqtt);
            }
        }
    }

    @Test
    void aPipelinedRequestIsStillAnsweredInOrderWhenTheClientReads() throws Exception {
        try (TestBridge bridge = TestBridge.start(publisher); RawHttp http = RawHttp.connect(bridge.port())) {
            http.write(RawHttp.get("/healthz") + RawHttp.get("/nowhere") + RawHttp.get("/readyz"));

            assertThat(http.read().status()).isEqualTo(200);
            assertThat(http.read().status()).isEqualTo(404);
            assertThat(http.read().body()).contains("ready");
        }
    }

    @Test
    void aRequestTrickledByteByByteIsClosedAtItsDeadline() throws Exception {
        try (TestBridge bridge = TestBridge.start(publisher, b -> b.httpRequestTimeout(Duration.ofMillis(500))
                .httpIdleTimeout(Duration.ofMinutes(5)));
                RawHttp slow = RawHttp.connect(bridge.port())) {
            byte[] head = "GET /healthz HTTP/1.1\r\nHost: bridge\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
            OutputStream out = slow.socket.getOutputStream();
            out.write(head);
            boolean closed = false;
            for (int i = 0; i < 100 && !closed; i++) { // one byte every 100 ms: the idle timeout never fires
                try {
                    out.write('x');
                    out.flush();
                } catch (IOException e) {
                    closed = true;
                }
                closed = closed || slow.awaitClosed(Duration.ofMillis(100));
            }
            assertThat(closed).as("closed by the request deadline while bytes kept coming").isTrue();
            assertThat(bridge.get("/healthz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aKeptAliveConnectionGetsAFreshDeadlineForEachRequest() throws Exception {
        try (TestBridge bridge = TestBridge.start(publisher, b -> b.httpRequestTimeout(Duration.ofMillis(800)));
                RawHttp http = RawHttp.connect(bridge.port())) {
            for (int i = 0; i < 3; i++) {
                http.write(RawHttp.get("/healthz"));
                assertThat(http.read().status()).isEqualTo(200);
            }
        }
    }

    @Test
    void aWebSocketHandshakeTrickledTowardsItsConnectIsClosedAtTheConnectDeadline() throws Exception {
        try (TestBridge bridge = TestBridge.start(publisher, b -> b.connectTimeout(Duration.ofSeconds(1)));
                RawMqtt raw = RawMqtt.webSocket(bridge.port(), bridge.token())) {
            byte[] connect = RawMqtt.connect("trickling-" + "x".repeat(100), 30, true, null);
            boolean closed = false;
            for (int i = 0; i < connect.length - 1 && !closed; i++) {
                try {
                    raw.frame(0x2, new byte[] {connect[i]}, true);
                } catch (IOException e) {
                    closed = true;
                }
                closed = closed || raw.awaitClosed(Duration.ofMillis(100));
            }
            assertThat(closed).as("closed by the connect deadline while bytes kept coming").isTrue();
        }
    }

    @Test
    void answersOtherHttpVersionsWith505() throws Exception {
        try (TestBridge bridge = TestBridge.start(publisher)) {
            RawHttp.Response future = RawHttp.exchange("127.0.0.1", bridge.port(), "GET /healthz HTTP/9.9\r\nHost: bridge\r\n\r\n");
            RawHttp.Response two = RawHttp.exchange("127.0.0.1", bridge.port(), "GET /healthz HTTP/2.0\r\nHost: bridge\r\n\r\n");
            RawHttp.Response token = RawHttp.exchange("127.0.0.1", bridge.port(),
                    RawHttp.postForm("/oauth/token", WRONG).replace("HTTP/1.1", "HTTP/3.0"));
            RawHttp.Response old = RawHttp.exchange("127.0.0.1", bridge.port(), "GET /healthz HTTP/1.0\r\n\r\n");

            assertThat(future.status()).isEqualTo(505);
            assertThat(future.body()).contains("http_version_not_supported");
            assertThat(two.status()).isEqualTo(505);
            assertThat(token.status()).isEqualTo(505);
            assertThat(old.status()).isEqualTo(200);
            assertThat(tokenOutcomes).isEmpty();
        }
    }

    @Test
    void closesConnectionsOverTheLimitsAtOnceAndServesOtherAddresses() throws Exception {
        try (TestBridge bridge = TestBridge.start(publisher, b -> b.maxConnections(12).maxConnectionsPerAddress(5).listener(recorder))) {
            List<RawHttp> open = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    open.add(RawHttp.connect("127.0.0.2", bridge.port()));
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> bridge.bridge.openConnections() == 5);
                try (RawHttp sixth = RawHttp.connect("127.0.0.2", bridge.port())) {
                    assertThat(sixth.awaitClosed(Duration.ofSeconds(5))).as("over the per-address limit").isTrue();
                }
                RawHttp.Response fromElsewhere = RawHttp.exchange("127.0.0.3", bridge.port(), RawHttp.get("/healthz"));
                assertThat(fromElsewhere.status()).isEqualTo(200);
                // the refused sixth and the answered exchange give their places back asynchronously
                await().atMost(Duration.ofSeconds(5)).until(() -> bridge.bridge.openConnections() == 5);
                for (String address : List.of("127.0.0.4", "127.0.0.4", "127.0.0.5", "127.0.0.5", "127.0.0.5", "127.0.0.6",
                        "127.0.0.6")) {
                    open.add(RawHttp.connect(address, bridge.port()));
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> bridge.bridge.openConnections() == 12);
                try (RawHttp overall = RawHttp.connect("127.0.0.7", bridge.port())) {
                    assertThat(overall.awaitClosed(Duration.ofSeconds(5))).as("over the overall limit").isTrue();
                }
                assertThat(refusals).containsOnly(ConnectRefusal.CONNECTION_LIMIT).hasSize(2);
                RawHttp.Response answered = open.get(0).write(RawHttp.get("/healthz")).read();
                assertThat(answered.status()).as("the connections let in are served").isEqualTo(200);
            } finally {
                for (RawHttp connection : open) {
                    connection.close();
                }
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> bridge.bridge.openConnections() == 0);
            assertThat(RawHttp.exchange("127.0.0.2", bridge.port(), RawHttp.get("/healthz")).status()).as("places are given back")
                    .isEqualTo(200);
        }
    }

    @Test
    void throttlesFailedTokenRequestsPerAddressWith429AndRetryAfter() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        try (TestBridge bridge = TestBridge.start(publisher, b -> b.clock(clock).tokenThrottle(3, Duration.ofMinutes(1))
                .listener(recorder))) {
            String right = "grant_type=client_credentials&client_id=" + TestBridge.CLIENT_ID + "&client_secret="
                    + URLEncoder.encode(TestBridge.CLIENT_SECRET, StandardCharsets.UTF_8);
            for (int i = 0; i < 3; i++) {
                assertThat(RawHttp.exchange("127.0.0.2", bridge.port(), RawHttp.postForm("/oauth/token", WRONG)).status()).isEqualTo(401);
            }

            RawHttp.Response throttled = RawHttp.exchange("127.0.0.2", bridge.port(), RawHttp.postForm("/oauth/token", right));
            assertThat(throttled.status()).as("even the right secret: it is not looked at").isEqualTo(429);
            assertThat(Long.parseLong(throttled.headers().get("retry-after"))).isBetween(1L, 60L);
            assertThat(throttled.body()).contains("too_many_requests").doesNotContain("access_token");
            assertThat(RawHttp.exchange("127.0.0.3", bridge.port(), RawHttp.postForm("/oauth/token", right)).status())
                    .as("another address").isEqualTo(200);

            clock.advance(Duration.ofSeconds(61));
            assertThat(RawHttp.exchange("127.0.0.2", bridge.port(), RawHttp.postForm("/oauth/token", right)).status())
                    .as("after the window").isEqualTo(200);
            assertThat(tokenOutcomes).containsExactly(TokenOutcome.INVALID_CLIENT, TokenOutcome.INVALID_CLIENT,
                    TokenOutcome.INVALID_CLIENT, TokenOutcome.THROTTLED, TokenOutcome.ISSUED, TokenOutcome.ISSUED);
        }
    }

    @Test
    void logsRefusedTokenRequestsAsOneLinePerAddressAndIntervalWithCounts() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.err;
        System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
        try (TestBridge bridge = TestBridge.start(publisher, b -> b.clock(clock).tokenThrottle(10, Duration.ofMinutes(1))
                .failureLogInterval(Duration.ofMinutes(1)))) {
            try (RawHttp http = RawHttp.connect("127.0.0.2", bridge.port())) {
                for (int i = 0; i < 25; i++) {
                    http.write(RawHttp.postForm("/oauth/token", WRONG)).read();
                }
            }
            RawHttp.exchange("127.0.0.3", bridge.port(), RawHttp.postForm("/oauth/token", "grant_type=password"));
            clock.advance(Duration.ofSeconds(61));
            await().atMost(Duration.ofSeconds(5)).until(() -> captured.toString(StandardCharsets.UTF_8)
                    .contains("refused token requests from 127.0.0.3") && captured.toString(StandardCharsets.UTF_8)
                    .contains("refused token requests from 127.0.0.2"));
        } finally {
            System.setErr(original);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("token request")).toList();
        assertThat(lines).hasSize(2);
        assertThat(lines).anySatisfy(line -> assertThat(line)
                .contains("25 refused token requests from 127.0.0.2 in the last 61 s: 10 invalid_client, 15 throttled (429)"));
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("1 refused token requests from 127.0.0.3")
                .contains("1 unsupported_grant_type"));
    }

    @Test
    void behindTrustedProxiesThrottlesTheAddressTheyForwardAndIgnoresWhatTheClientClaims() throws Exception {
        try (TestBridge bridge = TestBridge.start(publisher, b -> b.tokenThrottle(2, Duration.ofMinutes(1)).trustedProxyHops(1))) {
            for (int i = 0; i < 2; i++) {
                assertThat(RawHttp.exchange("127.0.0.1", bridge.port(), RawHttp.postForm("/oauth/token", WRONG,
                        "X-Forwarded-For: 203.0.113.9")).status()).isEqualTo(401);
            }
            assertThat(RawHttp.exchange("127.0.0.1", bridge.port(), RawHttp.postForm("/oauth/token", WRONG,
                    "X-Forwarded-For: 198.51.100.1, 203.0.113.9")).status()).as("a claimed address in front does not help")
                    .isEqualTo(429);
            assertThat(RawHttp.exchange("127.0.0.1", bridge.port(), RawHttp.postForm("/oauth/token", WRONG,
                    "X-Forwarded-For: 203.0.113.10")).status()).as("another client behind the same proxy").isEqualTo(401);
        }
    }
}
