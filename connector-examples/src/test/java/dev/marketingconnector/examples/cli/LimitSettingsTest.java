package dev.marketingconnector.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marketingconnector.core.config.ConfigurationException;
import dev.marketingconnector.core.config.ConfigurationProblem;
import dev.marketingconnector.core.testing.RecordingEventPublisher;
import dev.marketingconnector.mqtt.BridgeConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The event endpoint's limits as settings, and the client secret's strength, checked at start-up by setting name. */
class LimitSettingsTest {

    private static Map<String, String> seven(String clientSecret) {
        Map<String, String> env = new HashMap<>();
        env.put("SYSTEM_URL", "https://my300000.s4hana.ondemand.com");
        env.put("BASIC_USER", "COMM_USER");
        env.put("BASIC_PASSWORD", "a-password");
        env.put("OAUTH_CLIENT_ID", "sap-mkt");
        env.put("OAUTH_CLIENT_SECRET", clientSecret);
        env.put("APPLICATION_NAME", "mkt-prod");
        env.put("CLUSTER_DOMAIN", "kyma.example.com");
        return env;
    }

    @Test
    void unsetLimitsKeepTheDefaults() {
        BridgeConfig config = ConnectorSetup.from(Settings.of(seven("a-strong-enough-client-secret"))).bridge(new RecordingEventPublisher())
                .build();

        assertThat(config.maxConnections()).isEqualTo(BridgeConfig.DEFAULT_MAX_CONNECTIONS);
        assertThat(config.tokenMaxFailures()).isEqualTo(BridgeConfig.DEFAULT_TOKEN_MAX_FAILURES);
    }

    @Test
    void everyLimitIsASetting() {
        Map<String, String> env = seven("a-strong-enough-client-secret");
        env.putAll(Map.ofEntries(Map.entry("MAX_CONNECTIONS", "100"), Map.entry("MAX_CONNECTIONS_PER_ADDRESS", "10"),
                Map.entry("HTTP_REQUEST_TIMEOUT", "3s"), Map.entry("MAX_PIPELINED_REQUESTS", "4"),
                Map.entry("MQTT_CONNECT_TIMEOUT", "5s"), Map.entry("MQTT_MAX_KEEP_ALIVE", "2m"),
                Map.entry("MQTT_QOS2_RELEASE_TIMEOUT", "30s"), Map.entry("MQTT_MAX_QOS2_AWAITING_RELEASE", "64"),
                Map.entry("TOKEN_MAX_FAILURES", "5"), Map.entry("TOKEN_FAILURE_WINDOW", "10m"),
                Map.entry("FAILURE_LOG_INTERVAL", "5m"), Map.entry("TRUSTED_PROXY_HOPS", "1"), Map.entry("STATUS_MAX_CLIENTS", "7")));

        ConnectorSetup setup = ConnectorSetup.from(Settings.of(env));
        BridgeConfig config = setup.bridge(new RecordingEventPublisher()).build();

        assertThat(config.maxConnections()).isEqualTo(100);
        assertThat(config.maxConnectionsPerAddress()).isEqualTo(10);
        assertThat(config.httpRequestTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.maxPipelinedRequests()).isEqualTo(4);
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.maxKeepAlive()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.qos2ReleaseTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.maxQos2AwaitingRelease()).isEqualTo(64);
        assertThat(config.tokenMaxFailures()).isEqualTo(5);
        assertThat(config.tokenFailureWindow()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.failureLogInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.trustedProxyHops()).isEqualTo(1);
        assertThat(setup.statusMaxClients).hasValue(7);
    }

    @Test
    void badLimitsAndAWeakSecretAreReportedTogetherByName() {
        Map<String, String> env = seven("secret");
        env.putAll(Map.of("MAX_CONNECTIONS", "many", "HTTP_REQUEST_TIMEOUT", "10", "MQTT_MAX_KEEP_ALIVE", "30h",
                "TOKEN_MAX_FAILURES", "0", "STATUS_MAX_CLIENTS", "-1"));

        assertThatThrownBy(() -> ConnectorSetup.from(Settings.of(env)))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems()).extracting(ConfigurationProblem::setting).containsExactlyInAnyOrder("OAUTH_CLIENT_SECRET",
                            "MAX_CONNECTIONS", "HTTP_REQUEST_TIMEOUT", "MQTT_MAX_KEEP_ALIVE", "TOKEN_MAX_FAILURES", "STATUS_MAX_CLIENTS");
                    assertThat(e.getMessage()).contains("too weak to resist guessing", "at least 16 characters")
                            .doesNotContain("'secret'");
                });
    }
}
