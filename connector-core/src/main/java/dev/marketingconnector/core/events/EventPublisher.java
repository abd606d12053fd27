package dev.marketingconnector.core.events;

import java.util.concurrent.CompletionStage;

/**
 * The port to Kyma eventing. {@link #publish(BusinessEvent)} does not block: the stage completes
 * with a {@link PublishReceipt} once the event service accepted the event, or exceptionally with a
 * {@link PublishException} that says whether the failure is transient or permanent.
 */
public interface EventPublisher extends AutoCloseable {

    /** No limit on the event size: what {@link #maxEventBytes()} answers by default. */
    int UNLIMITED = Integer.MAX_VALUE;

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

    /**
     * Whether {@link #publish} already retries transient failures itself (with back-off, until it
     * gives up). A caller then adds no retries of its own, so that the two do not multiply: a
     * transient failure of the returned stage means the publisher has given up on the event. Such a
     * publisher must complete every stage in bounded time. Default: false, the caller retries.
     *
     * @return true when {@link #publish} retries transient failures itself
     */
    default boolean retriesTransientFailures() {
        return false;
    }

    /**
     * The largest event this publisher can deliver, in bytes of its JSON (the event service's limit,
     * 64 KiB for Kyma); larger events fail permanently without being sent. A caller that receives
     * events as JSON (the MQTT bridge) refuses larger payloads up front. Default: {@link #UNLIMITED}.
     *
     * @return the largest event in bytes, or {@link #UNLIMITED}
     */
    default int maxEventBytes() {
        return UNLIMITED;
    }

    /** Releases connections and threads; events in flight may fail. */
    @Override
    default void close() {
    }
}
