package dev.marketingconnector.kyma.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class PublisherConfigTest {

    static final URI PROXY = URI.create("http://eventing-publisher-proxy.kyma-system/publish");

    @Test
    void hasDefaultsThatRetrySoonAndProbeSoon() {
        PublisherConfig config = PublisherConfig.builder(PROXY).build();

        assertThat(config.maxAttempts()).isEqualTo(PublisherConfig.DEFAULT_MAX_ATTEMPTS);
        assertThat(config.deliveryTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.initialBackoff()).isEqualTo(Duration.ofMillis(1));
        assertThat(config.maxBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.waitInOpenState()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.maxWaitInOpenState()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.eventLoops()).isEmpty();
        assertThat(config.ioThreads()).isEqualTo(1);
        assertThat(config.maxConcurrentCalls()).isEqualTo(128);
        assertThat(config.waitInOpenState()).isEqualTo(PublisherConfig.DEFAULT_WAIT_IN_OPEN_STATE);
        assertThat(config.scheduler()).isEmpty();
        assertThat(config.tls()).isEmpty();
        assertThat(config.toString()).contains(PROXY.toString());
    }

    @Test
    void rejectsBadValuesNamingTheSetting() {
        PublisherConfig.Builder builder = PublisherConfig.builder(PROXY);
        assertThatThrownBy(() -> builder.maxAttempts(0)).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> builder.initialBackoff(Duration.ofNanos(10))).hasMessageContaining("initialBackoff");
        assertThatThrownBy(() -> builder.jitter(1.0)).hasMessageContaining("jitter");
        assertThatThrownBy(() -> builder.backoffMultiplier(0.5)).hasMessageContaining("backoffMultiplier");
        assertThatThrownBy(() -> builder.failureRateThreshold(0)).hasMessageContaining("failureRateThreshold");
        assertThatThrownBy(() -> builder.maxConcurrentCalls(0)).hasMessageContaining("maxConcurrentCalls");
        assertThatThrownBy(() -> builder.requestTimeout(Duration.ZERO)).hasMessageContaining("requestTimeout");
        assertThatThrownBy(() -> builder.deliveryTimeout(Duration.ZERO)).hasMessageContaining("deliveryTimeout");
        assertThatThrownBy(() -> builder.ioThreads(0)).hasMessageContaining("ioThreads");
        java.util.concurrent.ScheduledExecutorService plain = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            assertThatThrownBy(() -> builder.eventLoops(plain)).hasMessageContaining("eventLoops").hasMessageContaining("Netty");
        } finally {
            plain.shutdownNow();
        }
        assertThatThrownBy(() -> PublisherConfig.builder(PROXY).waitInOpenState(Duration.ofSeconds(2))
                .maxWaitInOpenState(Duration.ofSeconds(1)).build()).hasMessageContaining("maxWaitInOpenState");
        assertThatThrownBy(() -> PublisherConfig.builder(URI.create("/publish"))).hasMessageContaining("endpoint");
        assertThatThrownBy(() -> PublisherConfig.builder(PROXY).initialBackoff(Duration.ofSeconds(20)).build())
                .hasMessageContaining("maxBackoff");
    }

    @Test
    void readsRetryAfterAsSecondsOrHttpDate() {
        Clock clock = Clock.fixed(Instant.parse("2024-05-01T10:00:00Z"), ZoneOffset.UTC);

        assertThat(ResilientSender.retryAfter("12", clock)).isEqualTo(Duration.ofSeconds(12));
        assertThat(ResilientSender.retryAfter("Wed, 01 May 2024 10:01:00 GMT", clock)).isEqualTo(Duration.ofMinutes(1));
        assertThat(ResilientSender.retryAfter("Wed, 01 May 2024 09:00:00 GMT", clock)).isEqualTo(Duration.ZERO);
        assertThat(ResilientSender.retryAfter("soon", clock)).isNull();
    }

    @Test
    void readsTheServersErrorText() {
        assertThat(ResilientSender.errorText("{\"status\":400,\"type\":\"Bad Request\",\"message\":\"Invalid field\","
                + "\"details\":[{\"field\":\"event-type\",\"type\":\"invalid_field\",\"message\":\"bad label\"}]}"))
                .isEqualTo("Invalid field; event-type: bad label");
        assertThat(ResilientSender.errorText("{\"code\":500,\"error\":\"boom\"}")).isEqualTo("boom");
        assertThat(ResilientSender.errorText("upstream connect error")).isEqualTo("upstream connect error");
        assertThat(ResilientSender.errorText("")).isNull();
    }
}
