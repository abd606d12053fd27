package dev.marketingconnector.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectorConfigurationTest {

    private static final String PASSWORD = "pa55-w0rd-very-secret";
    private static final String CLIENT_SECRET = "client-secret-xyz-987";

    private static Map<String, String> validEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("SYSTEM_URL", "https://my300000-api.s4hana.ondemand.com");
        env.put("BASIC_USER", "COMM_USER_KYMA");
        env.put("BASIC_PASSWORD", PASSWORD);
        env.put("OAUTH_CLIENT_ID", "sap-marketing");
        env.put("OAUTH_CLIENT_SECRET", CLIENT_SECRET);
        env.put("APPLICATION_NAME", "mkt-prod");
        env.put("CLUSTER_DOMAIN", "c-1a2b3c.kyma.ondemand.com");
        return env;
    }

    private static ConfigurationException failureFor(Map<String, String> env) {
        return catchThrowableOfType(ConfigurationException.class, () -> ConnectorConfiguration.fromEnvironment(env));
    }

    @Test
    void readsTheSevenSettingsFromTheEnvironment() {
        ConnectorConfiguration config = ConnectorConfiguration.fromEnvironment(validEnvironment());

        assertThat(config.systemUrl()).isEqualTo(URI.create("https://my300000-api.s4hana.ondemand.com"));
        assertThat(config.user()).isEqualTo("COMM_USER_KYMA");
        assertThat(config.password().reveal()).isEqualTo(PASSWORD);
        assertThat(config.oauthClientId()).isEqualTo("sap-marketing");
        assertThat(config.oauthClientSecret().reveal()).isEqualTo(CLIENT_SECRET);
        assertThat(config.applicationName()).isEqualTo("mkt-prod");
        assertThat(config.clusterDomain()).isEqualTo("c-1a2b3c.kyma.ondemand.com");
        assertThat(config.communicationUser().name()).isEqualTo("COMM_USER_KYMA");
    }

    @Test
    void derivesMqttHostAndOAuthEndpointsFromTheClusterDomain() {
        ConnectorConfiguration config = ConnectorConfiguration.fromEnvironment(validEnvironment());

        assertThat(config.mqttHost()).isEqualTo("mqtt.c-1a2b3c.kyma.ondemand.com");
        assertThat(config.tokenEndpoint()).isEqualTo(URI.create("https://auth.c-1a2b3c.kyma.ondemand.com/oauth/token"));
        assertThat(config.authorizeEndpoint()).isEqualTo(URI.create("https://auth.c-1a2b3c.kyma.ondemand.com/oauth/authorize"));
    }

    @Test
    void reportsEveryMissingSettingAtOnce() {
        ConfigurationException e = failureFor(Map.of());

        assertThat(e.problems()).extracting(ConfigurationProblem::setting)
                .containsExactly("SYSTEM_URL", "BASIC_USER", "BASIC_PASSWORD", "OAUTH_CLIENT_ID", "OAUTH_CLIENT_SECRET",
                        "APPLICATION_NAME", "CLUSTER_DOMAIN");
        assertThat(e.problems()).allSatisfy(p -> assertThat(p.message()).isEqualTo("missing"));
        assertThat(e.getMessage()).contains("7 problems", "SYSTEM_URL: missing", "CLUSTER_DOMAIN: missing");
    }

    @Test
    void blankValuesCountAsMissing() {
        Map<String, String> env = validEnvironment();
        env.put("BASIC_USER", "   ");
        env.put("OAUTH_CLIENT_ID", "");

        assertThat(failureFor(env).problems()).extracting(ConfigurationProblem::toString)
                .containsExactly("BASIC_USER: missing", "OAUTH_CLIENT_ID: missing");
    }

    @Test
    void bareHostGetsHttps() {
        Map<String, String> env = validEnvironment();
        env.put("SYSTEM_URL", "my300000-api.s4hana.ondemand.com");

        assertThat(ConnectorConfiguration.fromEnvironment(env).systemUrl())
                .isEqualTo(URI.create("https://my300000-api.s4hana.ondemand.com"));
    }

    @Test
    void keepsHttpPortAndPathPrefixButDropsTrailingSlashes() {
        Map<String, String> env = validEnvironment();
        env.put("SYSTEM_URL", "http://127.0.0.1:8089/tenant-a//");

        assertThat(ConnectorConfiguration.fromEnvironment(env).systemUrl()).isEqualTo(URI.create("http://127.0.0.1:8089/tenant-a"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://files.example.com", "mailto:someone@example.com", "https://", "https://host/path?x=1",
            "https://user:pw@host", "http://bad host"})
    void rejectsSystemUrlsThatAreNotPlainHttp(String url) {
        Map<String, String> env = validEnvironment();
        env.put("SYSTEM_URL", url);

        ConfigurationException e = failureFor(env);

        assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p.setting()).isEqualTo("SYSTEM_URL"));
        assertThat(e.getMessage()).doesNotContain("pw@");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Mkt-Prod", "mkt_prod", "-mkt", "mkt-", "mkt.prod", "mkt prod"})
    void rejectsApplicationNamesThatAreNotKubernetesNames(String name) {
        Map<String, String> env = validEnvironment();
        env.put("APPLICATION_NAME", name);

        ConfigurationException e = failureFor(env);

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.setting()).isEqualTo("APPLICATION_NAME");
            assertThat(p.message()).contains("'" + name + "'", "not a valid Kubernetes name");
        });
    }

    @Test
    void rejectsApplicationNamesLongerThan63Characters() {
        Map<String, String> env = validEnvironment();
        env.put("APPLICATION_NAME", "a".repeat(64));

        assertThat(failureFor(env).problems()).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("64 characters", "at most 63"));
        env.put("APPLICATION_NAME", "a".repeat(63));
        assertThat(ConnectorConfiguration.fromEnvironment(env).applicationName()).hasSize(63);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://kyma.example.com", "kyma..example.com", "kyma_example.com", "-kyma.example.com",
            "kyma.example.com/path", "kyma example.com"})
    void rejectsClusterDomainsThatAreNotHostNames(String domain) {
        Map<String, String> env = validEnvironment();
        env.put("CLUSTER_DOMAIN", domain);

        assertThat(failureFor(env).problems()).singleElement().satisfies(p -> {
            assertThat(p.setting()).isEqualTo("CLUSTER_DOMAIN");
            assertThat(p.message()).contains("'" + domain + "'");
        });
    }

    @Test
    void clusterDomainIsLowerCasedAndLosesATrailingDot() {
        Map<String, String> env = validEnvironment();
        env.put("CLUSTER_DOMAIN", "C-1A2B.Kyma.Example.com.");

        assertThat(ConnectorConfiguration.fromEnvironment(env).clusterDomain()).isEqualTo("c-1a2b.kyma.example.com");
    }

    @Test
    void collectsProblemsOfDifferentSettingsTogether() {
        Map<String, String> env = validEnvironment();
        env.put("SYSTEM_URL", "ftp://x");
        env.put("APPLICATION_NAME", "Bad_Name");
        env.remove("BASIC_PASSWORD");

        assertThat(failureFor(env).problems()).extracting(ConfigurationProblem::setting)
                .containsExactly("SYSTEM_URL", "BASIC_PASSWORD", "APPLICATION_NAME");
    }

    @Test
    void secretsNeverAppearInToStringOrErrors() {
        ConnectorConfiguration config = ConnectorConfiguration.fromEnvironment(validEnvironment());
        assertThat(config.toString()).doesNotContain(PASSWORD, CLIENT_SECRET).contains("COMM_USER_KYMA", "******");
        assertThat(config.communicationUser().toString()).doesNotContain(PASSWORD);

        Map<String, String> env = validEnvironment();
        env.put("SYSTEM_URL", "ftp://x");
        env.put("APPLICATION_NAME", "");
        assertThat(failureFor(env).getMessage()).doesNotContain(PASSWORD, CLIENT_SECRET);
    }

    @Test
    void builderValidatesLikeTheEnvironmentFactory() {
        assertThatThrownBy(() -> ConnectorConfiguration.builder().systemUrl("https://x.example.com").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("6 problems");
        ConnectorConfiguration config = ConnectorConfiguration.builder()
                .systemUrl("https://x.example.com").user("U").password("p").oauthClientId("c").oauthClientSecret("s")
                .applicationName("app").clusterDomain("example.com").build();
        assertThat(config.applicationName()).isEqualTo("app");
    }
}
