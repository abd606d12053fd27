package dev.marketingconnector.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The shipped jar as a child process with exactly the environment given (plus PATH), as an operator runs it. */
final class JarProcess {

    static final Path JAR = Path.of("target", "marketing-connector.jar");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    /** A finished run: exit code, standard output (tables, messages) and standard error (logs). */
    record Result(int exitCode, String out, String err) {

        String all() {
            return out + err;
        }
    }

    /** A running process and the files its output goes to. */
    record Running(Process process, Path outFile, Path errFile) {

        String out() throws IOException {
            return Files.readString(outFile, StandardCharsets.UTF_8);
        }

        String err() throws IOException {
            return Files.readString(errFile, StandardCharsets.UTF_8);
        }

        /** SIGTERM, then waits for the exit. */
        int stop() throws InterruptedException {
            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
            return process.exitValue();
        }
    }

    private final Path directory;

    JarProcess(Path directory) {
        assertThat(JAR).as("the runnable jar (built by mvn package)").exists();
        this.directory = directory;
    }

    Running start(Map<String, String> environment, String... args) throws IOException {
        int n = SEQUENCE.incrementAndGet();
        Path out = directory.resolve("out-" + n + ".txt");
        Path err = directory.resolve("err-" + n + ".txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().putAll(environment);
        return new Running(builder.start(), out, err);
    }

    Result run(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        Running running = start(environment, args);
        if (!running.process().waitFor(120, TimeUnit.SECONDS)) {
            running.process().destroyForcibly();
            throw new AssertionError("the jar did not finish in 120 s: " + running.out() + running.err());
        }
        return new Result(running.process().exitValue(), running.out(), running.err());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
