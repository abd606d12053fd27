package dev.marketingconnector.examples.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What every benchmark shares: where to print, smoke mode, how to run the bridge child (JVM options,
 * log level, a JFR profile), and the directory for its logs and recordings.
 */
record BenchEnvironment(PrintStream out, boolean smoke, List<String> bridgeJvmOptions, String bridgeLogLevel, boolean profile,
        Path workDir) {

    BenchEnvironment {
        bridgeJvmOptions = List.copyOf(bridgeJvmOptions);
    }

    /** The child's options for one benchmark: the common ones, plus a JFR recording when profiling. */
    BridgeProcess.Options bridgeOptions(String name, List<String> extra) {
        List<String> options = new ArrayList<>(bridgeJvmOptions);
        options.addAll(extra);
        profileFile(name).ifPresent(file -> options.add("-XX:StartFlightRecording=filename=" + file + ",settings=profile,dumponexit=true"));
        return new BridgeProcess.Options(options, bridgeLogLevel, workDir);
    }

    Optional<Path> profileFile(String name) {
        return profile ? Optional.of(workDir.resolve(name + "-bridge.jfr")) : Optional.empty();
    }

    /**
     * Prints the summary of the child's JFR recording, if one was made. The child writes it while it
     * exits, so the file is read once its size has settled, and read again while it lacks stacks.
     */
    void printProfile(String name) {
        profileFile(name).ifPresent(file -> {
            try {
                out.println("Profile of the bridge (" + file + "):");
                JfrSummary summary = null;
                for (int attempt = 0; attempt < 5; attempt++) {
                    awaitStableSize(file);
                    summary = JfrSummary.read(file);
                    if (summary.samples() == 0 || summary.hasStacks()) {
                        break;
                    }
                    Thread.sleep(3000);
                }
                summary.print(out, 15);
            } catch (IOException | RuntimeException e) {
                out.println("  cannot read the JFR recording " + file + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private static void awaitStableSize(Path file) throws IOException, InterruptedException {
        long size = -1;
        for (int i = 0; i < 60; i++) {
            long now = java.nio.file.Files.exists(file) ? java.nio.file.Files.size(file) : -1;
            if (now > 0 && now == size) {
                return;
            }
            size = now;
            Thread.sleep(1000);
        }
    }

    void progress(String format, Object... args) {
        out.printf(format + "%n", args);
        out.flush();
    }
}
