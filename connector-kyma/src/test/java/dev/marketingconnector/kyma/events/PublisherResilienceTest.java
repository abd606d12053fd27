package dev.marketingconnector.kyma.events;

import static dev.marketingconnector.kyma.events.TestEvents.APP;
import static dev.marketingconnector.kyma.events.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.CircuitState;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.events.PublishException;
import dev.marketingconnector.core.events.PublishReceipt;
import dev.marketingconnector.kyma.events.TestEvents.MutableClock;
import dev.marketingconnector.kyma.events.TestEvents.RecordingScheduler;
import dev.marketingconnector.kyma.testing.MockKyma;
import dev.marketingconnector.kyma.testing.MockKyma.Route;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PublisherResilienceTest {

    MockKyma kyma;
    RecordingScheduler scheduler;

    @BeforeEach
    void start() {
        kyma = new MockKyma();
        scheduler = new RecordingScheduler();
    }

    @AfterEach
    void stop() {
        kyma.close();
        scheduler.shutdownNow();
    }

    /** Fast retries for tests: 1 ms, no jitter. */
    PublisherConfig.Builder fast(URI endpoint) {
        return PublisherConfig.builder(endpoint).initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(4)).jitter(0);
    }

    static PublishException failure(EventPublisher publisher, BusinessEvent event) {
        try {
            publisher.publish(event).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(PublishException.class);
            return (PublishException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected the publish of " + event.id() + " to fail");
    }

    static PublishReceipt success(EventPublisher publisher, BusinessEvent event) throws Exception {
        return publisher.publish(event).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void everyEventArrivesWhen30PercentOfCallsAnswer503AfterAccepting() throws Exception {
        kyma.failRandomlyAfterAccepting(0.3, 503);
        PublisherConfig config = fast(kyma.publishUrl()).maxAttempts(12).slidingWindowSize(100).minimumNumberOfCalls(50).build();
        try (CloudEventsPublisher publisher = new CloudEventsPublisher(config, APP)) {
            List<BusinessEvent> sent = new ArrayList<>();
            List<CompletableFuture<PublishReceipt>> receipts = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                sent.add(event(i));
                receipts.add(publisher.publish(event(i)).toCompletableFuture());
            }
            CompletableFuture.allOf(receipts.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            Set<String> sentIds = sent.stream().map(e -> e.id().toString()).collect(Collectors.toSet());
            assertThat(kyma.eventsById().keySet()).isEqualTo(sentIds);
            assertThat(kyma.duplicates()).isNotEmpty();
            assertThat(kyma.events()).hasSizeGreaterThan(sentIds.size());
            kyma.eventsById().forEach((id, copies) -> assertThat(copies).allSatisfy(copy -> {
                assertThat(copy.id()).isEqualTo(id);
                assertThat(copy.data()).isEqualTo(copies.get(0).data());
            }));
            assertThat(publisher.retry().getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()).isPositive();
        }
    }

    @Test
    void everyEventArrivesOnceWhen30PercentOfCallsAreRefusedWith503() throws Exception {
        kyma.failRandomly(0.3, 503);
        PublisherConfig config = fast(kyma.eventsUrl()).maxAttempts(12).slidingWindowSize(100).minimumNumberOfCalls(50).build();
        try (LegacyEventsPublisher publisher = new LegacyEventsPublisher(config, APP)) {
            List<CompletableFuture<PublishReceipt>> receipts = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                receipts.add(publisher.publish(event(i)).toCompletableFuture());
            }
            CompletableFuture.allOf(receipts.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            assertThat(kyma.eventsById()).hasSize(30);
            assertThat(kyma.duplicates()).isEmpty();
            assertThat(kyma.requestCount(Route.EVENTS_V1)).isGreaterThan(30);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 413, 422, 501})
    void aPermanentFailureIsNeverRetried(int status) {
        kyma.failNext(status, 1);
        try (CloudEventsPublisher publisher = new CloudEventsPublisher(fast(kyma.publishUrl()).build(), APP)) {
            PublishException failure = failure(publisher, event(1));

            assertThat(failure.isPermanent()).isTrue();
            assertThat(failure.status()).isEqualTo(status);
            assertThat(failure.serverMessage()).contains("injected failure");
            assertThat(kyma.requestCount(Route.PUBLISH)).isEqualTo(1);
            assertThat(publisher.retry().getMetrics().getNumberOfFailedCallsWithoutRetryAttempt()).isEqualTo(1);
            assertThat(publisher.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 500, 502, 503, 504, 507})
    void aTransientFailureIsRetriedUntilItSucceeds(int status) throws Exception {
        kyma.failNext(status, 2);
        try (LegacyEventsPublisher publisher = new LegacyEventsPublisher(fast(kyma.eventsUrl(APP)).build(), APP)) {
            PublishReceipt receipt = success(publisher, event(1));

            assertThat(receipt.status()).isEqualTo(200);
            assertThat(kyma.requestCount(Route.EVENTS_V1_APPLICATION)).isEqualTo(3);
            assertThat(kyma.eventsById()).containsOnlyKeys(event(1).id().toString());
        }
    }

    @Test
    void givesUpAfterMaxAttemptsWithATransientFailure() {
        kyma.failNext(503, 10);
        try (CloudEventsPublisher publisher = new CloudEventsPublisher(fast(kyma.publishUrl()).maxAttempts(3).build(), APP)) {
            PublishException failure = failure(publisher, event(1));

            assertThat(failure.isTransient()).isTrue();
            assertThat(failure.status()).isEqualTo(503);
            assertThat(kyma.requestCount(Route.PUBLISH)).isEqualTo(3);
        }
    }

    @Test
    void anEventOver64KiBFailsPermanentlyBeforeAnythingIsSent() {
        BusinessEvent big = new BusinessEvent(event(1).id(), event(1).type(), event(1).time(),
                TestEvents.JSON.createObjectNode().put("blob", "x".repeat(PublisherConfig.MAX_BODY_BYTES)));
        try (CloudEventsPublisher cloudEvents = new CloudEventsPublisher(fast(kyma.publishUrl()).build(), APP);
                LegacyEventsPublisher legacy = new LegacyEventsPublisher(fast(kyma.eventsUrl()).build(), APP)) {
            for (EventPublisher publisher : List.<EventPublisher>of(cloudEvents, legacy)) {
                PublishException failure = failure(publisher, big);

                assertThat(failure.isPermanent()).isTrue();
                assertThat(failure.getMessage()).contains("too large").contains("64 KiB").contains(big.id().toString());
            }
            assertThat(kyma.requests()).isEmpty();
        }
    }

    @Test
    void a413FromTheServerIsPermanent() {
        kyma.failNext(413, 1);
        try (LegacyEventsPublisher publisher = new LegacyEventsPublisher(fast(kyma.eventsUrl()).build(), APP)) {
            assertThat(failure(publisher, event(1)).isPermanent()).isTrue();
            assertThat(kyma.requests()).hasSize(1);
        }
    }

    @Test
    void retryAfterInSecondsSetsTheWait() throws Exception {
        kyma.setRetryAfter("7").failNext(503, 1);
        try (CloudEventsPublisher publisher = new CloudEventsPublisher(fast(kyma.publishUrl()).scheduler(scheduler).build(), APP)) {
            success(publisher, event(1));

            assertThat(scheduler.requestedDelaysMillis).containsExactly(7_000L);
        }
    }

    @Test
    void retryAfterAsAnHttpDateSetsTheWait() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2024-05-01T10:00:00Z"));
        kyma.setRetryAfter(DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.parse("2024-05-01T10:00:09Z").atOffset(ZoneOffset.UTC)))
                .failNext(429, 1);
        try (CloudEventsPublisher publisher = new CloudEventsPublisher(fast(kyma.publishUrl()).scheduler(scheduler).clock(clock).build(), APP)) {
            success(publisher, event(1));

            assertThat(scheduler.requestedDelaysMillis).containsExactly(9_000L);
        }
    }

    @Test
    void aLongRetryAfterIsCappedAndOthersBackOffExponentially() throws Exception {
        kyma.setRetryAfter("120").failNext(503, 1);
        PublisherConfig config = PublisherConfig.builder(kyma.publishUrl()).initialBackoff(Duration.ofMillis(100)).jitter(0)
                .maxRetryAfter(Duration.ofSeconds(30)).scheduler(scheduler).build();
        try (CloudEventsPublisher publisher = new CloudEventsPublisher(config, APP)) {
            success(publisher, event(1));
            kyma.setRetryAfter(null).failNext(503, 3);
            success(publisher, event(2));

            assertThat(scheduler.requestedDelaysMillis).as("the first failure after an accepted event is sent again at once")
                    .containsExactly(30_000L, 0L, 100L, 200L);
        }
    }

    @Test
    void anOutageOpensTheBreakerWhichHoldsEventsBackUntilItEnds() throws Exception {
        PublisherConfig config = fast(kyma.publishUrl()).slidingWindowSize(4).minimumNumberOfCalls(4).failureRateThreshold(50)
                .waitInOpenState(Duration.ofMillis(50)).maxWaitInOpenState(Duration.ofMillis(200)).permittedCallsInHalfOpenState(1)
                .build();
        try (CloudEventsPublisher publisher = new CloudEventsPublisher(config, APP)) {
            kyma.startOutage();
            List<CompletableFuture<PublishReceipt>> receipts = new ArrayList<>();
            for (int n = 1; n <= 3; n++) {
                receipts.add(publisher.publish(event(n)).toCompletableFuture());
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> publisher.circuitState() != CircuitState.CLOSED);
            await().atMost(Duration.ofSeconds(10)).until(() -> publisher.circuitBreaker().getMetrics().getNumberOfNotPermittedCalls() > 0);
            assertThat(receipts).noneMatch(CompletableFuture::isDone);

            kyma.endOutage();
            CompletableFuture.allOf(receipts.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

            assertThat(publisher.circuitState()).isEqualTo(CircuitState.CLOSED);
            assertThat(kyma.eventsById()).containsOnlyKeys(event(1).id().toString(), event(2).id().toString(), event(3).id().toString());
        }
    }

    @Test
    void anEventTheOpenCircuitHoldsFailsTransientlyAtTheDeliveryTimeout() {
        // The circuit would not probe for an hour: the delivery timeout ends the wait by itself.
        PublisherConfig config = fast(kyma.publishUrl()).slidingWindowSize(2).minimumNumberOfCalls(2).failureRateThreshold(50)
                .waitInOpenState(Duration.ofHours(1)).deliveryTimeout(Duration.ofSeconds(2)).build();
        try (CloudEventsPublisher publisher = new CloudEventsPublisher(config, APP)) {
            kyma.startOutage();

            PublishException failure = failure(publisher, event(1));

            assertThat(failure.isTransient()).isTrue();
            assertThat(failure.getMessage()).contains("delivery timeout").contains(event(1).id().toString());
            assertThat(failure.status()).isEqualTo(503);
        }
    }

    @Test
    void theBulkheadBoundsCallsInFlightAndFurtherEventsWaitForASlot() throws Exception {
        try (CloudEventsPublisher publisher = new CloudEventsPublisher(fast(kyma.publishUrl()).maxConcurrentCalls(1).build(), APP)) {
            assertThat(publisher.bulkhead().tryAcquirePermission()).isTrue();

            CompletableFuture<PublishReceipt> waiting = publisher.publish(event(1)).toCompletableFuture();
            assertThat(waiting).isNotDone();
            assertThat(kyma.requests()).isEmpty();

            publisher.bulkhead().onComplete();
            assertThat(waiting.get(10, TimeUnit.SECONDS).status()).isEqualTo(204);
            assertThat(kyma.requests()).hasSize(1);
        }
    }

    @Test
    void anUnreachableServiceIsATransientFailure() {
        URI url = kyma.publishUrl();
        kyma.close();
        try (CloudEventsPublisher publisher = new CloudEventsPublisher(fast(url).maxAttempts(2).build(), APP)) {
            PublishException failure = failure(publisher, event(1));

            assertThat(failure.isTransient()).isTrue();
            assertThat(failure.status()).isZero();
            assertThat(failure.getMessage()).contains(url.toString()).contains("transient");
            assertThat(publisher.retry().getMetrics().getNumberOfFailedCallsWithRetryAttempt()).isEqualTo(1);
        }
    }

    @Test
    void aSlowServiceIsATransientTimeout() {
        kyma.setLatency(Duration.ofSeconds(30));
        try (CloudEventsPublisher publisher = new CloudEventsPublisher(fast(kyma.publishUrl()).requestTimeout(Duration.ofMillis(200))
                .maxAttempts(1).build(), APP)) {
            PublishException failure = failure(publisher, event(1));

            assertThat(failure.isTransient()).isTrue();
            assertThat(failure.getMessage()).contains("no answer within");
        }
    }

    @Test
    void closingFailsWhatIsInFlightAndRefusesNewEvents() throws Exception {
        kyma.setLatency(Duration.ofSeconds(30));
        CloudEventsPublisher publisher = new CloudEventsPublisher(fast(kyma.publishUrl()).build(), APP);
        CompletableFuture<PublishReceipt> inFlight = publisher.publish(event(1)).toCompletableFuture();

        publisher.close();

        assertThatThrownBy(() -> inFlight.get(10, TimeUnit.SECONDS)).cause().isInstanceOfSatisfying(PublishException.class,
                e -> assertThat(e.isTransient()).isTrue());
        assertThat(failure(publisher, event(2)).isPermanent()).isTrue();
    }

    @Test
    void exposesItsResilience4jInstancesUnderTheConfiguredName() {
        try (CloudEventsPublisher publisher = new CloudEventsPublisher(fast(kyma.publishUrl()).name("kyma-publish").build(), APP)) {
            assertThat(publisher.retry().getName()).isEqualTo("kyma-publish");
            assertThat(publisher.circuitBreaker().getName()).isEqualTo("kyma-publish");
            assertThat(publisher.bulkhead().getName()).isEqualTo("kyma-publish");
            assertThat(publisher.retry().getRetryConfig().getMaxAttempts()).isEqualTo(PublisherConfig.DEFAULT_MAX_ATTEMPTS);
            assertThat(publisher.circuitState()).isEqualTo(CircuitState.CLOSED);
        }
    }
}
