package dev.marketingconnector.nats;

import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.spool.DeadLetterEntry;
import dev.marketingconnector.core.spool.DeadLetterStore;
import dev.marketingconnector.core.spool.EventSpool;
import dev.marketingconnector.core.spool.SpoolCodec;
import dev.marketingconnector.core.spool.SpoolException;
import dev.marketingconnector.core.spool.SpoolFullException;
import dev.marketingconnector.core.spool.SpoolStats;
import dev.marketingconnector.core.spool.SpooledEvent;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.PublishAck;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamState;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event spool on NATS JetStream, for several bridge replicas. Every replica appends to one
 * stream (work-queue retention: a message is removed once acknowledged) and reads through one
 * durable pull consumer they all share, so whatever a replica stored is forwarded by whichever
 * replica reads it, and a replica that dies holding events gives them back after the consumer's
 * ack wait. A replica working on an event keeps extending that wait, so a slow Kyma does not make
 * JetStream hand the event to another replica.
 *
 * <p>{@link #append} completes once the stream acknowledged the message (JetStream's publish ack:
 * stored, and replicated where the stream has replicas). The message id is the event id, so the
 * same event appended twice within the duplicate window is stored once. A stream at its
 * {@code maxBytes} refuses new messages ({@code DiscardNew}): the append fails with a
 * {@link SpoolFullException}. Stream, dead-letter stream and consumer are created if missing;
 * existing ones are used as they are, except that the bounds follow the configuration.
 *
 * <p>jnats types never appear in this class's API; their exceptions are the causes of ours.
 */
public final class JetStreamEventSpool implements EventSpool {

    private static final Logger LOG = LoggerFactory.getLogger(JetStreamEventSpool.class);
    private static final Duration STATS_CACHE = Duration.ofMillis(500);
    private static final String UNREADABLE = "unreadable_record";

    private final JetStreamSpoolConfig config;
    private final String name;
    private final Connection connection;
    private final JetStream jetStream;
    private final JetStreamManagement management;
    private final JetStreamSubscription subscription;
    private final JetStreamDeadLetterStore deadLetters;
    private final Map<Long, Message> outstanding = new ConcurrentHashMap<>();
    private final AtomicLong highestHandedOut = new AtomicLong();
    private final ScheduledExecutorService ticker;
    private final Object pollLock = new Object();
    private volatile boolean closed;
    private volatile boolean refusing;
    private volatile String connectionProblem;
    private volatile SpoolStats cachedStats;
    private volatile long cachedAtNanos;

