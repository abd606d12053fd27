package dev.marketingconnector.disk;

import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.spool.DeadLetterEntry;
import dev.marketingconnector.core.spool.DeadLetterStore;
import dev.marketingconnector.core.spool.EventSpool;
import dev.marketingconnector.core.spool.SpoolCodec;
import dev.marketingconnector.core.spool.SpoolException;
import dev.marketingconnector.core.spool.SpoolFullException;
import dev.marketingconnector.core.spool.SpoolStats;
import dev.marketingconnector.core.spool.SpooledEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded event spool: an append-only log of checksummed records in segment files under one
 * directory, written by one thread with group commit.
 *
 * <pre>
 * &lt;dir&gt;/lock                      held while a process uses the spool
 * &lt;dir&gt;/events/&lt;first&gt;.seg         records: length (4) | CRC32C (4) | stored-at millis (8) | event (SpoolCodec JSON)
 * &lt;dir&gt;/events/checkpoint          the last committed position (8) | CRC32C (4), replaced atomically
 * &lt;dir&gt;/dead-letters/&lt;id&gt;.json     one file per dead letter ({@link DiskDeadLetterStore})
 * </pre>
 *
 * <p>Appends queue for the writer thread, which writes whatever is queued (up to
 * {@link DiskSpoolConfig#maxBatch()}) in one write, forces it to the disk once, and only then
 * completes those appends: an append's stage completes after the fsync that covers it. On open,
 * the last segment is scanned and a torn record at its end (length or checksum wrong, cut short)
 * is dropped; it was never acknowledged. Commits advance a watermark that is saved every
 * {@link DiskSpoolConfig#checkpointInterval()}, so after a crash at most that much is sent again
 * (with the same event ids). Segments whose records are all committed are deleted.
 */
public final class DiskEventSpool implements EventSpool {

    static final String EVENTS = "events";
    static final String LOCK = "lock";
    static final String CHECKPOINT = "checkpoint";
    static final String SEGMENT_SUFFIX = ".seg";
    static final int HEADER_BYTES = 16;
    static final int MAX_RECORD_BYTES = 64 << 20;
    private static final String UNREADABLE = "unreadable_record";

    private static final Logger LOG = LoggerFactory.getLogger(DiskEventSpool.class);

    private static final class Segment {
        final long first;
        final Path path;
        final FileChannel channel;
        volatile long size;
        /** Read by the forwarder's thread; a channel of its own, so an interrupted read never closes the writer's. */
        private FileChannel reader;

        Segment(long first, Path path, FileChannel channel, long size) {
            this.first = first;
            this.path = path;
            this.channel = channel;
            this.size = size;
        }

        FileChannel reader() throws IOException {
            if (reader == null || !reader.isOpen()) {
                reader = FileChannel.open(path, StandardOpenOption.READ);
            }
            return reader;
        }

        void close() {
            closeQuietly(channel);
            closeQuietly(reader);
        }
    }

    private record Pending(byte[] event, int recordBytes, CompletableFuture<Void> stored) {
    }

    /** Wakes the writer up (on close) without interrupting it: an interrupt would close its file channel. */
    private static final Pending WAKE_UP = new Pending(new byte[0], 0, new CompletableFuture<>());

    private static final class Outstanding {
        final int recordBytes;
        final Instant storedAt;
        boolean committed;

        Outstanding(int recordBytes, Instant storedAt) {
            this.recordBytes = recordBytes;
            this.storedAt = storedAt;
        }
    }

    private final DiskSpoolConfig config;
    private final Path eventsDirectory;
    private final String name;
    private final FileChannel lockChannel;
    private final FileLock fileLock;
    private final FileStore fileStore;
    private final DiskDeadLetterStore deadLetters;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private final TreeMap<Long, Outstanding> outstanding = new TreeMap<>();
    private Segment head;
    private long nextPosition;
    private long watermark;
    private long savedWatermark;
    private long cursor;
    private Segment readSegment;
    private long readOffset;
    private long bytesHeld;
    private long reservedBytes;
    private boolean refusing;
    private String problem;
    private boolean closed;
    private long peekedPosition = -1;
    private Instant peekedStoredAt;

    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean stopping;
    private long lastCheckpointNanos = System.nanoTime();

    private DiskEventSpool(DiskSpoolConfig config, FileChannel lockChannel, FileLock fileLock) throws IOException {
        this.config = config;
        this.eventsDirectory = config.directory().resolve(EVENTS);
        this.name = "disk spool " + config.directory();
        this.lockChannel = lockChannel;
        this.fileLock = fileLock;
        this.fileStore = Files.getFileStore(config.directory());
        recover();
        this.deadLetters = DiskDeadLetterStore.open(config.directory(), config.deadLetterMaxBytes(), config.clock());
        this.writer = new Thread(this::writeLoop, "spool-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Opens the spool in the configured directory (creating it if needed), recovering from a crash:
     * a torn record at the end is dropped, uncommitted events are delivered again.
     *
     * @param config the directory and bounds
     * @return the open spool, holding the directory's lock until {@link #close()}
     * @throws SpoolException when the directory cannot be used or another process holds it
     */
    public static DiskEventSpool open(DiskSpoolConfig config) {
        Objects.requireNonNull(config, "config");
        String name = "disk spool " + config.directory();
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(config.directory().resolve(EVENTS));
            lockChannel = FileChannel.open(config.directory().resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock fileLock;
            try {
                fileLock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                fileLock = null;
            }
            if (fileLock == null) {
                lockChannel.close();
                throw new SpoolException(name, false, "another process (or spool) uses this directory; each bridge needs a "
                        + "directory of its own (SPOOL_DIR)");
            }
            return new DiskEventSpool(config, lockChannel, fileLock);
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new SpoolException(name, false, "cannot open: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- recovery

    private void recover() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(eventsDirectory, "*" + SEGMENT_SUFFIX)) {
            stream.forEach(files::add);
        }
        TreeMap<Long, Path> byFirst = new TreeMap<>();
        for (Path file : files) {
            String base = file.getFileName().toString();
            try {
                byFirst.put(Long.parseLong(base.substring(0, base.length() - SEGMENT_SUFFIX.length())), file);
            } catch (NumberFormatException e) {
                LOG.warn("Ignoring {} in the spool: not a segment name", file);
            }
        }
        long checkpoint = readCheckpoint();
        if (byFirst.isEmpty()) {
            long first = checkpoint + 1;
            Segment segment = createSegment(first);
            segments.put(first, segment);
        } else {
            for (Map.Entry<Long, Path> e : byFirst.entrySet()) {
                boolean last = e.getKey().equals(byFirst.lastKey());
                FileChannel channel = FileChannel.open(e.getValue(), last
                        ? new StandardOpenOption[]{StandardOpenOption.READ, StandardOpenOption.WRITE}
                        : new StandardOpenOption[]{StandardOpenOption.READ});
                segments.put(e.getKey(), new Segment(e.getKey(), e.getValue(), channel, channel.size()));
            }
        }
        head = segments.lastEntry().getValue();
        Scan scan = scan(head, Long.MAX_VALUE);
        if (scan.validBytes < head.size) {
            LOG.warn("Dropping a torn record at the end of {}: {} of {} bytes are whole records ({} events); the rest was never "
                    + "acknowledged", head.path, scan.validBytes, head.size, scan.records);
            head.channel.truncate(scan.validBytes);
            head.channel.force(true);
            head.size = scan.validBytes;
        }
        nextPosition = head.first + scan.records;
        long firstStored = segments.firstKey();
        watermark = Math.max(checkpoint, firstStored - 1);
        if (watermark > nextPosition - 1) {
            LOG.warn("The spool's checkpoint ({}) lies past its last record ({}); delivering from the last record on", watermark,
                    nextPosition - 1);
            watermark = nextPosition - 1;
        }
        savedWatermark = watermark;
        cursor = watermark;
        deleteCommittedSegments();
        readSegment = segments.floorEntry(cursor + 1).getValue();
        Scan skip = scan(readSegment, cursor + 1 - readSegment.first);
        readOffset = skip.validBytes;
        bytesHeld = readSegment.size - readOffset;
        for (Segment s : segments.tailMap(readSegment.first, false).values()) {
            bytesHeld += s.size;
        }
        LOG.info("Opened {}: {} events held ({} bytes) in {} segment(s)", name, nextPosition - 1 - watermark, bytesHeld, segments.size());
    }

    private record Scan(long records, long validBytes) {
    }

    /** Walks up to {@code maxRecords} whole, valid records from the segment's start. */
    private static Scan scan(Segment segment, long maxRecords) throws IOException {
        long offset = 0;
        long records = 0;
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        CRC32C crc = new CRC32C();
        while (records < maxRecords && offset + HEADER_BYTES <= segment.size) {
            header.clear();
            readFully(segment.channel, header, offset);
            header.flip();
            int length = header.getInt();
            int checksum = header.getInt();
            long storedAt = header.getLong();
            if (length <= 0 || length > MAX_RECORD_BYTES || offset + HEADER_BYTES + length > segment.size) {
                break;
            }
            ByteBuffer body = ByteBuffer.allocate(length);
            readFully(segment.channel, body, offset + HEADER_BYTES);
            if (checksum(crc, storedAt, body.array()) != checksum) {
                break;
            }
            offset += HEADER_BYTES + length;
            records++;
        }
        return new Scan(records, offset);
    }

    private static int checksum(CRC32C crc, long storedAt, byte[] body) {
        crc.reset();
        ByteBuffer time = ByteBuffer.allocate(8).putLong(storedAt);
        crc.update(time.array());
        crc.update(body);
        return (int) crc.getValue();
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new IOException("unexpected end of file at " + at);
            }
            at += read;
        }
    }

    private Segment createSegment(long first) throws IOException {
        Path path = eventsDirectory.resolve(String.format("%020d%s", first, SEGMENT_SUFFIX));
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        channel.truncate(0);
        Directories.sync(eventsDirectory);
        return new Segment(first, path, channel, 0);
    }

    private long readCheckpoint() {
        Path file = eventsDirectory.resolve(CHECKPOINT);
        try {
            if (!Files.exists(file)) {
                return 0;
            }
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
            if (b.remaining() != 12) {
                throw new IOException("size " + b.remaining());
            }
            long position = b.getLong();
            int checksum = b.getInt();
            CRC32C crc = new CRC32C();
            crc.update(ByteBuffer.allocate(8).putLong(position).array());
            if ((int) crc.getValue() != checksum) {
                throw new IOException("checksum mismatch");
            }
            return position;
        } catch (IOException e) {
            LOG.warn("The spool's checkpoint {} is unreadable ({}); delivering everything held again", file, e.getMessage());
            return 0;
        }
    }

    private void writeCheckpoint(long position) throws IOException {
        Path file = eventsDirectory.resolve(CHECKPOINT);
        Path temporary = eventsDirectory.resolve(CHECKPOINT + ".tmp");
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(8).putLong(position).array());
        ByteBuffer content = ByteBuffer.allocate(12).putLong(position).putInt((int) crc.getValue());
        content.flip();
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (content.hasRemaining()) {
                channel.write(content);
            }
            channel.force(true);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
        Directories.sync(eventsDirectory);
    }

    /** Deletes segments (never the head or the one being read) whose records are all at or below the saved watermark. */
    private void deleteCommittedSegments() {
        List<Segment> doomed = new ArrayList<>();
        lock.lock();
        try {
            for (Map.Entry<Long, Segment> e : segments.entrySet()) {
                Segment s = e.getValue();
                Map.Entry<Long, Segment> next = segments.higherEntry(e.getKey());
                if (next == null || s == readSegment || next.getKey() - 1 > savedWatermark) {
                    break;
                }
                doomed.add(s);
            }
            doomed.forEach(s -> segments.remove(s.first));
        } finally {
            lock.unlock();
        }
        for (Segment s : doomed) {
            s.close();
            try {
                Files.deleteIfExists(s.path);
            } catch (IOException e) {
                LOG.warn("Cannot delete the forwarded segment {}: {}", s.path, e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------- append (group commit)

    @Override
    public CompletionStage<Void> append(BusinessEvent event) {
        Objects.requireNonNull(event, "event");
        byte[] bytes = SpoolCodec.encodeEvent(event);
        int recordBytes = HEADER_BYTES + bytes.length;
        if (bytes.length > MAX_RECORD_BYTES) {
            return CompletableFuture.failedFuture(new SpoolException(name, false, "event " + event.id() + " has " + bytes.length
                    + " bytes; a record holds at most " + MAX_RECORD_BYTES));
        }
        CompletableFuture<Void> stored = new CompletableFuture<>();
        lock.lock();
        try {
            if (closed) {
                return CompletableFuture.failedFuture(new SpoolException(name, false, "closed"));
            }
            if (bytesHeld + reservedBytes + recordBytes > config.maxBytes()) {
                refusing = true;
                return CompletableFuture.failedFuture(new SpoolFullException(name, "holds " + (bytesHeld + reservedBytes) + " of "
                        + config.maxBytes() + " bytes (SPOOL_MAX_BYTES); no room for " + recordBytes + " more"));
            }
            reservedBytes += recordBytes;
        } finally {
            lock.unlock();
        }
        queue.add(new Pending(bytes, recordBytes, stored));
        return stored;
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>(config.maxBatch());
        while (true) {
            try {
                Pending first = queue.poll(config.checkpointInterval().toNanos(), TimeUnit.NANOSECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, config.maxBatch() - 1);
                    batch.removeIf(p -> p == WAKE_UP);
                    if (!batch.isEmpty()) {
                        write(batch);
                    }
                    batch.clear();
                }
                if (stopping && queue.isEmpty()) {
                    return;
                }
                if (System.nanoTime() - lastCheckpointNanos >= config.checkpointInterval().toNanos()) {
                    checkpoint();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) {
                LOG.error("The spool writer of {} failed; it goes on", name, e);
                fail(batch, new SpoolException(name, true, "write failed: " + e, e));
                batch.clear();
            }
        }
    }

    private void write(List<Pending> batch) {
        int total = 0;
        for (Pending p : batch) {
            total += p.recordBytes;
        }
        try {
            long usable = fileStore.getUsableSpace();
            if (usable < total + config.minFreeBytes()) {
                refused(batch, total, "the disk is full: " + usable + " bytes free, " + config.minFreeBytes() + " must stay free");
                return;
            }
        } catch (IOException e) {
            LOG.debug("Cannot read the free space of {}: {}", name, e.getMessage());
        }
        ByteBuffer buffer = ByteBuffer.allocate(total);
        CRC32C crc = new CRC32C();
        long storedAt = config.clock().millis();
        for (Pending p : batch) {
            buffer.putInt(p.event.length).putInt(checksum(crc, storedAt, p.event)).putLong(storedAt).put(p.event);
        }
        buffer.flip();
        Segment target = head;
        long before = target.size;
        try {
            if (before > 0 && before + total > config.segmentBytes()) {
                target = roll();
                before = 0;
            }
            long at = before;
            while (buffer.hasRemaining()) {
                at += target.channel.write(buffer, at);
            }
            target.channel.force(false);
        } catch (IOException e) {
            try {
                target.channel.truncate(before);
            } catch (IOException ignored) {
                // the torn tail is dropped on the next open
            }
            if (Directories.isNoSpace(e)) {
                refused(batch, total, "the disk is full (" + e.getMessage() + ")");
            } else {
                LOG.warn("Writing to {} failed: {}", name, e.getMessage());
                setProblem("writing failed: " + e.getMessage());
                fail(batch, new SpoolException(name, true, "write failed: " + e.getMessage(), e));
            }
            return;
        }
        lock.lock();
        try {
            target.size = before + total;
            nextPosition += batch.size();
            bytesHeld += total;
            reservedBytes -= total;
            problem = null;
            refusing = false;
            appended.signalAll();
        } finally {
            lock.unlock();
        }
        for (Pending p : batch) {
            p.stored.complete(null);
        }
    }

    private Segment roll() throws IOException {
        head.channel.force(false);
        Segment next = createSegment(nextPosition);
        lock.lock();
        try {
            segments.put(next.first, next);
            head = next;
        } finally {
            lock.unlock();
        }
        return next;
    }

    private void refused(List<Pending> batch, int total, String why) {
        lock.lock();
        try {
            refusing = true;
            problem = why;
            reservedBytes -= total;
        } finally {
            lock.unlock();
        }
        LOG.warn("{}: {}; refusing appends until there is room", name, why);
        for (Pending p : batch) {
            p.stored.completeExceptionally(new SpoolFullException(name, why));
        }
    }

    private void fail(List<Pending> batch, SpoolException failure) {
        lock.lock();
        try {
            for (Pending p : batch) {
                if (!p.stored.isDone()) {
                    reservedBytes -= p.recordBytes;
                }
            }
        } finally {
            lock.unlock();
        }
        for (Pending p : batch) {
            p.stored.completeExceptionally(failure);
        }
    }

    private void setProblem(String text) {
        lock.lock();
        try {
            problem = text;
        } finally {
            lock.unlock();
        }
    }

    private void checkpoint() {
        long position;
        lock.lock();
        try {
            position = watermark;
        } finally {
            lock.unlock();
        }
        lastCheckpointNanos = System.nanoTime();
        if (position == savedWatermark) {
            return;
        }
        try {
            writeCheckpoint(position);
            savedWatermark = position;
            deleteCommittedSegments();
        } catch (IOException e) {
            LOG.warn("Cannot save the read position of {}: {}", name, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- read and commit

    @Override
    public List<SpooledEvent> poll(int max, Duration wait) throws InterruptedException {
        if (max < 1) {
            throw new IllegalArgumentException("max must be >= 1, got " + max);
        }
        long left = wait.toNanos();
        List<SpooledEvent> events = new ArrayList<>();
        List<DeadLetterEntry> unreadable = new ArrayList<>();
        lock.lockInterruptibly();
        try {
            while (!closed && cursor + 1 >= nextPosition) {
                if (left <= 0) {
                    return List.of();
                }
                left = appended.awaitNanos(left);
            }
            while (!closed && events.size() < max && cursor + 1 < nextPosition) {
                readNext(events, unreadable);
            }
        } catch (IOException e) {
            throw new SpoolException(name, true, "read failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
        unreadable.forEach(entry -> deadLetters.add(entry).exceptionally(failure -> {
            LOG.error("Could not keep an unreadable spool record as a dead letter: {}", failure.getMessage());
            return null;
        }));
        return events;
    }

    /** Reads the record at {@code cursor + 1}; holds the lock. */
    private void readNext(List<SpooledEvent> events, List<DeadLetterEntry> unreadable) throws IOException {
        if (readOffset >= readSegment.size) {
            Map.Entry<Long, Segment> next = segments.higherEntry(readSegment.first);
            if (next == null) {
                throw new IOException("position " + (cursor + 1) + " lies past the last segment");
            }
            if (next.getKey() != cursor + 1) {
                LOG.error("{}: segment {} ends before position {}; events {}..{} are lost", name, readSegment.path, next.getKey(),
                        cursor + 1, next.getKey() - 1);
                for (long p = cursor + 1; p < next.getKey(); p++) {
                    Outstanding lost = new Outstanding(0, Instant.EPOCH);
                    lost.committed = true;
                    outstanding.put(p, lost);
                }
                cursor = next.getKey() - 1;
                advanceWatermark();
            }
            readSegment = next.getValue();
            readOffset = 0;
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        readFully(readSegment.reader(), header, readOffset);
        header.flip();
        int length = header.getInt();
        int checksum = header.getInt();
        long storedAtMillis = header.getLong();
        if (length <= 0 || length > MAX_RECORD_BYTES || readOffset + HEADER_BYTES + length > readSegment.size) {
            throw new IOException("record " + (cursor + 1) + " in " + readSegment.path + " has an impossible length " + length);
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(readSegment.reader(), body, readOffset + HEADER_BYTES);
        long position = cursor + 1;
        int recordBytes = HEADER_BYTES + length;
        Instant storedAt = Instant.ofEpochMilli(storedAtMillis);
        Outstanding o = new Outstanding(recordBytes, storedAt);
        outstanding.put(position, o);
        cursor = position;
        readOffset += recordBytes;
        BusinessEvent event = null;
        String why;
        if (checksum(new CRC32C(), storedAtMillis, body.array()) != checksum) {
            why = "its checksum does not match (the disk changed it)";
        } else {
            try {
                event = SpoolCodec.decodeEvent(body.array());
                why = null;
            } catch (IllegalArgumentException e) {
                why = e.getMessage();
            }
        }
        if (event != null) {
            events.add(new SpooledEvent(position, storedAt, event));
            return;
        }
        LOG.error("{}: record {} cannot be read ({}); it goes to the dead-letter area", name, position, why);
        unreadable.add(new DeadLetterEntry(config.clock().instant(), UNREADABLE, "spool record " + position + ": " + why, "", "",
                DeadLetterEntry.PayloadKind.EVENT, body.array()));
        o.committed = true;
        advanceWatermark();
    }

    @Override
    public void commit(SpooledEvent event) {
        Objects.requireNonNull(event, "event");
        lock.lock();
        try {
            long position = event.position();
            if (position <= watermark) {
                return;
            }
            Outstanding o = outstanding.get(position);
            if (o == null) {
                throw new IllegalArgumentException("event " + event.event().id() + " at position " + position
                        + " was never handed out by this spool");
            }
            o.committed = true;
            advanceWatermark();
        } finally {
            lock.unlock();
        }
    }

    /** Holds the lock. */
    private void advanceWatermark() {
        while (!outstanding.isEmpty() && outstanding.firstKey() == watermark + 1 && outstanding.firstEntry().getValue().committed) {
            Outstanding done = outstanding.pollFirstEntry().getValue();
            watermark++;
            bytesHeld -= done.recordBytes;
            refusing = false;
        }
    }

    @Override
    public SpoolStats stats() {
        lock.lock();
        try {
            long events = nextPosition - 1 - watermark;
            Optional<Instant> oldest = Optional.empty();
            if (events > 0) {
                Map.Entry<Long, Outstanding> first = outstanding.firstEntry();
                if (first != null && first.getKey() == watermark + 1) {
                    oldest = Optional.of(first.getValue().storedAt);
                } else if (cursor + 1 < nextPosition) {
                    oldest = peekNextStoredAt();
                }
            }
            return new SpoolStats(events, bytesHeld, config.maxBytes(), oldest, refusing || problem != null, Optional.ofNullable(problem));
        } finally {
            lock.unlock();
        }
    }

    /** When the record at {@code cursor + 1} was stored; holds the lock. */
    private Optional<Instant> peekNextStoredAt() {
        long position = cursor + 1;
        if (position == peekedPosition) {
            return Optional.of(peekedStoredAt);
        }
        try {
            Segment segment = readSegment;
            long offset = readOffset;
            if (offset >= segment.size) {
                Map.Entry<Long, Segment> next = segments.higherEntry(segment.first);
                if (next == null) {
                    return Optional.empty();
                }
                segment = next.getValue();
                offset = 0;
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            readFully(segment.reader(), header, offset);
            peekedStoredAt = Instant.ofEpochMilli(header.getLong(8));
            peekedPosition = position;
            return Optional.of(peekedStoredAt);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public DeadLetterStore deadLetters() {
        return deadLetters;
    }

    @Override
    public String describe() {
        return name;
    }

    /** {@return the settings this spool was opened with} */
    public DiskSpoolConfig config() {
        return config;
    }

    /** Writes what was accepted, saves the read position, and releases the directory. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            appended.signalAll();
        } finally {
            lock.unlock();
        }
        stopping = true;
        queue.add(WAKE_UP);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(p -> p.stored.completeExceptionally(new SpoolException(name, true, "closed before the event was stored")));
        checkpoint();
        deadLetters.close();
        lock.lock();
        try {
            segments.values().forEach(Segment::close);
        } finally {
            lock.unlock();
        }
        try {
            fileLock.release();
        } catch (IOException e) {
            LOG.debug("Releasing the lock of {} failed: {}", name, e.getMessage());
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.debug("Closing failed: {}", e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "DiskEventSpool[" + config.directory() + "]";
    }
}
