package dev.marketingconnector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marketingconnector.core.config.ConnectorConfiguration;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.testing.RecordingEventPublisher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BridgeConfigTest {

    private final RecordingEventPublisher publisher = new RecordingEventPublisher();

    @Test
    void hasTheDocumentedDefaults() {
        BridgeConfig config = BridgeConfig.builder().oauthClient("id", Secret.of("a-client-secret-of-24ch")).publisher(publisher).build();

        assertThat(config.httpPort()).isEqualTo(8080);
        assertThat(config.tcpPort()).isEmpty();
        assertThat(config.tlsEnabled()).isFalse();
        assertThat(config.tokenTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(config.tokenSigningKey()).isEmpty();
        assertThat(config.maxPayloadBytes()).isEqualTo(256 * 1024);
        assertThat(config.maxInFlightPerConnection()).isEqualTo(64);
        assertThat(config.maxInFlight()).isEqualTo(4096);
        assertThat(config.keepAliveFactor()).isEqualTo(1.5);
        assertThat(config.tokenAsConnectPassword()).isFalse();
        assertThat(config.deadLetterSink()).isInstanceOf(LoggingDeadLetterSink.class);
        assertThat(config.maxConnections()).isEqualTo(4096);
        assertThat(config.maxConnectionsPerAddress()).isEqualTo(2048);
        assertThat(config.httpRequestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.maxPipelinedRequests()).isEqualTo(16);
        assertThat(config.maxKeepAlive()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.qos2ReleaseTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.maxQos2AwaitingRelease()).isEqualTo(1024);
        assertThat(config.tokenMaxFailures()).isEqualTo(10);
        assertThat(config.tokenFailureWindow()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.failureLogInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.tokenClockSkew()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.trustedProxyHops()).isZero();
    }

    @Test
    void refusesAClientSecretTooWeakToResistGuessingWithoutShowingIt() {
        for (String weak : new String[] {"s", "oauth-secret", "aaaaaaaaaaaaaaaaaaaaaaaa", "abababababababababab"}) {
            assertThatThrownBy(() -> BridgeConfig.builder().oauthClient("id", Secret.of(weak)))
                    .as(weak)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("clientSecret is too weak to resist guessing")
                    .hasMessageContaining("at least 16 characters")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("'" + weak));
        }
        assertThat(BridgeConfig.clientSecretWeakness(Secret.of("hT4w9Qz-Lx2bVn7K"))).isEmpty();
    }

    @Test
    void takesTheOauthClientFromTheConnectorSettings() {
        ConnectorConfiguration settings = ConnectorConfiguration.fromEnvironment(Map.of(
                "SYSTEM_URL", "https://my300000.s4hana.ondemand.com", "BASIC_USER", "COMM_USER", "BASIC_PASSWORD", "pw",
                "OAUTH_CLIENT_ID", "sap-mkt", "OAUTH_CLIENT_SECRET", "oauth-client-secret-9", "APPLICATION_NAME", "mkt-prod",
                "CLUSTER_DOMAIN", "kyma.example.com"));

        BridgeConfig config = BridgeConfig.builder().connector(settings).publisher(publisher).build();

        assertThat(config.clientId()).isEqualTo("sap-mkt");
        assertThat(config.clientSecret().matches("oauth-client-secret-9")).isTrue();
    }

    @Test
    void settersRejectBadValuesNamingTheSetting() {
        BridgeConfig.Builder builder = BridgeConfig.builder();

        assertThatThrownBy(() -> builder.httpPort(70000)).hasMessageContaining("httpPort");
        assertThatThrownBy(() -> builder.maxInFlight(0)).hasMessageContaining("maxInFlight");
        assertThatThrownBy(() -> builder.keepAliveFactor(0.5)).hasMessageContaining("keepAliveFactor");
        assertThatThrownBy(() -> builder.tokenTtl(Duration.ZERO)).hasMessageContaining("tokenTtl");
        assertThatThrownBy(() -> builder.maxPayloadBytes(10)).hasMessageContaining("maxPayloadBytes");
        assertThatThrownBy(() -> builder.tls(Path.of("/no/such/cert.pem"), Path.of("/no/such/key.pem")))
                .hasMessageContaining("/no/such/cert.pem");
        assertThatThrownBy(() -> builder.route("/readyz", r -> null)).hasMessageContaining("/readyz");
        assertThatThrownBy(() -> builder.route("metrics", r -> null)).hasMessageContaining("metrics");
        assertThatThrownBy(() -> builder.topicSpace("a/#")).hasMessageContaining("a/#");
        assertThatThrownBy(() -> builder.maxConnections(0)).hasMessageContaining("maxConnections");
        assertThatThrownBy(() -> builder.maxConnectionsPerAddress(0)).hasMessageContaining("maxConnectionsPerAddress");
        assertThatThrownBy(() -> builder.httpRequestTimeout(Duration.ZERO)).hasMessageContaining("httpRequestTimeout");
        assertThatThrownBy(() -> builder.maxPipelinedRequests(0)).hasMessageContaining("maxPipelinedRequests");
        assertThatThrownBy(() -> builder.maxKeepAlive(Duration.ofSeconds(70_000))).hasMessageContaining("maxKeepAlive");
        assertThatThrownBy(() -> builder.maxQos2AwaitingRelease(0)).hasMessageContaining("maxQos2AwaitingRelease");
        assertThatThrownBy(() -> builder.tokenThrottle(0, Duration.ofMinutes(1))).hasMessageContaining("tokenMaxFailures");
        assertThatThrownBy(() -> builder.tokenThrottle(5, Duration.ofMillis(10))).hasMessageContaining("tokenFailureWindow");
        assertThatThrownBy(() -> builder.tokenClockSkew(Duration.ofHours(1))).hasMessageContaining("tokenClockSkew");
        assertThatThrownBy(() -> builder.trustedProxyHops(-1)).hasMessageContaining("trustedProxyHops");
    }

    @Test
    void rejectsAShortSigningKeyWithoutShowingIt() {
        assertThatThrownBy(() -> BridgeConfig.builder().tokenSigningKey(Secret.of("short-key-value")))
                .hasMessageContaining("tokenSigningKey")
                .hasMessageContaining("32")
                .hasMessageNotContaining("short-key-value");
    }

    @Test
    void buildReportsEveryMissingSettingAndConflict() {
        assertThatThrownBy(() -> BridgeConfig.builder().httpPort(9000).tcpPort(9000)
                .maxInFlight(4).maxInFlightPerConnection(8).build())
                .hasMessageContaining("publisher")
                .hasMessageContaining("oauthClient")
                .hasMessageContaining("tcpPort and httpPort")
                .hasMessageContaining("maxInFlightPerConnection");
    }

    @Test
    void toStringHidesTheSecrets() {
        BridgeConfig config = BridgeConfig.builder()
                .oauthClient("id", Secret.of("the-client-secret"))
                .tokenSigningKey(Secret.of("the-signing-key-which-is-long-enough"))
                .publisher(publisher)
                .build();

        assertThat(config.toString())
                .contains("clientId=id")
                .doesNotContain("the-client-secret")
                .doesNotContain("the-signing-key-which-is-long-enough");
    }
}
