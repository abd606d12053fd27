package dev.marketingconnector.core.testing;

import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.events.PublishException;
import dev.marketingconnector.core.events.PublishReceipt;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An {@link EventPublisher} that records what it accepted, for tests of code that publishes events.
 * It can fail the next calls transiently or permanently, the way a real event service does.
 *
 * <pre>{@code
 * RecordingEventPublisher publisher = new RecordingEventPublisher();
 * publisher.failNextTransiently(2);   // two 503s, then success
 * ... run the code under test ...
 * assertThat(publisher.published()).extracting(BusinessEvent::type) ...
 * }</pre>
 */
public final class RecordingEventPublisher implements EventPublisher {

    public static final String ENDPOINT = "recording";

    private final List<BusinessEvent> published = new ArrayList<>();
    private final Deque<PublishException> failures = new ArrayDeque<>();
    private int attempts;
    private boolean closed;

    @Override
    public synchronized CompletionStage<PublishReceipt> publish(BusinessEvent event) {
        Objects.requireNonNull(event, "event");
        attempts++;
        if (closed) {
            return CompletableFuture.failedFuture(PublishException.permanentFailure(ENDPOINT, 0, "publisher is closed"));
        }
        PublishException failure = failures.poll();
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        published.add(event);
        notifyAll();
        return CompletableFuture.completedFuture(new PublishReceipt(event.id(), 0));
    }

    /** The next {@code calls} publishes fail transiently (as with HTTP 503). */
    public synchronized RecordingEventPublisher failNextTransiently(int calls) {
        return failNext(calls, () -> PublishException.transientFailure(ENDPOINT, 503, "injected transient failure"));
    }

    /** The next {@code calls} publishes fail permanently (as with HTTP 400). */
    public synchronized RecordingEventPublisher failNextPermanently(int calls) {
        return failNext(calls, () -> PublishException.permanentFailure(ENDPOINT, 400, "injected permanent failure"));
    }

    private RecordingEventPublisher failNext(int calls, java.util.function.Supplier<PublishException> failure) {
        if (calls < 0) {
            throw new IllegalArgumentException("calls must be >= 0, got " + calls);
        }
        for (int i = 0; i < calls; i++) {
            failures.add(failure.get());
        }
        return this;
    }

    /** The events accepted so far, in order (duplicates included). */
    public synchronized List<BusinessEvent> published() {
        return List.copyOf(published);
    }

    /** Every call, accepted or failed. */
    public synchronized int attempts() {
        return attempts;
    }

    /**
     * Waits until at least {@code count} events were accepted.
     *
     * @return the events accepted by then
     * @throws AssertionError when they do not arrive in time
     */
    public synchronized List<BusinessEvent> awaitPublished(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (published.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + count + " published events within " + timeout + ", got " + published.size());
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return List.copyOf(published);
    }

    public synchronized void clear() {
        published.clear();
        failures.clear();
        attempts = 0;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
