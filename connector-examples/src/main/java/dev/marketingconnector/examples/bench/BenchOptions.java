package dev.marketingconnector.examples.bench;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The flags every benchmark takes. */
final class BenchOptions {

    static final String DEFAULT_XMX = "128m";
    static final String DEFAULT_BRIDGE_LOG_LEVEL = "WARN";

    @Option(names = "--smoke", description = "Tiny sizes, a few seconds each (for CI): checks that everything works, measures nothing.")
    boolean smoke;

    @Option(names = "--xmx", paramLabel = "<size>", defaultValue = DEFAULT_XMX,
            description = "Heap of the bridge child process (-Xmx). Default: ${DEFAULT-VALUE}.")
    String xmx;

    @Option(names = "--bridge-jvm-option", paramLabel = "<option>",
            description = "Another JVM option for the bridge child process (repeatable), e.g. --bridge-jvm-option=-XX:+UseSerialGC.")
    List<String> bridgeJvmOptions = new ArrayList<>();

    @Option(names = "--bridge-log-level", paramLabel = "<level>", defaultValue = DEFAULT_BRIDGE_LOG_LEVEL,
            description = "LOG_LEVEL of the bridge child process. Default: ${DEFAULT-VALUE}.")
    String bridgeLogLevel;

    @Option(names = "--profile", description = "Record a JFR profile of the bridge child and print its hottest methods, packages and threads.")
    boolean profile;

    @Option(names = "--fail-on-miss", description = "Exit with 3 when a timing target is missed (by default only a failed check fails the run).")
    boolean failOnMiss;

    List<String> jvmOptions() {
        if (!xmx.matches("\\d+[kKmMgG]?")) {
            throw new IllegalArgumentException("--xmx must be a heap size such as 128m, got '" + xmx + "'");
        }
        List<String> options = new ArrayList<>();
        options.add("-Xmx" + xmx);
        options.addAll(bridgeJvmOptions);
        return options;
    }
}
