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
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

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
 *
 * <p>By default every publish completes at once. Built with {@code autoComplete} false (as Kafka's
 * {@code MockProducer}), it holds each publish until the test completes or fails it, so that a test
 * can look at what is in flight and decide the order of outcomes:
 *
 * <pre>{@code
 * RecordingEventPublisher publisher = new RecordingEventPublisher(false);
 * ... the code under test publishes three events ...
 * publisher.awaitPending(3, Duration.ofSeconds(5));
 * publisher.completeNext(1);                                                   // the oldest is accepted
 * publisher.completeNextExceptionally(2, PublishException.transientFailure("kyma", 503, "busy"));
 * }</pre>
 *
 * <p>Injected failures ({@link #failNextTransiently}, {@link #failNextPermanently}) apply when a publish
 * arrives, in either mode. {@link #publish} returns a {@link CompletableFuture} (a {@code CompletionStage}
 * that a test can {@code join()}), completed outside the publisher's lock.
 */
public final class RecordingEventPublisher implements EventPublisher {

    /** The endpoint name reported in the exceptions it completes with. */
    public static final String ENDPOINT = "recording";

    private final boolean autoComplete;
    private final List<BusinessEvent> published = new ArrayList<>();
    private final Deque<PublishException> failures = new ArrayDeque<>();
    private final Deque<Pending> pending = new ArrayDeque<>();
    private int attempts;
    private boolean closed;

    private record Pending(BusinessEvent event, CompletableFuture<PublishReceipt> future) {
    }

    /** A publisher that completes every publish at once. */
    public RecordingEventPublisher() {
        this(true);
    }

    /**
     * A publisher that completes every publish at once, or holds each one until the test decides.
     *
     * @param autoComplete true to complete at once; false to hold publishes until {@link #completeNext(int)}
     *                     or {@link #completeNextExceptionally(int, PublishException)}
     */
    public RecordingEventPublisher(boolean autoComplete) {
        this.autoComplete = autoComplete;
    }

    /**
     * Records the event, or fails as injected; in manual mode holds it.
     *
     * @param event the event
     * @return completes with a receipt once accepted, or exceptionally with a {@link PublishException}
     */
    @Override
    public synchronized CompletableFuture<PublishReceipt> publish(BusinessEvent event) {
        Objects.requireNonNull(event, "event");
        attempts++;
        if (closed) {
            return CompletableFuture.failedFuture(PublishException.permanentFailure(ENDPOINT, 0, "publisher is closed"));
        }
        PublishException failure = failures.poll();
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        if (!autoComplete) {
            CompletableFuture<PublishReceipt> future = new CompletableFuture<>();
            pending.add(new Pending(event, future));
            notifyAll();
            return future;
        }
        published.add(event);
        notifyAll();
        return CompletableFuture.completedFuture(new PublishReceipt(event.id(), 0));
    }

    /**
     * The next {@code calls} publishes fail transiently (as with HTTP 503).
     *
     * @param calls how many publishes fail
     * @return this publisher
     */
    public synchronized RecordingEventPublisher failNextTransiently(int calls) {
        return failNext(calls, () -> PublishException.transientFailure(ENDPOINT, 503, "injected transient failure"));
    }

    /**
     * The next {@code calls} publishes fail permanently (as with HTTP 400).
     *
     * @param calls how many publishes fail
     * @return this publisher
     */
    public synchronized RecordingEventPublisher failNextPermanently(int calls) {
        return failNext(calls, () -> PublishException.permanentFailure(ENDPOINT, 400, "injected permanent failure"));
    }

    private RecordingEventPublisher failNext(int calls, Supplier<PublishException> failure) {
        if (calls < 0) {
            throw new IllegalArgumentException("calls must be >= 0, got " + calls);
        }
        for (int i = 0; i < calls; i++) {
            failures.add(failure.get());
        }
        return this;
    }

    /**
     * Whether publishes complete at once.
     *
     * @return false in manual mode
     */
    public boolean autoComplete() {
        return autoComplete;
    }

    /**
     * The events held in manual mode, oldest first.
     *
     * @return the publishes not yet completed
     */
    public synchronized List<BusinessEvent> pending() {
        return pending.stream().map(Pending::event).toList();
    }

    /**
     * Accepts the oldest {@code count} held publishes (fewer when fewer are held): they are recorded as
     * published and their futures complete with a receipt.
     *
     * @param count how many to complete
     * @return how many were completed
     */
    public int completeNext(int count) {
        List<Pending> taken = take(count);
        synchronized (this) {
            taken.forEach(p -> published.add(p.event()));
            notifyAll();
        }
        taken.forEach(p -> p.future().complete(new PublishReceipt(p.event().id(), 0)));
        return taken.size();
    }

    /**
     * Fails the oldest {@code count} held publishes (fewer when fewer are held) with {@code failure}.
     *
     * @param count   how many to fail
     * @param failure what their futures complete with, e.g. {@code PublishException.transientFailure(…)}
     * @return how many were failed
     */
    public int completeNextExceptionally(int count, PublishException failure) {
        Objects.requireNonNull(failure, "failure");
        List<Pending> taken = take(count);
        taken.forEach(p -> p.future().completeExceptionally(failure));
        return taken.size();
    }

    /**
     * Accepts every held publish.
     *
     * @return how many were completed
     */
    public int completeAll() {
        return completeNext(Integer.MAX_VALUE);
    }

    private synchronized List<Pending> take(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        List<Pending> taken = new ArrayList<>();
        while (taken.size() < count && !pending.isEmpty()) {
            taken.add(pending.poll());
        }
        return taken;
    }

    /**
     * The events accepted so far, in order of acceptance (duplicates included).
     *
     * @return a copy
     */
    public synchronized List<BusinessEvent> published() {
        return List.copyOf(published);
    }

    /**
     * Every call, accepted, failed or held.
     *
     * @return how many times {@link #publish} was called
     */
    public synchronized int attempts() {
        return attempts;
    }

    /**
     * Waits until at least {@code count} events were accepted.
     *
     * @param count   how many
     * @param timeout how long to wait
     * @return the events accepted by then
     * @throws AssertionError when they do not arrive in time
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public synchronized List<BusinessEvent> awaitPublished(int count, Duration timeout) throws InterruptedException {
        await(() -> published.size() >= count, timeout, () -> "expected " + count + " published events within " + timeout
                + ", got " + published.size());
        return List.copyOf(published);
    }

    /**
     * Waits until at least {@code count} publishes are held (manual mode).
     *
     * @param count   how many
     * @param timeout how long to wait
     * @return the held events by then, oldest first
     * @throws AssertionError when they are not held in time
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public synchronized List<BusinessEvent> awaitPending(int count, Duration timeout) throws InterruptedException {
        await(() -> pending.size() >= count, timeout, () -> "expected " + count + " pending publishes within " + timeout
                + ", got " + pending.size());
        return pending();
    }

    private void await(BooleanSupplier done, Duration timeout, Supplier<String> failure) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(failure.get());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Forgets accepted events, injected failures and the attempt count; held publishes stay held. */
    public synchronized void clear() {
        published.clear();
        failures.clear();
        attempts = 0;
    }

    /** Later publishes fail permanently; held ones fail permanently too, so that nobody waits for ever. */
    @Override
    public void close() {
        List<Pending> held;
        synchronized (this) {
            closed = true;
            held = new ArrayList<>(pending);
            pending.clear();
        }
        held.forEach(p -> p.future().completeExceptionally(PublishException.permanentFailure(ENDPOINT, 0, "publisher is closed")));
    }
}
