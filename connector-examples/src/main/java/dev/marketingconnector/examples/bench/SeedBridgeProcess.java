package dev.marketingconnector.examples.bench;

import dev.marketingconnector.core.config.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The seed's Node.js MQTT-over-WebSocket bridge, the one this connector replaces, run as shipped to
 * be measured side by side: its directory ({@code --seed-bridge} or {@value #ENV_DIRECTORY}) is copied
 * into the work directory, {@code npm ci} installs its locked dependencies there, and
 * {@code node src/app.js} runs with {@code PORT}, {@code APPLICATION_NAME} and {@code EVENT_URL} set to
 * the sink's Kyma events v1 route. With {@code OAUTH_URL} unset it checks no token; it POSTs each
 * PUBLISH as a Kyma v1 event and PUBACKs once the answer carries an {@code event-id}. Its console
 * output (two lines per event, as shipped) goes to {@code /dev/null} (the writes still happen); its
 * error output to a log file.
 */
final class SeedBridgeProcess implements BridgeUnderTest {

    /** Where the seed bridge's directory is found when {@code --seed-bridge} is not given. */
    static final String ENV_DIRECTORY = "SEED_BRIDGE_DIR";
    static final String LABEL = "seed (Node.js)";
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Secret ANY_TOKEN = Secret.of("seed-bridge-checks-no-token");

    private final Process process;
    private final URI baseUri;
    private final Path log;

    private SeedBridgeProcess(Process process, URI baseUri, Path log) {
        this.process = process;
        this.baseUri = baseUri;
        this.log = log;
    }

    /**
     * The seed bridge's directory: the option if given, else {@value #ENV_DIRECTORY}.
     *
     * @throws IllegalArgumentException naming the option when neither is set, or when the directory
     *                                  does not hold the seed bridge ({@code package.json}, {@code src/app.js})
     */
    static Path locate(Path option, Map<String, String> environment) {
        Path directory = option;
        String source = "--seed-bridge";
        if (directory == null) {
            String fromEnv = environment.get(ENV_DIRECTORY);
            if (fromEnv == null || fromEnv.isBlank()) {
                throw new IllegalArgumentException("--anchor seed needs the seed bridge's directory: give --seed-bridge <dir> or set "
                        + ENV_DIRECTORY + " (e.g. ../shared/anchors/seed-bridge)");
            }
            directory = Path.of(fromEnv.strip());
            source = ENV_DIRECTORY;
        }
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException(source + ": no such directory: " + directory.toAbsolutePath());
        }
        for (String required : List.of("package.json", "package-lock.json", "src/app.js")) {
            if (!Files.isRegularFile(directory.resolve(required))) {
                throw new IllegalArgumentException(source + ": " + directory.toAbsolutePath() + " holds no " + required
                        + " (expected the seed's mqtt-event-bridge)");
            }
        }
        return directory;
    }

    /** {@code node} from {@code PATH}; fails with a clear message when there is none. */
    static Path node(Map<String, String> environment) {
        return executable("node", environment).orElseThrow(() -> new IllegalArgumentException(
                "--anchor seed needs Node.js: no 'node' on PATH"));
    }

    /**
     * Copies the seed bridge into {@code workDir/seed-bridge} and installs its dependencies with
     * {@code npm ci} (once per work directory).
     */
    static Path install(Path seedDirectory, Path workDir, java.io.PrintStream out) throws InterruptedException {
        Map<String, String> environment = System.getenv();
        Path npm = executable("npm", environment).orElseThrow(() -> new IllegalArgumentException(
                "--anchor seed needs npm to install the seed bridge's dependencies: no 'npm' on PATH"));
        Path target = workDir.resolve("seed-bridge");
        try {
            if (Files.isDirectory(target.resolve("node_modules"))) {
                return target;
            }
            copy(seedDirectory, target);
            Path npmLog = workDir.resolve("seed-npm.log");
            out.printf("seed bridge: npm ci in %s (log %s)%n", target, npmLog);
            Process install = new ProcessBuilder(npm.toString(), "ci", "--no-audit", "--no-fund", "--loglevel=error")
                    .directory(target.toFile()).redirectErrorStream(true).redirectOutput(npmLog.toFile()).start();
            if (!install.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                install.destroyForcibly();
                throw new IllegalStateException("npm ci for the seed bridge took longer than " + INSTALL_TIMEOUT.toMinutes() + " min");
            }
            if (install.exitValue() != 0) {
                throw new IllegalStateException("npm ci for the seed bridge failed with " + install.exitValue() + ":\n" + tail(npmLog, 20));
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the seed bridge into " + target, e);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path relative = from.relativize(file);
                if (relative.toString().startsWith("node_modules")) {
                    continue;
                }
                Path destination = to.resolve(relative.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(file, destination, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Starts {@code node src/app.js} in the installed copy; returns once its port accepts connections. */
    static SeedBridgeProcess start(Path installed, URI kymaV1EventsUrl, Path workDir) throws InterruptedException {
        Path node = node(System.getenv());
        int port = freePort();
        Path log = workDir.resolve("seed-bridge.err.log");
        ProcessBuilder builder = new ProcessBuilder(node.toString(), "src/app.js")
                .directory(installed.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(log.toFile());
        Map<String, String> env = builder.environment();
        env.remove("OAUTH_URL");
        env.remove("NODE_OPTIONS");
        env.put("PORT", Integer.toString(port));
        env.put("APPLICATION_NAME", EventPayloads.APPLICATION_NAME);
        env.put("EVENT_URL", kymaV1EventsUrl.toString());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the seed bridge: " + node + " src/app.js", e);
        }
        SeedBridgeProcess seed = new SeedBridgeProcess(process, URI.create("http://127.0.0.1:" + port), log);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the seed bridge exited with " + process.exitValue() + " while starting:\n" + seed.logTail(20));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return seed;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    seed.close();
                    throw new IllegalStateException("the seed bridge did not listen on " + port + " within " + START_TIMEOUT.toSeconds()
                            + " s:\n" + seed.logTail(20));
                }
                Thread.sleep(100);
            }
        }
    }

    @Override
    public String label() {
        return LABEL;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public URI baseUri() {
        return baseUri;
    }

    @Override
    public Secret token() {
        return ANY_TOKEN;
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public Path log() {
        return log;
    }

    @Override
    public String logTail(int lines) {
        return tail(log, lines);
    }

    /** The seed bridge has no metrics. */
    @Override
    public OptionalDouble counter(String name) {
        return OptionalDouble.empty();
    }

    @Override
    public int stop() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static Optional<Path> executable(String name, Map<String, String> environment) {
        String path = environment.getOrDefault("PATH", "");
        List<Path> candidates = new ArrayList<>();
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isBlank()) {
                candidates.add(Path.of(dir, name));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on loopback", e);
        }
    }
}
