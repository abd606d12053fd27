package candidates;

import com.squareup.tape2.QueueFile;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Throwaway harness: the same group-commit writer (one thread; it drains whatever producers queued,
 * writes it, makes it durable once, then completes every append in the batch) over each candidate store.
 *
 * <pre>
 * throughput CANDIDATE DIR EVENTS CONCURRENCY   appends/s, batches, append latency p50/p99 (enqueue → durable)
 * crash CANDIDATE DIR                           appends forever, printing the highest durable sequence after each batch
 * verify CANDIDATE DIR ACKED                    reopens; checks every sequence 0..ACKED is there; open time
 * </pre>
 */
public final class Candidates {

    static final int EVENT_BYTES = 640;

    interface Store extends AutoCloseable {
        void appendBatch(List<byte[]> events) throws Exception;

        /** Every stored event, in order. */
        void readAll(LongConsumer sequence) throws Exception;

        @Override
        void close() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String candidate = args[1];
        Path dir = Path.of(args[2]);
        Files.createDirectories(dir);
        switch (mode) {
            case "throughput" -> throughput(candidate, dir, Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "crash" -> crash(candidate, dir);
            case "verify" -> verify(candidate, dir, Long.parseLong(args[3]));
            default -> throw new IllegalArgumentException(mode);
        }
    }

    static Store open(String candidate, Path dir) throws Exception {
        return switch (candidate) {
            case "log" -> new OwnLog(dir);
            case "tape-batch" -> new TapeBatch(dir);
            case "tape-event" -> new TapeEvent(dir);
            case "chronicle" -> new Chronicle(dir);
            case "mvstore" -> new MvStore(dir);
            case "rocksdb" -> new Rocks(dir);
            default -> throw new IllegalArgumentException(candidate);
        };
    }

    static byte[] event(long sequence) {
        byte[] bytes = new byte[EVENT_BYTES];
        Arrays.fill(bytes, (byte) '{');
        ByteBuffer.wrap(bytes).putLong(sequence);
        return bytes;
    }

    static long sequenceOf(byte[] event) {
        return ByteBuffer.wrap(event).getLong();
    }

    record Append(byte[] event, long enqueuedNanos, CompletableFuture<Long> done) {
    }

    /** The group-commit writer. */
    static final class Writer implements AutoCloseable {
        final BlockingQueue<Append> queue = new ArrayBlockingQueue<>(65536);
        final Thread thread;
        final Store store;
        long batches;
        volatile boolean stop;

        Writer(Store store) {
            this.store = store;
            this.thread = new Thread(this::run, "writer");
            thread.start();
        }

        CompletableFuture<Long> append(byte[] event) throws InterruptedException {
            Append a = new Append(event, System.nanoTime(), new CompletableFuture<>());
            queue.put(a);
            return a.done;
        }

        void run() {
            List<Append> batch = new ArrayList<>();
            List<byte[]> events = new ArrayList<>();
            try {
                while (!stop) {
                    Append first = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, 4095);
                    for (Append a : batch) {
                        events.add(a.event);
                    }
                    store.appendBatch(events);
                    batches++;
                    long now = System.nanoTime();
                    for (Append a : batch) {
                        a.done.complete(now - a.enqueuedNanos);
                    }
                    batch.clear();
                    events.clear();
                }
            } catch (Exception e) {
                e.printStackTrace();
                batch.forEach(a -> a.done.completeExceptionally(e));
            }
        }

        @Override
        public void close() throws Exception {
            stop = true;
            thread.join();
        }
    }

