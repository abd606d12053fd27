package dev.marketingconnector.mqtt;

import dev.marketingconnector.core.internal.LogSafe;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link DeadLetterSink}: logs each dead letter once at WARN (client id, topic and detail
 * with control characters escaped and cut to 200 characters) and keeps the last few in memory.
 */
public final class LoggingDeadLetterSink implements DeadLetterSink {

    /** The default capacity. */
    public static final int DEFAULT_CAPACITY = 100;

    private static final Logger LOG = LoggerFactory.getLogger(LoggingDeadLetterSink.class);

    private final int capacity;
    private final Deque<DeadLetter> recent;

    /** Creates a LoggingDeadLetterSink. */
    public LoggingDeadLetterSink() {
        this(DEFAULT_CAPACITY);
    }

    /**
     * Keeps the last {@code capacity} dead letters (0 keeps none).
     *
     * @param capacity the capacity
     */
    public LoggingDeadLetterSink(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
        }
        this.capacity = capacity;
        this.recent = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    @Override
    public void accept(DeadLetter deadLetter) {
        Objects.requireNonNull(deadLetter, "deadLetter");
        LOG.warn("Dead-lettered a message from client '{}' on topic '{}' ({} bytes): {} - {}", LogSafe.of(deadLetter.clientId()),
                LogSafe.of(deadLetter.topic()), deadLetter.payloadBytes(), deadLetter.reason(), LogSafe.of(deadLetter.detail()));
        if (capacity == 0) {
            return;
        }
        synchronized (recent) {
            if (recent.size() == capacity) {
                recent.removeFirst();
            }
            recent.addLast(deadLetter.withoutPayload());
        }
    }

    @Override
    public List<DeadLetter> recent() {
        synchronized (recent) {
            return List.copyOf(new ArrayList<>(recent));
        }
    }
}
