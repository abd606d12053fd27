package dev.marketingconnector.mqtt;

import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.CircuitState;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.events.PublishException;
import dev.marketingconnector.core.events.PublishReceipt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** A publisher a test switches between accepting, holding (never answering until released) and failing. */
final class ControllablePublisher implements EventPublisher {

    enum Mode { ACCEPT, HOLD, FAIL_TRANSIENTLY, FAIL_PERMANENTLY }

    private record Held(BusinessEvent event, CompletableFuture<PublishReceipt> future) {
    }

    private volatile Mode mode = Mode.ACCEPT;
    private volatile CircuitState circuit = CircuitState.CLOSED;
    private final List<BusinessEvent> accepted = new ArrayList<>();
    private final ConcurrentLinkedQueue<Held> held = new ConcurrentLinkedQueue<>();
    private final AtomicInteger attempts = new AtomicInteger();

    ControllablePublisher mode(Mode mode) {
        this.mode = mode;
        return this;
    }

    void circuit(CircuitState state) {
        this.circuit = state;
    }

    @Override
    public CircuitState circuitState() {
        return circuit;
    }

    @Override
    public CompletionStage<PublishReceipt> publish(BusinessEvent event) {
        attempts.incrementAndGet();
        return switch (mode) {
            case ACCEPT -> {
                accept(event);
                yield CompletableFuture.completedFuture(new PublishReceipt(event.id(), 200));
            }
            case HOLD -> {
                CompletableFuture<PublishReceipt> future = new CompletableFuture<>();
                held.add(new Held(event, future));
                yield future;
            }
            case FAIL_TRANSIENTLY -> CompletableFuture.failedFuture(PublishException.transientFailure("test", 503, "unavailable"));
            case FAIL_PERMANENTLY -> CompletableFuture.failedFuture(PublishException.permanentFailure("test", 400, "bad event"));
        };
    }

    private void accept(BusinessEvent event) {
        synchronized (accepted) {
            accepted.add(event);
            accepted.notifyAll();
        }
    }

    /** Answers every held call with success (from the calling thread), then accepts new calls directly. */
    void releaseHeld() {
        mode = Mode.ACCEPT;
        Held next;
        while ((next = held.poll()) != null) {
            accept(next.event());
            next.future().complete(new PublishReceipt(next.event().id(), 200));
        }
    }

    int heldCount() {
        return held.size();
    }

    int attempts() {
        return attempts.get();
    }

    List<BusinessEvent> accepted() {
        synchronized (accepted) {
            return List.copyOf(accepted);
        }
    }

    List<BusinessEvent> awaitAccepted(int count, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (accepted) {
            while (accepted.size() < count) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " accepted events within " + timeout + ", got " + accepted.size());
                }
                accepted.wait(Math.max(1, left / 1_000_000));
            }
            return List.copyOf(accepted);
        }
    }
}
