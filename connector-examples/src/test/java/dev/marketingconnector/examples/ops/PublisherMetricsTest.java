package dev.marketingconnector.examples.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.CircuitState;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.events.EventType;
import dev.marketingconnector.kyma.events.CloudEventsPublisher;
import dev.marketingconnector.kyma.events.PublisherConfig;
import dev.marketingconnector.kyma.testing.MockKyma;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The Kyma publisher's resilience4j instances show up in /metrics, and an open circuit on the status page. */
class PublisherMetricsTest {

    private static BusinessEvent event() {
        return new BusinessEvent(UUID.randomUUID(), new EventType("bo.marketingpermission.changed", "v1"), OffsetDateTime.now(),
                JsonNodeFactory.instance.objectNode().put("ContactID", "4711"));
    }

    @Test
    void anOpenCircuitShowsInTheMetricsAndOnTheStatusPage() {
        try (MockKyma kyma = new MockKyma();
                Operations operations = Operations.builder().jvmMetrics(false).build();
                EventPublisher publisher = operations.track(new CloudEventsPublisher(PublisherConfig.builder(kyma.publishUrl())
                        .maxAttempts(1).slidingWindowSize(2).minimumNumberOfCalls(2).failureRateThreshold(50)
                        .waitInOpenState(Duration.ofHours(1)).deliveryTimeout(Duration.ofSeconds(2)).build(), "mkt-ops"))) {
            publisher.publish(event()).toCompletableFuture().join();
            OperationsTest.PrometheusText before = new OperationsTest.PrometheusText(operations.meterRegistry().scrape());
            assertThat(before.value("resilience4j_circuitbreaker_state", "name", PublisherConfig.DEFAULT_NAME, "state", "closed"))
                    .isEqualTo(1);
            assertThat(before.value("resilience4j_circuitbreaker_calls_seconds_count", "kind", "successful",
                    "name", PublisherConfig.DEFAULT_NAME)).isEqualTo(1);
            assertThat(before.names()).contains("resilience4j_retry_calls_total", "resilience4j_bulkhead_available_concurrent_calls");

            kyma.startOutage();
            try {
                publisher.publish(event()).toCompletableFuture().join();
            } catch (CompletionException expected) {
                // 503: one of the last two calls failed, and the circuit opens
            }

            assertThat(publisher.circuitState()).isEqualTo(CircuitState.OPEN);
            OperationsTest.PrometheusText after = new OperationsTest.PrometheusText(operations.meterRegistry().scrape());
            assertThat(after.value("resilience4j_circuitbreaker_state", "name", PublisherConfig.DEFAULT_NAME, "state", "open"))
                    .isEqualTo(1);
            assertThat(after.value("connector_publisher_circuit_open")).isEqualTo(1);
            StatusReport.Publisher status = operations.status().publisher();
            assertThat(status.circuitState()).isEqualTo("open");
            assertThat(status.lastError()).hasValueSatisfying(e -> {
                assertThat(e.permanent()).isFalse();
                assertThat(e.message()).as("not hidden by the open circuit's fast rejections").contains("503").doesNotContain("is open");
            });
            assertThat(status.lastSuccessAt()).isPresent();
            assertThat(status.hint()).hasValueSatisfying(h -> assertThat(h).contains("EVENTS_URL", "/readyz"));
        }
    }

    @Test
    void everyRetryOfThePublisherCountsInTheRetriedMetricAndOnTheStatusPage() {
        try (MockKyma kyma = new MockKyma();
                Operations operations = Operations.builder().jvmMetrics(false).build();
                EventPublisher publisher = operations.track(new CloudEventsPublisher(PublisherConfig.builder(kyma.publishUrl()).build(),
                        "mkt-ops"))) {
            kyma.failNext(503, 3);

            publisher.publish(event()).toCompletableFuture().join();

            OperationsTest.PrometheusText metrics = new OperationsTest.PrometheusText(operations.meterRegistry().scrape());
            assertThat(metrics.value("connector_events_retried_total")).isEqualTo(3);
            assertThat(operations.status().events().retried()).isEqualTo(3);
            assertThat(publisher.retriesTransientFailures()).as("so the bridge adds no retries of its own").isTrue();
        }
    }
}
