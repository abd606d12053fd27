package dev.marketingconnector.nats.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code nats-server} with JetStream on, as a child process on a free loopback port with a
 * store directory of its own, for tests of code that uses NATS. It needs the {@code nats-server}
 * binary (Debian package {@code nats-server}; or set {@code NATS_SERVER_BIN}); without it,
 * {@link #start()} fails with a message that says how to install it. Tests must fail, not skip,
 * when it is missing.
 *
 * <pre>{@code
 * try (NatsTestServer nats = NatsTestServer.start()) {
 *     JetStreamEventSpool spool = JetStreamEventSpool.connect(JetStreamSpoolConfig.builder(nats.url()).build());
 *     ...
 * }
 * }</pre>
 */
public final class NatsTestServer implements AutoCloseable {

    /** Where Debian's package and common installs put the binary, after {@code NATS_SERVER_BIN} and the PATH. */
    static final List<String> WELL_KNOWN = List.of("/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server");

    private final Process process;
    private final int port;
    private final Path storeDirectory;
    private final boolean ownStore;
    private final List<String> output;

    private NatsTestServer(Process process, int port, Path storeDirectory, boolean ownStore, List<String> output) {
        this.process = process;
        this.port = port;
        this.storeDirectory = storeDirectory;
        this.ownStore = ownStore;
        this.output = output;
    }

    /**
     * Starts a server with JetStream on a fresh temporary store, deleted on {@link #close()}.
     *
     * @return the running server
     * @throws IllegalStateException when {@code nats-server} is missing or not ready within 20 s
     */
    public static NatsTestServer start() {
        try {
            return start(Files.createTempDirectory("nats-store-"), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a server with JetStream on this store directory, kept on close: start another on it to
     * see what survived.
     *
     * @param storeDirectory the JetStream store directory
     * @return the running server
     * @throws IllegalStateException when {@code nats-server} is missing or not ready within 20 s
     */
    public static NatsTestServer start(Path storeDirectory) {
        return start(storeDirectory, false);
    }

    private static NatsTestServer start(Path storeDirectory, boolean ownStore) {
        String binary = binary().orElseThrow(() -> new IllegalStateException(
                "nats-server is not installed: install the Debian package (apt-get install nats-server; ./scripts/test.sh does it) "
                        + "or set NATS_SERVER_BIN to the binary"));
        int port = freePort();
        List<String> command = List.of(binary, "-a", "127.0.0.1", "-p", Integer.toString(port), "-js", "-sd", storeDirectory.toString());
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (output.size() < 500) {
                        output.add(line);
                    }
                    if (line.contains("Server is ready")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "nats-server-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!ready.await(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("nats-server did not become ready within 20 s: " + String.join("\n", output));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while starting nats-server", e);
        }
        return new NatsTestServer(process, port, storeDirectory, ownStore, output);
    }

    /** {@return the binary: {@code NATS_SERVER_BIN}, else {@code nats-server} on the PATH, else a well-known place; empty when none is found} */
    public static Optional<String> binary() {
        String configured = System.getenv("NATS_SERVER_BIN");
        if (configured != null && !configured.isBlank() && Files.isExecutable(Path.of(configured))) {
            return Optional.of(configured);
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir, "nats-server");
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate.toString());
                }
            }
        }
        return WELL_KNOWN.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@return the URL to connect to: {@code nats://127.0.0.1:<port>}} */
    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    /** {@return the loopback port it listens on} */
    public int port() {
        return port;
    }

    /** {@return the JetStream store directory} */
    public Path storeDirectory() {
        return storeDirectory;
    }

    /** {@return whether the server process is still running} */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** {@return what the server printed so far (at most the first 500 lines)} */
    public List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10 s) and removes its store unless it was given one. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        if (ownStore) {
            try (Stream<Path> files = Files.walk(storeDirectory)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary directory: left for the OS
            }
        }
    }
}
