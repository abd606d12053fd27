package dev.marketingconnector.examples.ops;

import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.CircuitState;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.events.PublishException;
import dev.marketingconnector.core.events.PublishReceipt;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Passes every call to the real publisher and remembers the last failure and the last success, for
 * the status page. The bridge sees exactly what the real publisher answers. While the circuit is
 * open, its fast rejections do not replace the last real failure, which is what an operator needs.
 */
final class TrackedPublisher implements EventPublisher {

    private static final int MAX_MESSAGE = 300;

    private final EventPublisher delegate;
    private final Clock clock;
    private final AtomicReference<StatusReport.PublishFailure> lastError = new AtomicReference<>();
    /** Epoch milliseconds of the last success, 0 for none: set on every accepted event, so it allocates nothing. */
    private volatile long lastSuccessMillis;

    TrackedPublisher(EventPublisher delegate, Clock clock) {
        this.delegate = Objects.requireNonNull(delegate, "publisher");
        this.clock = clock;
    }

    @Override
    public CompletionStage<PublishReceipt> publish(BusinessEvent event) {
        boolean circuitWasOpen = delegate.circuitState() == CircuitState.OPEN;
        CompletionStage<PublishReceipt> stage;
        try {
            stage = delegate.publish(event);
        } catch (RuntimeException e) {
            failed(e, circuitWasOpen);
            throw e;
        }
        if (stage == null) {
            return null;
        }
        return stage.whenComplete((receipt, failure) -> {
            if (failure == null) {
                lastSuccessMillis = clock.millis();
            } else {
                failed(failure, circuitWasOpen);
            }
        });
    }

    private void failed(Throwable failure, boolean circuitWasOpen) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        // Rejected without a call (no HTTP status) by a circuit that was open: not news.
        if (circuitWasOpen && cause instanceof PublishException p && p.status() == 0 && lastError.get() != null) {
            return;
        }
        boolean permanent = cause instanceof PublishException p && p.isPermanent();
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE) + "…";
        }
        lastError.set(new StatusReport.PublishFailure(clock.instant(), permanent, message));
    }

    Optional<StatusReport.PublishFailure> lastError() {
        return Optional.ofNullable(lastError.get());
    }

    Optional<Instant> lastSuccessAt() {
        long millis = lastSuccessMillis;
        return millis == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }

    EventPublisher delegate() {
        return delegate;
    }

    @Override
    public CircuitState circuitState() {
        return delegate.circuitState();
    }

    @Override
    public boolean retriesTransientFailures() {
        return delegate.retriesTransientFailures();
    }

    @Override
    public int maxEventBytes() {
        return delegate.maxEventBytes();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
