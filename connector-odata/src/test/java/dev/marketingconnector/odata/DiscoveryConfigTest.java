package dev.marketingconnector.odata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marketingconnector.core.communication.CommunicationUser;
import dev.marketingconnector.core.config.ConnectorConfiguration;
import dev.marketingconnector.core.config.Secret;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class DiscoveryConfigTest {

    private static final CommunicationUser USER = new CommunicationUser("COMM_USER", Secret.of("s3cret-Pw"));

    @Test
    void hasNamedDefaults() {
        DiscoveryConfig config = DiscoveryConfig.builder().systemUrl("https://tenant.example.com").user(USER).build();

        assertThat(config.parallelism()).isEqualTo(DiscoveryConfig.DEFAULT_PARALLELISM).isEqualTo(8);
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.deadline()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.maxAttempts()).isEqualTo(3);
        assertThat(config.initialBackoff()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.backoffMultiplier()).isEqualTo(2.0);
        assertThat(config.clock()).isNotNull();
    }

    @Test
    void dropsTrailingSlashesAndKeepsPathPrefixAndPort() {
        assertThat(DiscoveryConfig.builder().systemUrl("http://127.0.0.1:8080/tenant/a//").user(USER).build().systemUrl())
                .isEqualTo(URI.create("http://127.0.0.1:8080/tenant/a"));
        assertThat(DiscoveryConfig.builder().systemUrl(URI.create("https://tenant.example.com/")).user(USER).build().systemUrl())
                .isEqualTo(URI.create("https://tenant.example.com"));
    }

    @Test
    void settersRejectBadValuesNamingThem() {
        DiscoveryConfig.Builder builder = DiscoveryConfig.builder();

        assertThatThrownBy(() -> builder.systemUrl("ftp://tenant")).hasMessageContaining("systemUrl").hasMessageContaining("ftp://tenant");
        assertThatThrownBy(() -> builder.systemUrl("https://u:p@tenant")).hasMessageContaining("credentials").hasMessageNotContaining("u:p");
        assertThatThrownBy(() -> builder.systemUrl("https://tenant?x=1")).hasMessageContaining("query");
        assertThatThrownBy(() -> builder.systemUrl("https://ten ant")).hasMessageContaining("not a valid URL");
        assertThatThrownBy(() -> builder.parallelism(0)).hasMessageContaining("parallelism").hasMessageContaining("0");
        assertThatThrownBy(() -> builder.parallelism(65)).hasMessageContaining("parallelism");
        assertThatThrownBy(() -> builder.requestTimeout(Duration.ZERO)).hasMessageContaining("requestTimeout");
        assertThatThrownBy(() -> builder.deadline(Duration.ofSeconds(-1))).hasMessageContaining("deadline");
        assertThatThrownBy(() -> builder.maxAttempts(0)).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> builder.initialBackoff(Duration.ZERO)).hasMessageContaining("initialBackoff");
        assertThatThrownBy(() -> builder.backoffMultiplier(0.5)).hasMessageContaining("backoffMultiplier");
        assertThatThrownBy(() -> builder.backoffMultiplier(Double.NaN)).hasMessageContaining("backoffMultiplier");
    }

    @Test
    void buildChecksWhatSpansFields() {
        assertThatThrownBy(() -> DiscoveryConfig.builder().user(USER).build()).hasMessageContaining("systemUrl is required");
        assertThatThrownBy(() -> DiscoveryConfig.builder().systemUrl("https://t").build()).hasMessageContaining("user is required");
        assertThatThrownBy(() -> DiscoveryConfig.builder().systemUrl("https://t").user(USER)
                .requestTimeout(Duration.ofSeconds(30)).deadline(Duration.ofSeconds(20)).build())
                .hasMessageContaining("requestTimeout").hasMessageContaining("deadline");
    }

    @Test
    void takesSystemUrlAndUserFromTheConnectorConfiguration() {
        ConnectorConfiguration configuration = ConnectorConfiguration.builder()
                .systemUrl("https://my-tenant-api.s4hana.ondemand.com/").user("COMM_USER").password("s3cret-Pw")
                .oauthClientId("client").oauthClientSecret("client-secret").applicationName("mkt-prod")
                .clusterDomain("c-123.kyma.example.com").build();

        DiscoveryConfig config = DiscoveryConfig.from(configuration).parallelism(1).build();

        assertThat(config.systemUrl()).isEqualTo(URI.create("https://my-tenant-api.s4hana.ondemand.com"));
        assertThat(config.user()).isEqualTo(USER);
        assertThat(config.parallelism()).isEqualTo(1);
        assertThat(ODataServiceDiscovery.create(configuration).config().systemUrl()).isEqualTo(config.systemUrl());
    }

    @Test
    void toBuilderKeepsEveryValue() {
        Clock clock = Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC);
        DiscoveryConfig config = DiscoveryConfig.builder().systemUrl("https://t").user(USER).parallelism(3)
                .requestTimeout(Duration.ofSeconds(2)).deadline(Duration.ofSeconds(9)).maxAttempts(5)
                .initialBackoff(Duration.ofMillis(7)).backoffMultiplier(1.5).clock(clock).build();

        DiscoveryConfig copy = config.toBuilder().build();

        assertThat(copy).usingRecursiveComparison().isEqualTo(config);
    }

    @Test
    void toStringNeverShowsThePassword() {
        DiscoveryConfig config = DiscoveryConfig.builder().systemUrl("https://t").user(USER).build();

        assertThat(config.toString()).contains("COMM_USER").doesNotContain("s3cret-Pw");
    }
}
