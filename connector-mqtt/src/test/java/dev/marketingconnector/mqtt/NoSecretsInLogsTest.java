package dev.marketingconnector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marketingconnector.core.testing.RecordingEventPublisher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.Test;

/**
 * Runs the bridge through token requests (good and bad), refused upgrades, connects, events,
 * dead letters and a token as CONNECT password, all while capturing everything logged (this
 * module logs at DEBUG in tests), and checks that no secret or token appears in it.
 */
class NoSecretsInLogsTest {

    @Test
    void neitherSecretsNorTokensReachTheLog() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        String wrongSecret = "wrong-but-almost-the-Cl13nt-S3cret";
        String token;
        String expiredToken;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        MutableClock clock = new MutableClock(Instant.now());
        try (TestBridge bridge = TestBridge.start(new RecordingEventPublisher(), b -> b.clock(clock).tokenAsConnectPassword(true))) {
            expiredToken = bridge.token();
            clock.advance(Duration.ofHours(2));
            token = bridge.token();
            bridge.postForm("/oauth/token", "grant_type=client_credentials&client_id=" + TestBridge.CLIENT_ID + "&client_secret="
                    + URLEncoder.encode(wrongSecret, StandardCharsets.UTF_8));
            try {
                RawMqtt.webSocket(bridge.port(), expiredToken).close();
            } catch (RawMqtt.Refused expected) {
                // logged as refused
            }
            MqttAsyncClient client = Clients.pahoClient(bridge.port(), "log-check");
            MqttConnectOptions options = Clients.pahoOptions(null, true);
            options.setUserName("sap");
            options.setPassword(token.toCharArray());
            client.connect(options).waitForCompletion(5_000);
            client.publish("sap/mkt/tenant1/BO/Contact/Changed", ("{\"data\":{\"password\":\"" + TestBridge.CLIENT_SECRET + "\"}}")
                    .getBytes(StandardCharsets.UTF_8), 1, false).waitForCompletion(5_000);
            client.publish("sap/mkt/tenant1/BO/Contact/Changed", ("secret=" + TestBridge.CLIENT_SECRET)
                    .getBytes(StandardCharsets.UTF_8), 1, false).waitForCompletion(5_000);
            Clients.closeQuietly(client);
            MqttAsyncClient refused = Clients.pahoClient(bridge.port(), "log-check-refused");
            MqttConnectOptions expired = Clients.pahoOptions(null, true);
            expired.setPassword(expiredToken.toCharArray());
            try {
                refused.connect(expired).waitForCompletion(5_000);
            } catch (Exception expected) {
                // refused: not authorized
            } finally {
                refused.close();
            }
        } finally {
            System.setErr(original);
        }

        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log)
                .contains("refused token requests from 127.0.0.1")
                .contains("Refused the WebSocket upgrade")
                .contains("Client 'log-check' connected")
                .contains("Dead-lettered a message from client 'log-check'")
                .contains("Refused the MQTT connection");
        assertThat(log)
                .doesNotContain(TestBridge.CLIENT_SECRET)
                .doesNotContain(wrongSecret)
                .doesNotContain(TestBridge.SIGNING_KEY)
                .doesNotContain(token)
                .doesNotContain(expiredToken)
                .doesNotContain(token.substring(token.lastIndexOf('.') + 1));
    }
}