    private JetStreamEventSpool(JetStreamSpoolConfig config, String name, Connection connection) throws IOException, JetStreamApiException {
        this.config = config;
        this.name = name;
        this.connection = connection;
        JetStreamOptions options = JetStreamOptions.builder().requestTimeout(config.requestTimeout()).build();
        this.jetStream = connection.jetStream(options);
        this.management = connection.jetStreamManagement(options);
        ensureStream(StreamConfiguration.builder()
                .name(config.stream())
                .subjects(config.subject())
                .retentionPolicy(RetentionPolicy.WorkQueue)
                .storageType(StorageType.File)
                .discardPolicy(DiscardPolicy.New)
                .maxBytes(config.maxBytes())
                .replicas(config.replicas())
                .duplicateWindow(config.duplicateWindow())
                .build());
        ensureStream(StreamConfiguration.builder()
                .name(config.deadLetterStream())
                .subjects(config.deadLetterSubject())
                .retentionPolicy(RetentionPolicy.Limits)
                .storageType(StorageType.File)
                .discardPolicy(DiscardPolicy.New)
                .maxBytes(config.deadLetterMaxBytes())
                .replicas(config.replicas())
                .build());
        ensureConsumer();
        this.subscription = jetStream.subscribe(config.subject(), PullSubscribeOptions.bind(config.stream(), config.consumer()));
        this.deadLetters = new JetStreamDeadLetterStore(config, jetStream, management);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "spool-jetstream-progress");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(250, config.ackWait().toMillis() / 3);
        ticker.scheduleWithFixedDelay(this::extendAckWait, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Connects, creating the stream, the dead-letter stream and the durable consumer if missing.
     *
     * @param config the servers, credentials, names and bounds
     * @return the connected spool; {@link #close()} it to give back what it holds and disconnect
     * @throws SpoolException naming the servers and the stream (never a credential) when NATS cannot be reached or refuses
     */
    public static JetStreamEventSpool connect(JetStreamSpoolConfig config) {
        Objects.requireNonNull(config, "config");
        String name = "JetStream stream " + config.stream() + " at " + String.join(",", config.servers());
        JetStreamEventSpool[] self = new JetStreamEventSpool[1];
        Options.Builder options = new Options.Builder()
                .servers(config.servers().toArray(String[]::new))
                .connectionName("marketing-connector")
                .connectionTimeout(config.connectTimeout())
                .maxReconnects(-1)
                .connectionListener((conn, type) -> {
                    if (self[0] != null) {
                        self[0].connectionEvent(type);
                    }
                })
                .errorListener(new QuietErrors(name));
        config.credentialsFile().ifPresent(file -> options.authHandler(Nats.credentials(file.toString())));
        config.user().ifPresent(user -> options.userInfo(user.toCharArray(), config.password().orElseThrow().reveal().toCharArray()));
        config.token().ifPresent(token -> options.token(token.reveal().toCharArray()));
        config.sslContext().ifPresent(options::sslContext);
        Connection connection = null;
        try {
            connection = Nats.connect(options.build());
            self[0] = new JetStreamEventSpool(config, name, connection);
            LOG.info("Opened {} (consumer {}): {} events held", name, config.consumer(), self[0].stats().events());
            return self[0];
        } catch (IOException e) {
            closeQuietly(connection);
            throw new SpoolException(name, true, "cannot connect: " + e.getMessage(), e);
        } catch (JetStreamApiException e) {
            closeQuietly(connection);
            String hint = e.getApiErrorCode() == 10065 ? " (another stream already takes subject '" + config.subject()
                    + "': choose another NATS_SUBJECT or NATS_STREAM)"
                    : " (is JetStream enabled on the server, and may this user manage streams?)";
            throw new SpoolException(name, false, "JetStream refused to set up the stream or consumer: " + e.getMessage() + hint, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(connection);
            throw new SpoolException(name, true, "interrupted while connecting", e);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw new SpoolException(name, false, "cannot connect: " + e.getMessage(), e);
        }
    }

    private void ensureStream(StreamConfiguration wanted) throws IOException, JetStreamApiException {
        StreamInfo existing;
        try {
            existing = management.getStreamInfo(wanted.getName());
        } catch (JetStreamApiException e) {
            if (e.getErrorCode() != 404) {
                throw e;
            }
            management.addStream(wanted);
            LOG.info("Created the JetStream stream {} (subject {}, at most {} bytes)", wanted.getName(), wanted.getSubjects(),
                    wanted.getMaxBytes());
            return;
        }
        StreamConfiguration current = existing.getConfiguration();
        if (current.getMaxBytes() != wanted.getMaxBytes()) {
            management.updateStream(StreamConfiguration.builder(current).maxBytes(wanted.getMaxBytes()).build());
            LOG.info("The JetStream stream {} now holds at most {} bytes (was {})", wanted.getName(), wanted.getMaxBytes(),
                    current.getMaxBytes());
        }
    }

    private void ensureConsumer() throws IOException, JetStreamApiException {
        ConsumerConfiguration wanted = ConsumerConfiguration.builder()
                .durable(config.consumer())
                .ackPolicy(AckPolicy.Explicit)
                .ackWait(config.ackWait())
                .maxDeliver(-1)
                .maxAckPending(config.maxAckPending())
                .deliverPolicy(DeliverPolicy.All)
                .filterSubject(config.subject())
                .build();
        try {
            management.getConsumerInfo(config.stream(), config.consumer());
        } catch (JetStreamApiException e) {
            if (e.getErrorCode() != 404) {
                throw e;
            }
            management.addOrUpdateConsumer(config.stream(), wanted);
            LOG.info("Created the durable consumer {} on {}", config.consumer(), config.stream());
        }
    }

    private void connectionEvent(ConnectionListener.Events type) {
        switch (type) {
            case DISCONNECTED -> {
                connectionProblem = "disconnected from NATS; reconnecting";
                LOG.warn("{}: disconnected; reconnecting", name);
            }
            case RECONNECTED, CONNECTED, RESUBSCRIBED -> {
                if (connectionProblem != null) {
                    LOG.info("{}: connected again", name);
                }
                connectionProblem = null;
            }
            case CLOSED -> connectionProblem = closed ? null : "the NATS connection is closed";
            default -> {
            }
        }
    }

    // ---------------------------------------------------------------- append

    @Override
    public CompletionStage<Void> append(BusinessEvent event) {
        Objects.requireNonNull(event, "event");
        if (closed) {
            return CompletableFuture.failedFuture(new SpoolException(name, false, "closed"));
        }
        byte[] bytes = SpoolCodec.encodeEvent(event);
        PublishOptions options = PublishOptions.builder()
                .expectedStream(config.stream())
                .messageId(event.id().toString())
                .build();
        CompletableFuture<PublishAck> ack;
        try {
            ack = jetStream.publishAsync(config.subject(), bytes, options);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(translate(e, event));
        }
        return ack.orTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS).handle((stored, failure) -> {
            if (failure != null) {
                throw translate(failure, event);
            }
            refusing = false;
            return null;
        });
    }

    private SpoolException translate(Throwable failure, BusinessEvent event) {
        Throwable cause = unwrap(failure);
        if (isFull(cause)) {
            refusing = true;
            return new SpoolFullException(name, "the stream is full (at most " + config.maxBytes() + " bytes, SPOOL_MAX_BYTES): "
                    + cause.getMessage(), cause);
        }
        if (cause instanceof TimeoutException) {
            return new SpoolException(name, true, "no acknowledgement from JetStream within " + config.requestTimeout().toMillis()
                    + " ms for event " + event.id(), cause);
        }
        if (cause instanceof SpoolException s) {
            return s;
        }
        return new SpoolException(name, true, "event " + event.id() + " was not stored: " + cause.getMessage(), cause);
    }

    // ---------------------------------------------------------------- read and commit

    @Override
    public List<SpooledEvent> poll(int max, Duration wait) throws InterruptedException {
        if (max < 1) {
            throw new IllegalArgumentException("max must be >= 1, got " + max);
        }
        if (closed) {
            return List.of();
        }
        List<Message> messages;
        synchronized (pollLock) {
            try {
                messages = subscription.fetch(max, wait.compareTo(Duration.ofMillis(10)) < 0 ? Duration.ofMillis(10) : wait);
            } catch (IllegalStateException e) {
                if (closed) {
                    return List.of();
                }
                throw new SpoolException(name, true, "cannot read: " + e.getMessage(), e);
            }
        }
        List<SpooledEvent> events = new ArrayList<>(messages.size());
        for (Message message : messages) {
            if (!message.isJetStream()) {
                continue;
            }
            long sequence = message.metaData().streamSequence();
            Instant storedAt = message.metaData().timestamp().toInstant();
            outstanding.put(sequence, message);
            highestHandedOut.accumulateAndGet(sequence, Math::max);
            try {
                events.add(new SpooledEvent(sequence, storedAt, SpoolCodec.decodeEvent(message.getData())));
            } catch (IllegalArgumentException e) {
                unreadable(message, sequence, e.getMessage());
            }
        }
        return events;
    }

    private void unreadable(Message message, long sequence, String why) {
        LOG.error("{}: message {} is not an event this connector wrote ({}); it goes to the dead-letter area", name, sequence, why);
        byte[] data = message.getData() == null ? new byte[0] : message.getData();
        deadLetters.add(new DeadLetterEntry(config.clock().instant(), UNREADABLE, "stream message " + sequence + ": " + why,
                message.getSubject(), "", DeadLetterEntry.PayloadKind.EVENT, data)).whenComplete((id, failure) -> {
                    if (failure == null) {
                        outstanding.remove(sequence);
                        message.ack();
                    } else {
                        LOG.error("{}: could not keep message {} as a dead letter: {}", name, sequence, failure.getMessage());
                    }
                });
    }

    @Override
    public void commit(SpooledEvent event) {
        Objects.requireNonNull(event, "event");
        Message message = outstanding.remove(event.position());
        if (message == null) {
            if (event.position() > highestHandedOut.get()) {
                throw new IllegalArgumentException("event " + event.event().id() + " at sequence " + event.position()
                        + " was never handed out by this spool");
            }
            return;
        }
        message.ack();
        refusing = false;
    }

    /** Tells JetStream the events being forwarded are still being worked on, so it does not hand them to another replica. */
    private void extendAckWait() {
        try {
            for (Message message : outstanding.values()) {
                message.inProgress();
            }
        } catch (RuntimeException e) {
            LOG.debug("{}: extending the ack wait failed: {}", name, e.getMessage());
        }
    }

    @Override
    public SpoolStats stats() {
        SpoolStats cached = cachedStats;
        if (cached != null && System.nanoTime() - cachedAtNanos < STATS_CACHE.toNanos()) {
            return withFlags(cached);
        }
        try {
            StreamState state = management.getStreamInfo(config.stream()).getStreamState();
            Optional<Instant> oldest = state.getMsgCount() > 0 && state.getFirstTime() != null
                    ? Optional.of(state.getFirstTime().toInstant()) : Optional.empty();
            SpoolStats fresh = new SpoolStats(state.getMsgCount(), state.getByteCount(), config.maxBytes(), oldest, false, Optional.empty());
            cachedStats = fresh;
            cachedAtNanos = System.nanoTime();
            return withFlags(fresh);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            SpoolStats last = cached != null ? cached
                    : new SpoolStats(0, 0, config.maxBytes(), Optional.empty(), false, Optional.empty());
            return new SpoolStats(last.events(), last.bytes(), last.maxBytes(), last.oldestStoredAt(), refusing,
                    Optional.of("cannot read the stream's state: " + e.getMessage()));
        }
    }

    private SpoolStats withFlags(SpoolStats stats) {
        String problem = connectionProblem;
        return new SpoolStats(stats.events(), stats.bytes(), stats.maxBytes(), stats.oldestStoredAt(), refusing,
                Optional.ofNullable(problem));
    }

    @Override
    public DeadLetterStore deadLetters() {
        return deadLetters;
    }

    @Override
    public String describe() {
        return name;
    }

    /** {@return the settings this spool connected with} */
    public JetStreamSpoolConfig config() {
        return config;
    }

    /** Gives the events being forwarded back at once (another replica, or the next start, takes them), then disconnects. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ticker.shutdownNow();
        synchronized (pollLock) {
            for (Message message : outstanding.values()) {
                try {
                    message.nak();
                } catch (RuntimeException e) {
                    LOG.debug("{}: nak failed: {}", name, e.getMessage());
                }
            }
            outstanding.clear();
            try {
                connection.flush(Duration.ofSeconds(2));
            } catch (TimeoutException | InterruptedException | RuntimeException e) {
                LOG.debug("{}: flush before closing failed: {}", name, e.getMessage());
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
            closeQuietly(connection);
        }
    }

    /** Drops the connection without giving anything back, as a killed process would (for tests). */
    void abandon() {
        closed = true;
        ticker.shutdownNow();
        outstanding.clear();
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("Closing the NATS connection failed: {}", e.getMessage());
        }
    }

    /** JetStream's "maximum bytes exceeded" (10077), "maximum messages exceeded" (10076) or "insufficient resources" (10023, 10047). */
    static boolean isFull(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof JetStreamApiException e) {
                int code = e.getApiErrorCode();
                String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
                return code == 10077 || code == 10076 || code == 10023 || code == 10047 || text.contains("maximum bytes")
                        || text.contains("insufficient resources");
            }
        }
        return false;
    }

    static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public String toString() {
        return "JetStreamEventSpool[" + name + "]";
    }

    /** jnats reports slow consumers and server errors here; they are logged once each, at DEBUG or WARN. */
    private static final class QuietErrors implements ErrorListener {
        private final String name;

        QuietErrors(String name) {
            this.name = name;
        }

        @Override
        public void errorOccurred(Connection conn, String error) {
            LOG.warn("{}: the server reported: {}", name, error);
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception exp) {
            LOG.debug("{}: connection problem: {}", name, exp.toString());
        }
    }
}
