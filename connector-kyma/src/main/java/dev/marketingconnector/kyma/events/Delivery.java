package dev.marketingconnector.kyma.events;

import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.PublishException;
import dev.marketingconnector.core.events.PublishReceipt;
import io.github.resilience4j.retry.Retry;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/** One event on its way: its request, its loop, its attempts. Touched only on its loop (the queues hand it over). */
final class Delivery {

    final BusinessEvent event;
    /** The whole HTTP request; each attempt writes a duplicate of it. Released when the delivery ends. */
    final ByteBuf request;
    final EventLoopState loop;
    final long deadlineNanos;
    final Retry.AsyncContext<Object> retryContext;
    final CompletableFuture<PublishReceipt> result = new CompletableFuture<>();

    boolean done;
    int attempts;
    /** Holds the circuit breaker's and the bulkhead's permits: a call is being made (connecting, sending, awaiting the answer). */
    boolean inCall;
    /** Woken from the queue of events waiting for a bulkhead slot: it may take the slot ahead of newcomers. */
    boolean waitedForSlot;
    long startNanos;
    /** 0 while no request is out. */
    long requestDeadlineNanos;
    HttpConnections.Connection connection;
    PublishException lastFailure;

    /** The loop's list of its deliveries. */
    Delivery previous;
    Delivery next;

    Delivery(BusinessEvent event, ByteBuf request, EventLoopState loop, long deadlineNanos, Retry.AsyncContext<Object> retryContext) {
        this.event = event;
        this.request = request;
        this.loop = loop;
        this.deadlineNanos = deadlineNanos;
        this.retryContext = retryContext;
    }
}
