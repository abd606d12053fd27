package dev.marketingconnector.core.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.events.PublishException;
import dev.marketingconnector.core.events.PublishReceipt;
import dev.marketingconnector.core.testing.InMemoryEventSpool;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SpoolingEventPublisherTest {

    private SpoolingEventPublisher publisher;

    @AfterEach
    void close() {
        if (publisher != null) {
            publisher.close();
        }
    }

    private static BusinessEvent event(int n) {
        return EventSpoolContract.event(n);
    }

    @Test
    void aPublishCompletesOnlyOnceTheEventIsStored() {
        InMemoryEventSpool spool = new InMemoryEventSpool().holdAppends();
        publisher = new SpoolingEventPublisher(spool);

        CompletableFuture<PublishReceipt> stage = publisher.publish(event(1)).toCompletableFuture();

        assertThat(stage).isNotDone();
        assertThat(spool.appended()).isEmpty();
        spool.releaseAppends();
        assertThat(stage.join().eventId()).isEqualTo(event(1).id());
        assertThat(spool.appended()).containsExactly(event(1));
        assertThat(publisher.appended()).isEqualTo(1);
    }

    @Test
    void aPublishIntoAFullSpoolWaitsUntilThereIsRoomAndCountsTheBackPressure() throws Exception {
        InMemoryEventSpool spool = new InMemoryEventSpool(600, 10_000);
        publisher = new SpoolingEventPublisher(spool, Duration.ofSeconds(30), EventPublisher.UNLIMITED);
        int stored = 0;
        while (spool.stats().bytes() + 200 < 600) {
            publisher.publish(event(stored++)).toCompletableFuture().join();
        }

        CompletableFuture<PublishReceipt> waiting = publisher.publish(event(99)).toCompletableFuture();

        await().atMost(Duration.ofSeconds(5)).until(publisher::backPressured);
        assertThat(waiting).isNotDone();
        spool.poll(1, Duration.ofSeconds(1)).forEach(spool::commit);
        assertThat(waiting.get(10, java.util.concurrent.TimeUnit.SECONDS).eventId()).isEqualTo(event(99).id());
        assertThat(publisher.backPressured()).isFalse();
        assertThat(publisher.backPressureTime()).isPositive();
        assertThat(spool.held()).hasSize(stored);
    }

    @Test
    void aSpoolThatStaysFullFailsThePublishTransientlySoTheBridgeHoldsItsAcknowledgement() {
        InMemoryEventSpool spool = new InMemoryEventSpool().full(true);
        publisher = new SpoolingEventPublisher(spool, Duration.ofMillis(300), EventPublisher.UNLIMITED);

        Throwable failure = failure(publisher.publish(event(1)).toCompletableFuture());

        assertThat(failure).isInstanceOf(PublishException.class).hasCauseInstanceOf(SpoolFullException.class);
        assertThat(((PublishException) failure).isTransient()).isTrue();
        assertThat(publisher.refusedFull()).isEqualTo(1);
        assertThat(publisher.backPressured()).isTrue();
        assertThat(spool.appended()).isEmpty();
    }

    @Test
    void otherStorageFailuresAreTransientPublishFailures() {
        InMemoryEventSpool spool = new InMemoryEventSpool().failNextAppends(1);
        publisher = new SpoolingEventPublisher(spool);

        Throwable failure = failure(publisher.publish(event(1)).toCompletableFuture());

        assertThat(failure).isInstanceOf(PublishException.class);
        assertThat(((PublishException) failure).isTransient()).isTrue();
        assertThat(publisher.publish(event(1)).toCompletableFuture().join().eventId()).isEqualTo(event(1).id());
    }

    private static Throwable failure(CompletableFuture<?> stage) {
        try {
            stage.join();
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void announcesTheLimitOfThePublisherItForwardsTo() {
        try (SpoolingEventPublisher limited = new SpoolingEventPublisher(new InMemoryEventSpool(), 65_536)) {
            assertThat(limited.maxEventBytes()).isEqualTo(65_536);
            assertThat(limited.retriesTransientFailures()).isFalse();
        }
        assertThatThrownBy(() -> new SpoolingEventPublisher(new InMemoryEventSpool(), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxEventBytes");
    }
}
