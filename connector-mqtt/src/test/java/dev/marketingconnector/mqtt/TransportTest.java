package dev.marketingconnector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.testing.RecordingEventPublisher;
import dev.marketingconnector.mqtt.testing.MarketingEventSimulator;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

/** MQTT over plain TCP (token as CONNECT password) and TLS on both ports. */
class TransportTest {

    private static Path resource(String name) throws Exception {
        return Path.of(TransportTest.class.getResource("/" + name).toURI());
    }

    private static TrustManagerFactory trust() throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream cert = TransportTest.class.getResourceAsStream("/tls-cert.pem")) {
            store.setCertificateEntry("bridge", CertificateFactory.getInstance("X.509").generateCertificate(cert));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory;
    }

    private static MqttConnectOptions passwordOptions(String token) {
        MqttConnectOptions options = Clients.pahoOptions(null, true);
        if (token != null) {
            options.setUserName("sap");
            options.setPassword(token.toCharArray());
        }
        return options;
    }

    @Test
    void acceptsMqttOverTcpWithTheTokenAsPassword() throws Exception {
        RecordingEventPublisher publisher = new RecordingEventPublisher();
        try (TestBridge bridge = TestBridge.start(publisher, b -> b.tcpPort(0))) {
            String uri = "tcp://127.0.0.1:" + bridge.bridge.tcpPort().orElseThrow();
            MqttAsyncClient client = new MqttAsyncClient(uri, "tcp-client", new MemoryPersistence());
            client.connect(passwordOptions(bridge.token())).waitForCompletion(5_000);
            client.publish("sap/mkt/tenant1/BO/Contact/Changed", "{\"data\":{\"x\":1}}".getBytes(), 1, false).waitForCompletion(5_000);

            assertThat(publisher.published()).singleElement().extracting(e -> e.type().qualified()).isEqualTo("bo.contact.changed.v1");
            assertThat(bridge.bridge.connectedClients()).singleElement().extracting(ConnectedClient::transport).isEqualTo("tcp");
            Clients.closeQuietly(client);

            MqttAsyncClient anonymous = new MqttAsyncClient(uri, "tcp-anonymous", new MemoryPersistence());
            try {
                anonymous.connect(passwordOptions(null)).waitForCompletion(5_000);
                throw new AssertionError("connected without a token");
            } catch (MqttException e) {
                assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED);
            } finally {
                anonymous.close();
            }
        }
    }

    @Test
    void servesTokensWebSocketsAndTcpOverTls() throws Exception {
        RecordingEventPublisher publisher = new RecordingEventPublisher();
        TrustManagerFactory trust = trust();
        try (TestBridge bridge = TestBridge.start(publisher, b -> b.tcpPort(0).tls(resourceUnchecked("tls-cert.pem"),
                resourceUnchecked("tls-key.pem")))) {
            assertThat(bridge.bridge.baseUri().getScheme()).isEqualTo("https");
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, trust.getTrustManagers(), null);
            HttpResponse<String> health = HttpClient.newBuilder().sslContext(ssl).build()
                    .send(HttpRequest.newBuilder(bridge.bridge.baseUri().resolve("/healthz")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);

            try (MarketingEventSimulator sap = MarketingEventSimulator.builder(bridge.bridge.baseUri())
                    .credentials(TestBridge.CLIENT_ID, Secret.of(TestBridge.CLIENT_SECRET))
                    .trust(trust)
                    .timeout(Duration.ofSeconds(10))
                    .build()
                    .connect()) {
                sap.publishLegacy("BO.MarketingPermission.Changed", MarketingEventSimulator.marketingPermissionData("1")).join();
            }

            MqttAsyncClient client = new MqttAsyncClient("ssl://127.0.0.1:" + bridge.bridge.tcpPort().orElseThrow(), "tls-tcp",
                    new MemoryPersistence());
            MqttConnectOptions options = passwordOptions(tokenOverTls(bridge, ssl));
            options.setSocketFactory(ssl.getSocketFactory());
            client.connect(options).waitForCompletion(5_000);
            client.publish("sap/mkt/tenant1/BO/Contact/Changed", "{\"data\":{}}".getBytes(), 1, false).waitForCompletion(5_000);
            Clients.closeQuietly(client);

            assertThat(publisher.published()).extracting(BusinessEvent::type).extracting(t -> t.qualified())
                    .containsExactly("bo.marketingpermission.changed.v1", "bo.contact.changed.v1");
        }
    }

    private static String tokenOverTls(TestBridge bridge, SSLContext ssl) throws Exception {
        HttpResponse<String> response = HttpClient.newBuilder().sslContext(ssl).build().send(
                HttpRequest.newBuilder(bridge.bridge.baseUri().resolve("/oauth/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + TestBridge.CLIENT_ID
                                + "&client_secret=" + java.net.URLEncoder.encode(TestBridge.CLIENT_SECRET, java.nio.charset.StandardCharsets.UTF_8)))
                        .build(), HttpResponse.BodyHandlers.ofString());
        return TestBridge.json(response.body()).path("access_token").asText();
    }

    private static Path resourceUnchecked(String name) {
        try {
            return resource(name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
