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

    /** Prints the summary of the child's JFR recording, if one was made. */
    void printProfile(String name) {
        profileFile(name).ifPresent(file -> {
            try {
                out.println("Profile of the bridge (" + file + "):");
                JfrSummary.read(file).print(out, 15);
            } catch (IOException | RuntimeException e) {
                out.println("  cannot read the JFR recording " + file + ": " + e.getMessage());
            }
        });
    }

    void progress(String format, Object... args) {
        out.printf(format + "%n", args);
        out.flush();
    }
}
