package dev.marketingconnector.disk;

import dev.marketingconnector.core.spool.DeadLetterEntry;
import dev.marketingconnector.core.spool.DeadLetterStats;
import dev.marketingconnector.core.spool.DeadLetterStore;
import dev.marketingconnector.core.spool.SpoolCodec;
import dev.marketingconnector.core.spool.SpoolException;
import dev.marketingconnector.core.spool.SpoolFullException;
import dev.marketingconnector.core.spool.StoredDeadLetter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk spool's dead-letter area: one file per dead letter in {@code <spool dir>/dead-letters},
 * written whole (temporary file, fsync, atomic rename, fsync of the directory), so a crash leaves
 * either the complete dead letter or none. Because each is a file of its own, a second process
 * (the {@code dead-letters} command of the runnable) can list, deliver and remove them while the
 * bridge runs. Ids sort by time: {@code <epoch millis>-<counter>}.
 */
public final class DiskDeadLetterStore implements DeadLetterStore, AutoCloseable {

    /** The area's directory under a spool directory. */
    public static final String DIRECTORY = "dead-letters";

    private static final Logger LOG = LoggerFactory.getLogger(DiskDeadLetterStore.class);
    private static final String SUFFIX = ".json";
    private static final Pattern ID = Pattern.compile("[0-9]{13}-[0-9]{6}");

    private final Path directory;
    private final long maxBytes;
    private final Clock clock;
    private final String name;
    private final ExecutorService writer;
    private long counter;
    private long lastMillis;

    private DiskDeadLetterStore(Path directory, long maxBytes, Clock clock) {
        this.directory = directory;
        this.maxBytes = maxBytes;
        this.clock = clock;
        this.name = "dead-letter area " + directory;
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "spool-dead-letters");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens (creating if needed) the dead-letter area of the spool in {@code spoolDirectory}; safe
     * while a bridge uses the same spool. Files a crash left half-written are deleted.
     *
     * @param spoolDirectory the spool's directory (the area is its {@value #DIRECTORY} subdirectory)
     * @param maxBytes       the bound on the dead-letter files' total size; an {@link #add} beyond it fails
     *                       with a {@link SpoolFullException}
     * @return the open area; {@link #close()} it when done
     * @throws SpoolException when the directory cannot be created or read
     */
    public static DiskDeadLetterStore open(Path spoolDirectory, long maxBytes) {
        return open(spoolDirectory, maxBytes, Clock.systemUTC());
    }

    static DiskDeadLetterStore open(Path spoolDirectory, long maxBytes, Clock clock) {
        Objects.requireNonNull(spoolDirectory, "spoolDirectory");
        Path directory = spoolDirectory.resolve(DIRECTORY);
        try {
            Files.createDirectories(directory);
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(directory, ".tmp-*")) {
                for (Path leftover : leftovers) {
                    Files.deleteIfExists(leftover); // a write a crash interrupted: never acknowledged
                }
            }
        } catch (IOException e) {
            throw new SpoolException("dead-letter area " + directory, false, "cannot create or read the directory: " + e.getMessage(), e);
        }
        return new DiskDeadLetterStore(directory, maxBytes, clock);
    }

    @Override
    public CompletionStage<String> add(DeadLetterEntry entry) {
        Objects.requireNonNull(entry, "entry");
        byte[] bytes = SpoolCodec.encodeDeadLetter(entry);
        try {
            return CompletableFuture.supplyAsync(() -> write(bytes), writer);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new SpoolException(name, false, "closed"));
        }
    }

    private String write(byte[] bytes) {
        long held = bytesHeld();
        if (held + bytes.length > maxBytes) {
            throw new SpoolFullException(name, "holds " + held + " of " + maxBytes + " bytes; no room for a dead letter of "
                    + bytes.length + " bytes (deliver or delete some: `dead-letters replay` / `dead-letters delete`)");
        }
        String id = nextId();
        Path temporary = directory.resolve(".tmp-" + id);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, file(id), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file(id));
            }
            Directories.sync(directory);
            return id;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // reported below
            }
            if (Directories.isNoSpace(e)) {
                throw new SpoolFullException(name, "the disk is full", e);
            }
            throw new SpoolException(name, true, "cannot write a dead letter: " + e.getMessage(), e);
        }
    }

    private String nextId() {
        long millis = clock.millis();
        if (millis != lastMillis) {
            lastMillis = millis;
            counter = 0;
        }
        String id;
        do {
            id = String.format("%013d-%06d", millis, counter++);
        } while (Files.exists(file(id)));
        return id;
    }

    private Path file(String id) {
        return directory.resolve(id + SUFFIX);
    }

    private List<Path> files() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path p : stream) {
                if (ID.matcher(idOf(p)).matches()) {
                    files.add(p);
                }
            }
        } catch (IOException e) {
            throw new SpoolException(name, true, "cannot list the directory: " + e.getMessage(), e);
        }
        return files;
    }

    private static String idOf(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(SUFFIX) ? name.substring(0, name.length() - SUFFIX.length()) : name;
    }

    private long bytesHeld() {
        long total = 0;
        for (Path p : files()) {
            try {
                total += Files.size(p);
            } catch (IOException e) {
                // removed meanwhile (by the dead-letters command)
            }
        }
        return total;
    }

    @Override
    public List<StoredDeadLetter> list(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        List<StoredDeadLetter> result = new ArrayList<>();
        List<Path> files = files();
        files.sort(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed());
        for (Path p : files) {
            if (result.size() >= limit) {
                break;
            }
            read(p).ifPresent(result::add);
        }
        return result;
    }

    private Optional<StoredDeadLetter> read(Path file) {
        try {
            return Optional.of(new StoredDeadLetter(idOf(file), SpoolCodec.decodeDeadLetter(Files.readAllBytes(file))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("Skipping the unreadable dead letter {}: {}", file, e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public Optional<StoredDeadLetter> get(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return read(file(id));
    }

    @Override
    public boolean remove(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return false;
        }
        try {
            boolean removed = Files.deleteIfExists(file(id));
            if (removed) {
                Directories.sync(directory);
            }
            return removed;
        } catch (IOException e) {
            throw new SpoolException(name, true, "cannot remove dead letter " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public DeadLetterStats stats() {
        List<Path> files = files();
        long bytes = 0;
        for (Path p : files) {
            try {
                bytes += Files.size(p);
            } catch (IOException e) {
                // removed meanwhile
            }
        }
        return new DeadLetterStats(files.size(), bytes, maxBytes, 0);
    }

    /** {@return the directory the dead-letter files are in ({@code <spool dir>/dead-letters})} */
    public Path directory() {
        return directory;
    }

    /** Waits for the dead letters being written, then stops. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
