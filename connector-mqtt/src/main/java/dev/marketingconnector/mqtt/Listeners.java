package dev.marketingconnector.mqtt;

import dev.marketingconnector.core.internal.LogSafe;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans calls out to the configured listeners and dead-letter sink, so that a listener that throws
 * never breaks the bridge. Each failing listener is logged at WARN once, then at DEBUG.
 */
final class Listeners implements BridgeListener {

    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private final List<BridgeListener> delegates;
    private final DeadLetterSink sink;
    private final Set<Object> warned = ConcurrentHashMap.newKeySet();

    Listeners(List<BridgeListener> delegates, DeadLetterSink sink) {
        this.delegates = List.copyOf(delegates);
        this.sink = sink;
    }

    private void each(Consumer<BridgeListener> call) {
        for (BridgeListener listener : delegates) {
            try {
                call.accept(listener);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                failed(listener, e);
            }
        }
    }

    private void failed(Object target, Throwable e) {
        if (warned.add(target)) {
            LOG.warn("{} threw {}; the bridge carries on (further failures are logged at DEBUG)",
                    target.getClass().getName(), LogSafe.of(e));
        } else {
            LOG.debug("{} threw {}", target.getClass().getName(), LogSafe.of(e));
        }
    }

    /** Hands a dead letter to the sink and tells the listeners; the stage completes once the sink kept it. */
    CompletionStage<Void> deadLetter(DeadLetter deadLetter) {
        CompletionStage<Void> stored;
        try {
            stored = sink.store(deadLetter);
            if (stored == null) {
                stored = CompletableFuture.completedFuture(null);
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            failed(sink, e);
            stored = CompletableFuture.completedFuture(null);
        }
        eventDeadLettered(deadLetter);
        return stored;
    }

    @Override
    public void connectionOpened(String clientId, String remoteAddress) {
        if (!delegates.isEmpty()) {
            each(l -> l.connectionOpened(clientId, remoteAddress));
        }
    }

    @Override
    public void connectionClosed(String clientId, String remoteAddress, CloseReason reason) {
        if (!delegates.isEmpty()) {
            each(l -> l.connectionClosed(clientId, remoteAddress, reason));
        }
    }

    @Override
    public void connectRefused(String remoteAddress, ConnectRefusal reason) {
        if (!delegates.isEmpty()) {
            each(l -> l.connectRefused(remoteAddress, reason));
        }
    }

    @Override
    public void eventReceived(String clientId, String topic) {
        if (!delegates.isEmpty()) {
            each(l -> l.eventReceived(clientId, topic));
        }
    }

    @Override
    public void eventForwarded(String clientId, Duration latency) {
        if (!delegates.isEmpty()) {
            each(l -> l.eventForwarded(clientId, latency));
        }
    }

    @Override
    public void eventRetried(String clientId, int attempt, RuntimeException failure) {
        if (!delegates.isEmpty()) {
            each(l -> l.eventRetried(clientId, attempt, failure));
        }
    }

    @Override
    public void eventDeadLettered(DeadLetter deadLetter) {
        if (!delegates.isEmpty()) {
            each(l -> l.eventDeadLettered(deadLetter));
        }
    }

    @Override
    public void tokenRequest(TokenOutcome outcome) {
        if (!delegates.isEmpty()) {
            each(l -> l.tokenRequest(outcome));
        }
    }
}