    static void throughput(String candidate, Path dir, int events, int concurrency) throws Exception {
        long[] latencies = new long[events];
        Semaphore window = new Semaphore(concurrency);
        long start;
        long elapsed;
        long batches;
        try (Store store = open(candidate, dir); Writer writer = new Writer(store)) {
            start = System.nanoTime();
            for (int i = 0; i < events; i++) {
                window.acquire();
                int index = i;
                writer.append(event(i)).whenComplete((nanos, failure) -> {
                    latencies[index] = failure == null ? nanos : Long.MAX_VALUE;
                    window.release();
                });
            }
            window.acquire(concurrency);
            elapsed = System.nanoTime() - start;
            batches = writer.batches;
        }
        Arrays.sort(latencies);
        long size;
        try (Stream<Path> files = Files.walk(dir)) {
            size = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        System.out.printf("%-11s events=%d concurrency=%d  %,.0f appends/s  batches=%d (%.1f events each)  p50=%.2f ms p99=%.2f ms  on disk %,d bytes%n",
                candidate, events, concurrency, events / (elapsed / 1e9), batches, events / (double) batches,
                latencies[events / 2] / 1e6, latencies[(int) (events * 0.99)] / 1e6, size);
    }

    static void crash(String candidate, Path dir) throws Exception {
        PrintStream out = System.out;
        try (Store store = open(candidate, dir)) {
            long sequence = 0;
            List<byte[]> batch = new ArrayList<>();
            while (true) {
                int size = 1 + (int) (sequence % 97);
                for (int i = 0; i < size; i++) {
                    batch.add(event(sequence++));
                }
                store.appendBatch(batch);
                batch.clear();
                out.println(sequence - 1);
                out.flush();
            }
        }
    }

    static void verify(String candidate, Path dir, long acked) throws Exception {
        BitSet seen = new BitSet();
        long[] count = {0};
        long start = System.nanoTime();
        try (Store store = open(candidate, dir)) {
            store.readAll(s -> {
                seen.set((int) s);
                count[0]++;
            });
        } catch (Exception e) {
            System.out.printf("%-11s REOPEN FAILED: %s%n", candidate, e);
            return;
        }
        int missing = 0;
        for (int s = 0; s <= acked; s++) {
            if (!seen.get(s)) {
                missing++;
            }
        }
        System.out.printf("%-11s reopened in %.0f ms: %d events read, acknowledged 0..%d, missing %d%n",
                candidate, (System.nanoTime() - start) / 1e6, count[0], acked, missing);
    }

    // ------------------------------------------------------------------ candidates

    /** Length + CRC32C framed records in one append-only file, force(false) per batch. */
    static final class OwnLog implements Store {
        final Path file;
        final FileChannel channel;

        OwnLog(Path dir) throws IOException {
            file = dir.resolve("spool.log");
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long valid = scan(null);
            channel.truncate(valid);
            channel.position(valid);
        }

        @Override
        public void appendBatch(List<byte[]> events) throws IOException {
            int total = 0;
            for (byte[] e : events) {
                total += 8 + e.length;
            }
            ByteBuffer buffer = ByteBuffer.allocate(total);
            CRC32C crc = new CRC32C();
            for (byte[] e : events) {
                crc.reset();
                crc.update(e);
                buffer.putInt(e.length).putInt((int) crc.getValue()).put(e);
            }
            buffer.flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
        }

        long scan(LongConsumer sink) throws IOException {
            long position = 0;
            long size = channel.size();
            ByteBuffer header = ByteBuffer.allocate(8);
            CRC32C crc = new CRC32C();
            while (position + 8 <= size) {
                header.clear();
                channel.read(header, position);
                header.flip();
                int length = header.getInt();
                int checksum = header.getInt();
                if (length <= 0 || position + 8 + length > size) {
                    break;
                }
                ByteBuffer body = ByteBuffer.allocate(length);
                channel.read(body, position + 8);
                crc.reset();
                crc.update(body.array());
                if ((int) crc.getValue() != checksum) {
                    break;
                }
                if (sink != null) {
                    sink.accept(sequenceOf(body.array()));
                }
                position += 8 + length;
            }
            return position;
        }

        @Override
        public void readAll(LongConsumer sequence) throws IOException {
            scan(sequence);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** Tape's QueueFile with one element per batch (QueueFile syncs every write: "rwd"). */
    static final class TapeBatch implements Store {
        final QueueFile queue;

        TapeBatch(Path dir) throws IOException {
            queue = new QueueFile.Builder(dir.resolve("queue").toFile()).build();
        }

        @Override
        public void appendBatch(List<byte[]> events) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate(events.size() * (4 + EVENT_BYTES));
            for (byte[] e : events) {
                buffer.putInt(e.length).put(e);
            }
            queue.add(buffer.array(), 0, buffer.position());
        }

        @Override
        public void readAll(LongConsumer sequence) {
            for (byte[] element : queue) {
                ByteBuffer b = ByteBuffer.wrap(element);
                while (b.hasRemaining()) {
                    int length = b.getInt();
                    byte[] e = new byte[length];
                    b.get(e);
                    sequence.accept(sequenceOf(e));
                }
            }
        }

        @Override
        public void close() throws IOException {
            queue.close();
        }
    }

    /** Tape's QueueFile with one element per event: every add is synchronous on its own. */
    static final class TapeEvent implements Store {
        final QueueFile queue;

        TapeEvent(Path dir) throws IOException {
            queue = new QueueFile.Builder(dir.resolve("queue").toFile()).build();
        }

        @Override
        public void appendBatch(List<byte[]> events) throws IOException {
            for (byte[] e : events) {
                queue.add(e);
            }
        }

        @Override
        public void readAll(LongConsumer sequence) {
            for (byte[] element : queue) {
                sequence.accept(sequenceOf(element));
            }
        }

        @Override
        public void close() throws IOException {
            queue.close();
        }
    }

    /** Chronicle Queue, one excerpt per event, appender.sync() (msync) per batch. */
    static final class Chronicle implements Store {
        final ChronicleQueue queue;
        ExcerptAppender appender;

        Chronicle(Path dir) {
            queue = SingleChronicleQueueBuilder.single(dir.toFile()).build();
        }

        @Override
        public void appendBatch(List<byte[]> events) {
            if (appender == null) {
                appender = queue.createAppender();
            }
            for (byte[] e : events) {
                appender.writeBytes(Bytes.wrapForRead(e));
            }
            appender.sync();
        }

        @Override
        public void readAll(LongConsumer sequence) {
            try (ExcerptTailer tailer = queue.createTailer()) {
                Bytes<?> bytes = Bytes.allocateElasticOnHeap();
                while (true) {
                    bytes.clear();
                    if (!tailer.readBytes(bytes)) {
                        break;
                    }
                    sequence.accept(Long.reverseBytes(bytes.readLong()));  // Chronicle's Bytes are little-endian
                }
            }
        }

        @Override
        public void close() {
            if (appender != null) {
                appender.close();
            }
            queue.close();
        }
    }

    /** H2's MVStore: a map sequence → event, commit() + sync() per batch. */
    static final class MvStore implements Store {
        final MVStore store;
        final MVMap<Long, byte[]> map;
        long next;

        MvStore(Path dir) {
            store = new MVStore.Builder().fileName(dir.resolve("spool.mv").toString()).autoCommitDisabled().open();
            map = store.openMap("events");
            Long last = map.lastKey();
            next = last == null ? 0 : last + 1;
        }

        @Override
        public void appendBatch(List<byte[]> events) {
            for (byte[] e : events) {
                map.put(next++, e);
            }
            store.commit();
            store.sync();
        }

        @Override
        public void readAll(LongConsumer sequence) {
            for (byte[] e : map.values()) {
                sequence.accept(sequenceOf(e));
            }
        }

        @Override
        public void close() {
            store.close();
        }
    }

    /** RocksDB: a WriteBatch per batch with sync=true (WAL fsync). */
    static final class Rocks implements Store {
        static {
            RocksDB.loadLibrary();
        }

        final Options options = new Options().setCreateIfMissing(true);
        final RocksDB db;
        final WriteOptions sync = new WriteOptions().setSync(true);
        long next;

        Rocks(Path dir) throws Exception {
            db = RocksDB.open(options, dir.toString());
            try (RocksIterator it = db.newIterator()) {
                it.seekToLast();
                next = it.isValid() ? ByteBuffer.wrap(it.key()).getLong() + 1 : 0;
            }
        }

        @Override
        public void appendBatch(List<byte[]> events) throws Exception {
            try (WriteBatch batch = new WriteBatch()) {
                for (byte[] e : events) {
                    batch.put(ByteBuffer.allocate(8).putLong(next++).array(), e);
                }
                db.write(sync, batch);
            }
        }

        @Override
        public void readAll(LongConsumer sequence) {
            try (RocksIterator it = db.newIterator()) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    sequence.accept(sequenceOf(it.value()));
                }
            }
        }

        @Override
        public void close() {
            db.close();
            sync.close();
            options.close();
        }
    }

    static Path newestFile(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).max(Comparator.comparingLong(p -> p.toFile().lastModified())).orElseThrow();
        }
    }

    static File unused() {
        return null;
    }
}
