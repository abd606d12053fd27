package dev.marketingconnector.examples.ops;

import dev.marketingconnector.core.internal.LogSafe;
import dev.marketingconnector.core.spool.DeadLetterEntry;
import dev.marketingconnector.core.spool.DeadLetterStore;
import dev.marketingconnector.core.spool.SpoolCodec;
import dev.marketingconnector.core.spool.StoredDeadLetter;
import dev.marketingconnector.mqtt.DeadLetter;
import dev.marketingconnector.mqtt.DeadLetterSink;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runnable's dead-letter sink: logs each dead letter once at WARN (as the bridge's default sink
 * does) and keeps it with its payload in a {@link DeadLetterStore}: the spool's durable dead-letter
 * area, or the last few in memory without a spool. The bridge acknowledges the message once the
 * store kept it.
 */
public final class StoringDeadLetterSink implements DeadLetterSink {

    private static final Logger LOG = LoggerFactory.getLogger(StoringDeadLetterSink.class);
    private static final int RECENT = 100;

    private final DeadLetterStore store;

    public StoringDeadLetterSink(DeadLetterStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public void accept(DeadLetter deadLetter) {
        store(deadLetter);
    }

    @Override
    public CompletionStage<Void> store(DeadLetter deadLetter) {
        Objects.requireNonNull(deadLetter, "deadLetter");
        DeadLetterEntry entry = deadLetter.event().isPresent()
                ? new DeadLetterEntry(deadLetter.time(), Names.deadLetter(deadLetter.reason()), deadLetter.detail(), deadLetter.topic(),
                        deadLetter.clientId(), DeadLetterEntry.PayloadKind.EVENT, SpoolCodec.encodeEvent(deadLetter.event().get()))
                : new DeadLetterEntry(deadLetter.time(), Names.deadLetter(deadLetter.reason()), deadLetter.detail(), deadLetter.topic(),
                        deadLetter.clientId(), DeadLetterEntry.PayloadKind.MQTT_PAYLOAD, deadLetter.payload());
        return store.add(entry).handle((id, failure) -> {
            if (failure != null) {
                LOG.error("Could not keep a dead letter from client '{}' on topic '{}' ({}): {}; the message is not acknowledged",
                        LogSafe.of(deadLetter.clientId()), LogSafe.of(deadLetter.topic()), Names.deadLetter(deadLetter.reason()),
                        LogSafe.of(failure.getMessage()));
                throw failure instanceof RuntimeException r ? r : new IllegalStateException(failure);
            }
            LOG.warn("Dead-lettered a message from client '{}' on topic '{}' ({} bytes) as {}: {} - {}", LogSafe.of(deadLetter.clientId()),
                    LogSafe.of(deadLetter.topic()), deadLetter.payloadBytes(), id, deadLetter.reason(), LogSafe.of(deadLetter.detail()));
            return null;
        });
    }

    /** The most recent dead letters (newest last), without payloads, for the bridge's status snapshot. */
    @Override
    public List<DeadLetter> recent() {
        List<DeadLetter> recent = new ArrayList<>();
        try {
            for (StoredDeadLetter stored : store.list(RECENT)) {
                DeadLetterEntry e = stored.entry();
                recent.add(new DeadLetter(e.time(), reason(e.reason()), e.detail(), e.topic(), e.clientId(), e.payloadBytes()));
            }
        } catch (RuntimeException e) {
            LOG.debug("Cannot list the dead letters: {}", e.getMessage());
        }
        Collections.reverse(recent);
        return recent;
    }

    private static DeadLetter.Reason reason(String code) {
        try {
            return DeadLetter.Reason.valueOf(code.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return DeadLetter.Reason.REJECTED; // the forwarder's "rejected", or a record the spool could not read
        }
    }

    public DeadLetterStore store() {
        return store;
    }
}
