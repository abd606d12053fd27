package dev.marketingconnector.core.events;

import java.util.concurrent.CompletionStage;

/**
 * The port to Kyma eventing. {@link #publish(BusinessEvent)} does not block: the stage completes
 * with a {@link PublishReceipt} once the event service accepted the event, or exceptionally with a
 * {@link PublishException} that says whether the failure is transient or permanent.
 */
public interface EventPublisher extends AutoCloseable {

    /**
     * Hands one event to the event service.
     *
     * @param event the event
     * @return completes with a receipt once the event service accepted the event, or exceptionally with a {@link PublishException}
     */
    CompletionStage<PublishReceipt> publish(BusinessEvent event);

    /** {@return whether events currently get through; implementations without a circuit breaker are always closed} */
    default CircuitState circuitState() {
        return CircuitState.CLOSED;
    }

    /** Releases connections and threads; events in flight may fail. */
    @Override
    default void close() {
    }
}
