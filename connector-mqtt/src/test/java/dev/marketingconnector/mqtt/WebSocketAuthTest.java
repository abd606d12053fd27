package dev.marketingconnector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marketingconnector.core.testing.RecordingEventPublisher;
import dev.marketingconnector.mqtt.BridgeListener.ConnectRefusal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;

class WebSocketAuthTest {

    private final RecordingEventPublisher publisher = new RecordingEventPublisher();
    private final MutableClock clock = new MutableClock(Instant.parse("2024-03-01T10:00:00Z"));
    private final List<ConnectRefusal> refusals = new CopyOnWriteArrayList<>();

    private TestBridge start(boolean tokenAsPassword) {
        return TestBridge.start(publisher, b -> b.clock(clock).tokenAsConnectPassword(tokenAsPassword).listener(new BridgeListener() {
            @Override
            public void connectRefused(String remoteAddress, ConnectRefusal reason) {
                refusals.add(reason);
            }
        }));
    }

    private static int upgradeStatus(int port, String token) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("mqtt");
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        try {
            WebSocket socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + "/mqtt"), new WebSocket.Listener() { })
                    .get(5, TimeUnit.SECONDS);
            socket.abort();
            return 101;
        } catch (Exception e) {
            Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
            if (cause instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw new AssertionError("upgrade failed otherwise", e);
        }
    }

    @Test
    void upgradesWithAValidTokenAndTheMqttSubprotocol() throws Exception {
        try (TestBridge bridge = start(false)) {
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .subprotocols("mqtt")
                    .header("Authorization", "Bearer " + bridge.token())
                    .buildAsync(URI.create("ws://127.0.0.1:" + bridge.port() + "/"), new WebSocket.Listener() { })
                    .get(5, TimeUnit.SECONDS);

            assertThat(socket.getSubprotocol()).isEqualTo("mqtt");
            socket.abort();
        }
    }

    @Test
    void refusesTheUpgradeWithoutATokenWith401() throws Exception {
        try (TestBridge bridge = start(false)) {
            assertThat(upgradeStatus(bridge.port(), null)).isEqualTo(401);

            RawMqtt.Refused refused = (RawMqtt.Refused) catchRefusal(() -> RawMqtt.webSocket(bridge.port(), null));
            assertThat(refused.response).containsIgnoringCase("WWW-Authenticate: Bearer realm=");
            assertThat(refusals).containsOnly(ConnectRefusal.NO_TOKEN);
        }
    }

    @Test
    void refusesAForgedTokenWith401() throws Exception {
        try (TestBridge bridge = start(false)) {
            TokenService forger = new TokenService("another-key-entirely-another-key-x".getBytes(), Duration.ofHours(1),
                    BridgeConfig.DEFAULT_ISSUER, BridgeConfig.DEFAULT_AUDIENCE, clock);
            String forged = forger.issue(TestBridge.CLIENT_ID).token().reveal();

            assertThat(upgradeStatus(bridge.port(), forged)).isEqualTo(401);
            assertThat(upgradeStatus(bridge.port(), "not.a.jwt")).isEqualTo(401);
            RawMqtt.Refused refused = (RawMqtt.Refused) catchRefusal(() -> RawMqtt.webSocket(bridge.port(), forged));
            assertThat(refused.response).containsIgnoringCase("error=\"invalid_token\"");
            assertThat(refusals).containsOnly(ConnectRefusal.BAD_TOKEN);
        }
    }

    @Test
    void refusesTokensThisBridgeNeverIssuesEvenWithTheRightKey() throws Exception {
        try (TestBridge bridge = start(false)) {
            byte[] key = TestBridge.SIGNING_KEY.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            MutableClock future = new MutableClock(clock.instant().plus(Duration.ofMinutes(5)));
            String fromTheFuture = new TokenService(key, Duration.ofHours(1), BridgeConfig.DEFAULT_ISSUER,
                    BridgeConfig.DEFAULT_AUDIENCE, future).issue(TestBridge.CLIENT_ID).token().reveal();
            String forAYear = new TokenService(key, Duration.ofDays(365), BridgeConfig.DEFAULT_ISSUER,
                    BridgeConfig.DEFAULT_AUDIENCE, clock).issue(TestBridge.CLIENT_ID).token().reveal();

            assertThat(upgradeStatus(bridge.port(), fromTheFuture)).isEqualTo(401);
            assertThat(upgradeStatus(bridge.port(), forAYear)).isEqualTo(401);
            assertThat(upgradeStatus(bridge.port(), bridge.token())).isEqualTo(101);
            assertThat(refusals).containsOnly(ConnectRefusal.BAD_TOKEN);
        }
    }

    @Test
    void refusesAnExpiredTokenWith401() throws Exception {
        try (TestBridge bridge = start(false)) {
            String token = bridge.token();
            assertThat(upgradeStatus(bridge.port(), token)).isEqualTo(101);

            clock.advance(Duration.ofHours(1).plusSeconds(1));

            assertThat(upgradeStatus(bridge.port(), token)).isEqualTo(401);
            RawMqtt.Refused refused = (RawMqtt.Refused) catchRefusal(() -> RawMqtt.webSocket(bridge.port(), token));
            assertThat(refused.response).containsIgnoringCase("expired");
            assertThat(refusals).containsOnly(ConnectRefusal.EXPIRED_TOKEN);
        }
    }

    @Test
    void pahoWithoutATokenCannotConnect() throws Exception {
        try (TestBridge bridge = start(false)) {
            MqttAsyncClient client = Clients.pahoClient(bridge.port(), "no-token");
            assertThatThrownBy(() -> client.connect(Clients.pahoOptions(null, true)).waitForCompletion(5_000))
                    .isInstanceOf(MqttException.class);
            client.close();
            assertThat(publisher.attempts()).isZero();
        }
    }

    @Test
    void acceptsTheTokenAsConnectPasswordWhenAllowed() throws Exception {
        try (TestBridge bridge = start(true)) {
            MqttAsyncClient client = Clients.pahoClient(bridge.port(), "token-as-password");
            MqttConnectOptions options = Clients.pahoOptions(null, true);
            options.setUserName("ignored");
            options.setPassword(bridge.token().toCharArray());
            client.connect(options).waitForCompletion(5_000);

            client.publish("sap/mkt/tenant1/BO/Contact/Changed", "{\"data\":{}}".getBytes(), 1, false).waitForCompletion(5_000);

            assertThat(publisher.published()).hasSize(1);
            Clients.closeQuietly(client);
        }
    }

    @Test
    void refusesAMissingOrBadConnectPasswordWithNotAuthorized() throws Exception {
        try (TestBridge bridge = start(true)) {
            assertThat(connectCode(bridge, null)).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED);
            assertThat(connectCode(bridge, "forged.token.value")).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED);
            String token = bridge.token();
            clock.advance(Duration.ofHours(2));
            assertThat(connectCode(bridge, token)).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED);
            assertThat(refusals).containsExactly(ConnectRefusal.NO_TOKEN, ConnectRefusal.BAD_TOKEN, ConnectRefusal.EXPIRED_TOKEN);
        }
    }

    @Test
    void stillChecksATokenSentAtTheUpgradeWhenPasswordsAreAllowed() throws Exception {
        try (TestBridge bridge = start(true)) {
            assertThat(upgradeStatus(bridge.port(), "forged")).isEqualTo(401);
            assertThat(upgradeStatus(bridge.port(), null)).isEqualTo(101);
        }
    }

    private static int connectCode(TestBridge bridge, String password) throws MqttException {
        MqttAsyncClient client = Clients.pahoClient(bridge.port(), "pw-" + System.nanoTime());
        MqttConnectOptions options = Clients.pahoOptions(null, true);
        if (password != null) {
            options.setUserName("u");
            options.setPassword(password.toCharArray());
        }
        try {
            client.connect(options).waitForCompletion(5_000);
            return 0;
        } catch (MqttException e) {
            return e.getReasonCode();
        } finally {
            client.close();
        }
    }

    private interface IoCall {
        void run() throws Exception;
    }

    private static Throwable catchRefusal(IoCall call) {
        try {
            call.run();
        } catch (Exception e) {
            assertThat(e).isInstanceOf(RawMqtt.Refused.class);
            assertThat(((RawMqtt.Refused) e).status).isEqualTo(401);
            return e;
        }
        throw new AssertionError("the upgrade was not refused");
    }

}
