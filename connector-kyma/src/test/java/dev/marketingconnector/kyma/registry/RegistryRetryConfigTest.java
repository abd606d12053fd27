package dev.marketingconnector.kyma.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RegistryRetryConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        RegistryRetryConfig defaults = RegistryRetryConfig.defaults();

        assertThat(defaults.maxAttempts()).isEqualTo(8);
        assertThat(defaults.initialBackoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(defaults.backoffMultiplier()).isEqualTo(2.0);
        assertThat(defaults.maxBackoff()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.jitter()).isEqualTo(0.5);
        assertThat(defaults.maxRetryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(RegistryRetryConfig.none().maxAttempts()).isEqualTo(1);
        assertThat(RestRegistryConfig.builder(java.net.URI.create("http://h/a/v1/metadata/services")).build().retry()).isSameAs(defaults);
    }

    @Test
    void rejectsBadValuesNamingTheSetting() {
        RegistryRetryConfig.Builder builder = RegistryRetryConfig.builder();

        assertThatThrownBy(() -> builder.maxAttempts(0)).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> builder.initialBackoff(Duration.ZERO)).hasMessageContaining("initialBackoff");
        assertThatThrownBy(() -> builder.backoffMultiplier(0.5)).hasMessageContaining("backoffMultiplier");
        assertThatThrownBy(() -> builder.jitter(1.0)).hasMessageContaining("jitter");
        assertThatThrownBy(() -> builder.maxRetryAfter(Duration.ofSeconds(-1))).hasMessageContaining("maxRetryAfter");
        assertThatThrownBy(() -> RegistryRetryConfig.builder().initialBackoff(Duration.ofSeconds(10)).maxBackoff(Duration.ofSeconds(1))
                .build()).hasMessageContaining("maxBackoff");
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        Clock clock = Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"), ZoneOffset.UTC);

        assertThat(RegistryRetry.retryAfter(Optional.of("7"), clock)).contains(Duration.ofSeconds(7));
        assertThat(RegistryRetry.retryAfter(Optional.of("Fri, 04 Dec 2026 10:00:30 GMT"), clock)).contains(Duration.ofSeconds(30));
        assertThat(RegistryRetry.retryAfter(Optional.of("Fri, 04 Dec 2026 09:00:00 GMT"), clock)).contains(Duration.ZERO);
        assertThat(RegistryRetry.retryAfter(Optional.of("soon"), clock)).isEmpty();
        assertThat(RegistryRetry.retryAfter(Optional.of("-3"), clock)).isEmpty();
        assertThat(RegistryRetry.retryAfter(Optional.empty(), clock)).isEmpty();
    }
}
