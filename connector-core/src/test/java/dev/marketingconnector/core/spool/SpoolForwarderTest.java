package dev.marketingconnector.core.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.events.PublishReceipt;
import dev.marketingconnector.core.testing.InMemoryEventSpool;
import dev.marketingconnector.core.testing.RecordingEventPublisher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SpoolForwarderTest {

    private SpoolForwarder forwarder;

    @AfterEach
    void close() {
        if (forwarder != null) {
            forwarder.close(Duration.ofMillis(200));
        }
    }

    private static BusinessEvent event(int n) {
        return EventSpoolContract.event(n);
    }

    private static InMemoryEventSpool spoolWith(int events) {
        InMemoryEventSpool spool = new InMemoryEventSpool();
        IntStream.range(0, events).forEach(i -> spool.append(event(i)).toCompletableFuture().join());
        return spool;
    }

    private SpoolForwarder start(InMemoryEventSpool spool, EventPublisher publisher) {
        forwarder = SpoolForwarder.builder(spool, publisher)
                .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .pollWait(Duration.ofMillis(50))
                .build()
                .start();
        return forwarder;
    }

    @Test
    void forwardsEveryEventInSpoolOrderWithItsIdAndCommitsIt() throws Exception {
        InMemoryEventSpool spool = spoolWith(200);
        RecordingEventPublisher kyma = new RecordingEventPublisher();

        start(spool, kyma);

        assertThat(kyma.awaitPublished(200, Duration.ofSeconds(10)))
                .containsExactlyElementsOf(IntStream.range(0, 200).mapToObj(SpoolForwarderTest::event).toList());
        await().atMost(Duration.ofSeconds(5)).until(() -> spool.stats().events() == 0);
        assertThat(spool.committed()).hasSize(200);
        assertThat(forwarder.forwarded()).isEqualTo(200);
        assertThat(forwarder.lastForwardedAt()).isPresent();
    }

    @Test
    void transientFailuresAreRetriedWithTheSameEventUntilAccepted() throws Exception {
        InMemoryEventSpool spool = spoolWith(1);
        RecordingEventPublisher kyma = new RecordingEventPublisher().failNextTransiently(3);

        start(spool, kyma);

        assertThat(kyma.awaitPublished(1, Duration.ofSeconds(10))).containsExactly(event(0));
        assertThat(kyma.attempts()).isEqualTo(4);
        assertThat(forwarder.retried()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(5)).until(() -> spool.committed().size() == 1);
    }

    @Test
    void aPermanentRefusalMovesTheEventToTheDeadLetterAreaAndForwardingGoesOn() throws Exception {
        InMemoryEventSpool spool = spoolWith(3);
        RecordingEventPublisher kyma = new RecordingEventPublisher().failNextPermanently(1);

        start(spool, kyma);

        assertThat(kyma.awaitPublished(2, Duration.ofSeconds(10))).containsExactly(event(1), event(2));
        await().atMost(Duration.ofSeconds(5)).until(() -> spool.stats().events() == 0);
        List<StoredDeadLetter> letters = spool.deadLetters().list(10);
        assertThat(letters).singleElement().satisfies(l -> {
            assertThat(l.entry().reason()).isEqualTo(SpoolForwarder.REASON_REJECTED);
            assertThat(l.entry().kind()).isEqualTo(DeadLetterEntry.PayloadKind.EVENT);
            assertThat(l.entry().detail()).contains(event(0).id().toString(), "injected permanent failure");
            assertThat(SpoolCodec.decodeEvent(l.entry().payload())).isEqualTo(event(0));
        });
        assertThat(forwarder.deadLettered()).isEqualTo(1);
    }

    @Test
    void aFullDeadLetterAreaKeepsTheRefusedEventInTheSpool() throws Exception {
        InMemoryEventSpool spool = new InMemoryEventSpool(1_000_000, 10);
        spool.append(event(0)).toCompletableFuture().join();
        RecordingEventPublisher kyma = new RecordingEventPublisher().failNextPermanently(1);

        start(spool, kyma);

        await().atMost(Duration.ofSeconds(5)).until(() -> kyma.attempts() == 1);
        forwarder.close();
        assertThat(spool.held()).containsExactly(event(0));
        assertThat(spool.committed()).isEmpty();
    }

    @Test
    void commitsInSpoolOrderEvenWhenLaterEventsAreAcceptedFirst() {
        InMemoryEventSpool spool = spoolWith(3);
        ManualPublisher kyma = new ManualPublisher();

        start(spool, kyma);
        await().atMost(Duration.ofSeconds(5)).until(() -> kyma.pending.size() == 3);
        kyma.accept(2);
        kyma.accept(1);

        assertThat(spool.committed()).isEmpty();
        kyma.accept(0);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(spool.committed()).containsExactly(event(0), event(1), event(2)));
    }

    @Test
    void atMostMaxInFlightEventsArePublishedAtOnce() {
        InMemoryEventSpool spool = spoolWith(10);
        ManualPublisher kyma = new ManualPublisher();
        forwarder = SpoolForwarder.builder(spool, kyma).maxInFlight(4).pollWait(Duration.ofMillis(50)).build().start();

        await().atMost(Duration.ofSeconds(5)).until(() -> kyma.pending.size() == 4);
        await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> true);
        assertThat(kyma.pending).hasSize(4);
        kyma.accept(0);
        await().atMost(Duration.ofSeconds(5)).until(() -> kyma.pending.size() == 5);
    }

    @Test
    void eventsNotForwardedBeforeCloseAreDeliveredAgainAfterARestart() throws Exception {
        InMemoryEventSpool spool = spoolWith(5);
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        EventPublisher down = event -> {
            attempts.incrementAndGet();
            return CompletableFuture.failedFuture(dev.marketingconnector.core.events.PublishException.transientFailure("down", 503, "down"));
        };
        start(spool, down);
        await().atMost(Duration.ofSeconds(5)).until(() -> attempts.get() >= 10);
        forwarder.close();

        InMemoryEventSpool restarted = spool.reopen();
        RecordingEventPublisher up = new RecordingEventPublisher();
        start(restarted, up);

        assertThat(up.awaitPublished(5, Duration.ofSeconds(10))).extracting(BusinessEvent::id)
                .containsExactlyElementsOf(IntStream.range(0, 5).mapToObj(i -> event(i).id()).toList());
    }

    /** Completes each publish when the test says so. */
    private static final class ManualPublisher implements EventPublisher {
        final List<CompletableFuture<PublishReceipt>> pending = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<BusinessEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<PublishReceipt> publish(BusinessEvent event) {
            CompletableFuture<PublishReceipt> f = new CompletableFuture<>();
            events.add(event);
            pending.add(f);
            return f;
        }

        void accept(int index) {
            pending.get(index).complete(new PublishReceipt(events.get(index).id(), 204));
        }
    }
}
