package dev.marketingconnector.nats;

import dev.marketingconnector.core.spool.DeadLetterEntry;
import dev.marketingconnector.core.spool.DeadLetterStats;
import dev.marketingconnector.core.spool.DeadLetterStore;
import dev.marketingconnector.core.spool.SpoolCodec;
import dev.marketingconnector.core.spool.SpoolException;
import dev.marketingconnector.core.spool.SpoolFullException;
import dev.marketingconnector.core.spool.StoredDeadLetter;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.PublishOptions;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The JetStream spool's dead-letter area: a stream of its own ({@code <stream>_DEAD_LETTERS}, limits
 * retention, {@code DiscardNew} at its bound), one message per dead letter, id = stream sequence.
 * Every replica and the {@code dead-letters} command see the same area.
 */
final class JetStreamDeadLetterStore implements DeadLetterStore {

    private final JetStreamSpoolConfig config;
    private final JetStream jetStream;
    private final JetStreamManagement management;
    private final String name;

    JetStreamDeadLetterStore(JetStreamSpoolConfig config, JetStream jetStream, JetStreamManagement management) {
        this.config = config;
        this.jetStream = jetStream;
        this.management = management;
        this.name = "JetStream stream " + config.deadLetterStream();
    }

    @Override
    public CompletionStage<String> add(DeadLetterEntry entry) {
        byte[] bytes = SpoolCodec.encodeDeadLetter(entry);
        try {
            return jetStream.publishAsync(config.deadLetterSubject(), bytes,
                            PublishOptions.builder().expectedStream(config.deadLetterStream()).build())
                    .orTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .handle((ack, failure) -> {
                        if (failure != null) {
                            throw translate(JetStreamEventSpool.unwrap(failure));
                        }
                        return Long.toString(ack.getSeqno());
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(translate(e));
        }
    }

    private SpoolException translate(Throwable cause) {
        if (JetStreamEventSpool.isFull(cause)) {
            return new SpoolFullException(name, "the dead-letter stream is full (at most " + config.deadLetterMaxBytes()
                    + " bytes; deliver or delete some: `dead-letters replay` / `dead-letters delete`)", cause);
        }
        return new SpoolException(name, true, "cannot store a dead letter: " + cause.getMessage(), cause);
    }

    @Override
    public List<StoredDeadLetter> list(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        List<StoredDeadLetter> result = new ArrayList<>();
        StreamState state = state();
        if (state.getMsgCount() == 0) {
            return result;
        }
        for (long seq = state.getLastSequence(); seq >= state.getFirstSequence() && result.size() < limit; seq--) {
            read(seq).ifPresent(result::add);
        }
        return result;
    }

    private Optional<StoredDeadLetter> read(long sequence) {
        try {
            MessageInfo info = management.getMessage(config.deadLetterStream(), sequence);
            return Optional.of(new StoredDeadLetter(Long.toString(sequence), SpoolCodec.decodeDeadLetter(info.getData())));
        } catch (JetStreamApiException e) {
            return Optional.empty(); // deleted (or never there)
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new SpoolException(name, true, "cannot read dead letter " + sequence + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<StoredDeadLetter> get(String id) {
        return sequence(id).flatMap(this::read);
    }

    @Override
    public boolean remove(String id) {
        Optional<Long> sequence = sequence(id);
        if (sequence.isEmpty()) {
            return false;
        }
        try {
            return management.deleteMessage(config.deadLetterStream(), sequence.get());
        } catch (JetStreamApiException e) {
            return false;
        } catch (IOException e) {
            throw new SpoolException(name, true, "cannot remove dead letter " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public DeadLetterStats stats() {
        StreamState state = state();
        return new DeadLetterStats(state.getMsgCount(), state.getByteCount(), config.deadLetterMaxBytes(), 0);
    }

    private StreamState state() {
        try {
            return management.getStreamInfo(config.deadLetterStream()).getStreamState();
        } catch (IOException | JetStreamApiException e) {
            throw new SpoolException(name, true, "cannot read the stream's state: " + e.getMessage(), e);
        }
    }

    private static Optional<Long> sequence(String id) {
        try {
            long sequence = Long.parseLong(id);
            return sequence > 0 ? Optional.of(sequence) : Optional.empty();
        } catch (NumberFormatException | NullPointerException e) {
            return Optional.empty();
        }
    }
}
