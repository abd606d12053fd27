package dev.marketingconnector.core.testing;

import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.spool.DeadLetterEntry;
import dev.marketingconnector.core.spool.DeadLetterStats;
import dev.marketingconnector.core.spool.DeadLetterStore;
import dev.marketingconnector.core.spool.EventSpool;
import dev.marketingconnector.core.spool.SpoolCodec;
import dev.marketingconnector.core.spool.SpoolException;
import dev.marketingconnector.core.spool.SpoolFullException;
import dev.marketingconnector.core.spool.SpoolStats;
import dev.marketingconnector.core.spool.SpooledEvent;
import dev.marketingconnector.core.spool.StoredDeadLetter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An {@link EventSpool} held in memory, for tests of code that spools or forwards events. It keeps
 * the contract the disk and JetStream spools keep (events go through {@link SpoolCodec} and come
 * back as decoded copies, a bound, redelivery of what was not committed after {@link #reopen()}),
 * records what it saw, and injects faults:
 *
 * <pre>{@code
 * InMemoryEventSpool spool = new InMemoryEventSpool();
 * spool.failNextAppends(2);        // two appends fail transiently
 * spool.full(true);                // appends fail with SpoolFullException, as on a full disk
 * spool.holdAppends();             // appends stay pending (a slow disk) ...
 * spool.releaseAppends();          // ... until released
 * InMemoryEventSpool restarted = spool.reopen();   // what was not committed is delivered again
 * }</pre>
 */
public final class InMemoryEventSpool implements EventSpool {

    /** How many bytes of encoded events {@link #InMemoryEventSpool()} holds (64 MiB). */
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
    /** How many bytes of encoded dead letters {@link #InMemoryEventSpool()} holds (16 MiB). */
    public static final long DEFAULT_DEAD_LETTER_MAX_BYTES = 16L * 1024 * 1024;
    /** The name in the exceptions it raises. */
    public static final String NAME = "in-memory spool";

    /** What survives {@link #reopen()}: the stored records, dead letters and the recordings. */
    private static final class Storage {
        final long maxBytes;
        final long deadLetterMaxBytes;
        final TreeMap<Long, Stored> records = new TreeMap<>();
        final TreeMap<Long, StoredDeadLetter> deadLetters = new TreeMap<>();
        final List<BusinessEvent> appended = new ArrayList<>();
        final List<BusinessEvent> committed = new ArrayList<>();
        long nextPosition = 1;
        long nextDeadLetter = 1;
        long bytes;
        long deadLetterBytes;
        boolean full;
        /** An append was refused for want of room, and nothing was freed since. */
        boolean refusing;
        int failNext;
        boolean holding;
        final Deque<Runnable> held = new ArrayDeque<>();

        Storage(long maxBytes, long deadLetterMaxBytes) {
            this.maxBytes = maxBytes;
            this.deadLetterMaxBytes = deadLetterMaxBytes;
        }
    }

    private record Stored(long position, Instant storedAt, byte[] bytes) {
    }

    private final Storage storage;
    private final Clock clock;
    private final Store deadLetters = new Store();
    private long cursor;
    private boolean closed;

    /** A spool of {@link #DEFAULT_MAX_BYTES} with a dead-letter area of {@link #DEFAULT_DEAD_LETTER_MAX_BYTES}. */
    public InMemoryEventSpool() {
        this(DEFAULT_MAX_BYTES, DEFAULT_DEAD_LETTER_MAX_BYTES);
    }

    /**
     * A spool that holds at most {@code maxBytes} of encoded events and {@code deadLetterMaxBytes} of dead letters.
     *
     * @param maxBytes           the bound for events, at least 1; appends beyond it fail with {@link SpoolFullException}
     * @param deadLetterMaxBytes the bound for dead letters, at least 1
     * @throws IllegalArgumentException when a bound is below 1
     */
    public InMemoryEventSpool(long maxBytes, long deadLetterMaxBytes) {
        this(new Storage(positive("maxBytes", maxBytes), positive("deadLetterMaxBytes", deadLetterMaxBytes)), Clock.systemUTC());
    }

    private InMemoryEventSpool(Storage storage, Clock clock) {
        this.storage = storage;
        this.clock = clock;
    }

    private static long positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
        return value;
    }

    /**
     * Closes this spool and opens another on the same storage, as a restart would: whatever was not
     * committed is delivered again. Recordings and injected faults carry over.
     *
     * @return the reopened spool
     */
    public InMemoryEventSpool reopen() {
        close();
        return new InMemoryEventSpool(storage, clock);
    }

    @Override
    public CompletionStage<Void> append(BusinessEvent event) {
        Objects.requireNonNull(event, "event");
        byte[] bytes = SpoolCodec.encodeEvent(event);
        synchronized (storage) {
            if (closed) {
                return CompletableFuture.failedFuture(new SpoolException(NAME, false, "closed"));
            }
            if (storage.failNext > 0) {
                storage.failNext--;
                return CompletableFuture.failedFuture(new SpoolException(NAME, true, "injected failure"));
            }
            if (storage.full) {
                return CompletableFuture.failedFuture(new SpoolFullException(NAME, "injected: no space left"));
            }
            if (storage.bytes + bytes.length > storage.maxBytes) {
                storage.refusing = true;
                return CompletableFuture.failedFuture(new SpoolFullException(NAME, "holds " + storage.bytes + " of "
                        + storage.maxBytes + " bytes; no room for " + bytes.length + " more"));
            }
            CompletableFuture<Void> stored = new CompletableFuture<>();
            Runnable store = () -> {
                synchronized (storage) {
                    long position = storage.nextPosition++;
                    storage.records.put(position, new Stored(position, clock.instant(), bytes));
                    storage.bytes += bytes.length;
                    storage.appended.add(SpoolCodec.decodeEvent(bytes));
                    storage.notifyAll();
                }
                stored.complete(null);
            };
            if (storage.holding) {
                storage.bytes += bytes.length; // reserved, as a real spool's pending write is
                storage.held.add(() -> {
                    synchronized (storage) {
                        storage.bytes -= bytes.length;
                    }
                    store.run();
                });
                return stored;
            }
            store.run();
            return stored;
        }
    }

    @Override
    public List<SpooledEvent> poll(int max, Duration wait) throws InterruptedException {
        if (max < 1) {
            throw new IllegalArgumentException("max must be >= 1, got " + max);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (storage) {
            while (!closed) {
                Map<Long, Stored> next = storage.records.tailMap(cursor, false);
                if (!next.isEmpty()) {
                    List<SpooledEvent> events = new ArrayList<>();
                    for (Stored s : next.values()) {
                        if (events.size() == max) {
                            break;
                        }
                        events.add(new SpooledEvent(s.position(), s.storedAt(), SpoolCodec.decodeEvent(s.bytes())));
                        cursor = s.position();
                    }
                    return events;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                storage.wait(Math.max(1, left / 1_000_000));
            }
            return List.of();
        }
    }

    @Override
    public void commit(SpooledEvent event) {
        Objects.requireNonNull(event, "event");
        synchronized (storage) {
            if (event.position() > cursor) {
                throw new IllegalArgumentException("event " + event.event().id() + " at " + event.position()
                        + " was never handed out by this spool");
            }
            Stored removed = storage.records.remove(event.position());
            if (removed != null) {
                storage.bytes -= removed.bytes().length;
                storage.refusing = false;
                storage.committed.add(event.event());
                storage.notifyAll();
            }
        }
    }

    @Override
    public SpoolStats stats() {
        synchronized (storage) {
            Optional<Instant> oldest = storage.records.isEmpty() ? Optional.empty()
                    : Optional.of(storage.records.firstEntry().getValue().storedAt());
            return new SpoolStats(storage.records.size(), storage.bytes, storage.maxBytes, oldest,
                    storage.full || storage.refusing,
                    storage.full ? Optional.of("injected: no space left") : Optional.empty());
        }
    }

    @Override
    public DeadLetterStore deadLetters() {
        return deadLetters;
    }

    @Override
    public String describe() {
        return NAME;
    }

    @Override
    public void close() {
        synchronized (storage) {
            closed = true;
            storage.notifyAll();
        }
    }

    // ---------------------------------------------------------------- recordings and faults

    /** {@return every event stored so far, in order (duplicates included), across {@link #reopen()}} */
    public List<BusinessEvent> appended() {
        synchronized (storage) {
            return List.copyOf(storage.appended);
        }
    }

    /** {@return every event committed so far, in commit order} */
    public List<BusinessEvent> committed() {
        synchronized (storage) {
            return List.copyOf(storage.committed);
        }
    }

    /** {@return the events held now (stored, not committed), oldest first} */
    public List<BusinessEvent> held() {
        synchronized (storage) {
            return storage.records.values().stream().map(s -> SpoolCodec.decodeEvent(s.bytes())).toList();
        }
    }

    /**
     * The next {@code appends} appends fail with a transient {@link SpoolException}.
     *
     * @param appends how many more appends fail, zero or more (adds to any still pending)
     * @return this spool
     * @throws IllegalArgumentException when {@code appends} is negative
     */
    public InMemoryEventSpool failNextAppends(int appends) {
        if (appends < 0) {
            throw new IllegalArgumentException("appends must be >= 0, got " + appends);
        }
        synchronized (storage) {
            storage.failNext += appends;
        }
        return this;
    }

    /**
     * While true, appends (and dead letters) fail with {@link SpoolFullException}, as on a full disk.
     *
     * @param full true to refuse appends and dead letters, false to accept them again
     * @return this spool
     */
    public InMemoryEventSpool full(boolean full) {
        synchronized (storage) {
            storage.full = full;
        }
        return this;
    }

    /**
     * Appends from now on stay pending until {@link #releaseAppends()}, as behind a slow disk; their
     * bytes count against the bound meanwhile.
     *
     * @return this spool
     */
    public InMemoryEventSpool holdAppends() {
        synchronized (storage) {
            storage.holding = true;
        }
        return this;
    }

    /**
     * Completes the held appends, in order, and stops holding.
     *
     * @return this spool
     */
    public InMemoryEventSpool releaseAppends() {
        List<Runnable> release;
        synchronized (storage) {
            storage.holding = false;
            release = new ArrayList<>(storage.held);
            storage.held.clear();
        }
        release.forEach(Runnable::run);
        return this;
    }

    /** {@return appends waiting for {@link #releaseAppends()}} */
    public int heldAppends() {
        synchronized (storage) {
            return storage.held.size();
        }
    }

    private final class Store implements DeadLetterStore {

        @Override
        public CompletionStage<String> add(DeadLetterEntry entry) {
            Objects.requireNonNull(entry, "entry");
            int size = SpoolCodec.encodeDeadLetter(entry).length;
            synchronized (storage) {
                if (closed) {
                    return CompletableFuture.failedFuture(new SpoolException(NAME, false, "closed"));
                }
                if (storage.full || storage.deadLetterBytes + size > storage.deadLetterMaxBytes) {
                    return CompletableFuture.failedFuture(new SpoolFullException(NAME, "the dead-letter area holds "
                            + storage.deadLetterBytes + " of " + storage.deadLetterMaxBytes + " bytes; no room for " + size + " more"));
                }
                long id = storage.nextDeadLetter++;
                storage.deadLetters.put(id, new StoredDeadLetter(Long.toString(id), SpoolCodec.decodeDeadLetter(SpoolCodec.encodeDeadLetter(entry))));
                storage.deadLetterBytes += size;
                return CompletableFuture.completedFuture(Long.toString(id));
            }
        }

        @Override
        public List<StoredDeadLetter> list(int limit) {
            if (limit < 0) {
                throw new IllegalArgumentException("limit must be >= 0, got " + limit);
            }
            synchronized (storage) {
                return storage.deadLetters.descendingMap().values().stream().limit(limit).toList();
            }
        }

        @Override
        public Optional<StoredDeadLetter> get(String id) {
            synchronized (storage) {
                return key(id).map(storage.deadLetters::get);
            }
        }

        @Override
        public boolean remove(String id) {
            synchronized (storage) {
                Optional<StoredDeadLetter> removed = key(id).map(storage.deadLetters::remove);
                removed.ifPresent(r -> storage.deadLetterBytes -= SpoolCodec.encodeDeadLetter(r.entry()).length);
                return removed.isPresent();
            }
        }

        @Override
        public DeadLetterStats stats() {
            synchronized (storage) {
                return new DeadLetterStats(storage.deadLetters.size(), storage.deadLetterBytes, storage.deadLetterMaxBytes, 0);
            }
        }

        private Optional<Long> key(String id) {
            try {
                return Optional.of(Long.parseLong(id));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }
}
