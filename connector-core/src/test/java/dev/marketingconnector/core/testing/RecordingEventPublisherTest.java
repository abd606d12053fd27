package dev.marketingconnector.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.EventTypeMapper;
import dev.marketingconnector.core.events.PublishException;
import dev.marketingconnector.core.events.PublishReceipt;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class RecordingEventPublisherTest {

    private final RecordingEventPublisher publisher = new RecordingEventPublisher();

    private static BusinessEvent event() {
        return new BusinessEvent(UUID.randomUUID(), EventTypeMapper.map("BO.MarketingPermission.Changed"),
                OffsetDateTime.parse("2026-11-28T10:00:00Z"), JsonNodeFactory.instance.objectNode().put("KEY", "1"));
    }

    @Test
    void recordsAcceptedEventsInOrder() {
        BusinessEvent first = event();
        BusinessEvent second = event();

        PublishReceipt receipt = publisher.publish(first).toCompletableFuture().join();
        publisher.publish(second);

        assertThat(receipt.eventId()).isEqualTo(first.id());
        assertThat(publisher.published()).containsExactly(first, second);
        assertThat(publisher.attempts()).isEqualTo(2);
    }

    @Test
    void failsTheNextCallsTransientlyThenAccepts() {
        publisher.failNextTransiently(2);
        BusinessEvent event = event();

        CompletableFuture<PublishReceipt> one = publisher.publish(event).toCompletableFuture();
        CompletableFuture<PublishReceipt> two = publisher.publish(event).toCompletableFuture();
        CompletableFuture<PublishReceipt> three = publisher.publish(event).toCompletableFuture();

        assertThatThrownBy(one::join).isInstanceOf(CompletionException.class).cause()
                .isInstanceOfSatisfying(PublishException.class, e -> {
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.status()).isEqualTo(503);
                });
        assertThat(two).isCompletedExceptionally();
        assertThat(three.join().eventId()).isEqualTo(event.id());
        assertThat(publisher.published()).containsExactly(event);
        assertThat(publisher.attempts()).isEqualTo(3);
    }

    @Test
    void failsPermanentlyOnRequest() {
        publisher.failNextPermanently(1);

        assertThatThrownBy(() -> publisher.publish(event()).toCompletableFuture().join()).cause()
                .isInstanceOfSatisfying(PublishException.class, e -> assertThat(e.isPermanent()).isTrue());
        assertThat(publisher.published()).isEmpty();
    }

    @Test
    void awaitPublishedWaitsForEventsFromOtherThreads() throws InterruptedException {
        Thread producer = new Thread(() -> {
            for (int i = 0; i < 5; i++) {
                publisher.publish(event());
            }
        });
        producer.start();

        assertThat(publisher.awaitPublished(5, Duration.ofSeconds(10))).hasSize(5);
        producer.join();
    }

    @Test
    void awaitPublishedFailsWhenEventsDoNotArrive() {
        assertThatThrownBy(() -> publisher.awaitPublished(1, Duration.ofMillis(20)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("expected 1");
    }

    @Test
    void aClosedPublisherRefusesEvents() {
        publisher.close();

        assertThat(publisher.publish(event()).toCompletableFuture()).isCompletedExceptionally();
    }

    @Test
    void rejectsANegativeFailureCount() {
        assertThatThrownBy(() -> publisher.failNextTransiently(-1)).isInstanceOf(IllegalArgumentException.class);
    }
    @Test
    void inManualModeHoldsPublishesUntilTheTestCompletesThemInOrder() throws InterruptedException {
        RecordingEventPublisher manual = new RecordingEventPublisher(false);
        BusinessEvent first = event();
        BusinessEvent second = event();
        BusinessEvent third = event();

        CompletableFuture<PublishReceipt> one = manual.publish(first);
        CompletableFuture<PublishReceipt> two = manual.publish(second);
        CompletableFuture<PublishReceipt> three = manual.publish(third);

        assertThat(manual.autoComplete()).isFalse();
        assertThat(manual.awaitPending(3, Duration.ofSeconds(1))).containsExactly(first, second, third);
        assertThat(one).isNotDone();
        assertThat(manual.published()).isEmpty();

        assertThat(manual.completeNext(1)).isEqualTo(1);
        assertThat(one.join().eventId()).isEqualTo(first.id());
        assertThat(two).isNotDone();

        PublishException busy = PublishException.transientFailure("kyma", 503, "busy");
        assertThat(manual.completeNextExceptionally(1, busy)).isEqualTo(1);
        assertThatThrownBy(two::join).cause().isSameAs(busy);

        assertThat(manual.completeAll()).isEqualTo(1);
        assertThat(three).isCompleted();
        assertThat(manual.published()).containsExactly(first, third);
        assertThat(manual.pending()).isEmpty();
        assertThat(manual.completeNext(5)).isZero();
    }

    @Test
    void inManualModeInjectedFailuresStillApplyAtOnce() {
        RecordingEventPublisher manual = new RecordingEventPublisher(false).failNextPermanently(1);

        assertThat(manual.publish(event())).isCompletedExceptionally();
        assertThat(manual.publish(event())).isNotDone();
        assertThat(manual.attempts()).isEqualTo(2);
    }

    @Test
    void closingFailsWhatIsHeldSoNobodyWaitsForEver() {
        RecordingEventPublisher manual = new RecordingEventPublisher(false);
        CompletableFuture<PublishReceipt> held = manual.publish(event());

        manual.close();

        assertThatThrownBy(held::join).cause().isInstanceOfSatisfying(PublishException.class,
                e -> assertThat(e.isTransient()).isFalse()).hasMessageContaining("publisher is closed");
        assertThat(manual.publish(event())).isCompletedExceptionally();
    }

    @Test
    void awaitPendingFailsWhenNothingIsHeldInTime() {
        RecordingEventPublisher manual = new RecordingEventPublisher(false);

        assertThatThrownBy(() -> manual.awaitPending(1, Duration.ofMillis(20))).isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected 1 pending publishes");
    }
}
