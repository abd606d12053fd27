package dev.marketingconnector.examples.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What every benchmark shares: where to print, smoke mode, how to run the bridge child (JVM options,
 * the pod it imitates, environment passed through, spool modes, log level, a JFR profile), which
 * MQTT client generates the load, and the directory for logs, recordings and spool directories.
 */
record BenchEnvironment(PrintStream out, boolean smoke, List<String> bridgeJvmOptions, Optional<BenchOptions.PodLimit> pod,
        Map<String, String> childEnv, List<String> spoolModes, String natsUrl, MqttLoadClients.Kind loadClient, String bridgeLogLevel,
        boolean profile, Path workDir) {

    private static final SecureRandom RANDOM = new SecureRandom();

    BenchEnvironment {
        bridgeJvmOptions = List.copyOf(bridgeJvmOptions);
        childEnv = Map.copyOf(childEnv);
        spoolModes = List.copyOf(spoolModes);
    }

    /** The child's options for one benchmark with SPOOL=none (or what {@code --child-env} says). */
    BridgeProcess.Options bridgeOptions(String name, List<String> extra) {
        return bridgeOptions(name, extra, "none");
    }

    /**
     * The child's options for one benchmark and spool mode: the common JVM options plus {@code extra}
     * and a JFR recording when profiling; the image's JVM variables with {@code --pod}; the spool's
     * settings; then {@code --child-env}, which wins.
     */
    BridgeProcess.Options bridgeOptions(String name, List<String> extra, String spoolMode) {
        String label = spoolMode.equals("none") ? name : name + "-" + spoolMode;
        List<String> options = new ArrayList<>(bridgeJvmOptions);
        options.addAll(extra);
        profileFile(label).ifPresent(file -> options.add("-XX:StartFlightRecording=filename=" + file + ",settings=profile,dumponexit=true"));
        Map<String, String> environment = new LinkedHashMap<>();
        pod.ifPresent(limit -> environment.putAll(limit.image().environment()));
        environment.putAll(spoolEnvironment(label, spoolMode));
        environment.putAll(childEnv);
        return new BridgeProcess.Options(options, environment, bridgeLogLevel, workDir);
    }

    /** The one spool mode of a benchmark that runs a single bridge. */
    String singleSpoolMode(String benchmark) {
        if (spoolModes.size() > 1) {
            throw new IllegalArgumentException("bench " + benchmark + " runs one bridge: give one --spool mode, got " + spoolModes);
        }
        return spoolModes.isEmpty() ? "none" : spoolModes.get(0);
    }

    /** SPOOL and what the mode needs: a fresh directory for disk, the NATS URL and a fresh stream for jetstream. */
    Map<String, String> spoolEnvironment(String label, String mode) {
        Map<String, String> environment = new LinkedHashMap<>();
        switch (mode) {
            case "none" -> {
                // the bridge's default
            }
            case "disk" -> {
                try {
                    Path dir = Files.createDirectories(workDir.resolve("spool-" + label + "-" + randomHex(4)));
                    environment.put("SPOOL", "disk");
                    environment.put("SPOOL_DIR", dir.toString());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create a spool directory in " + workDir, e);
                }
            }
            case "jetstream" -> {
                environment.put("SPOOL", "jetstream");
                environment.put("NATS_URL", natsUrl);
                environment.put("NATS_STREAM", "BENCH_" + randomHex(6).toUpperCase(java.util.Locale.ROOT));
            }
            default -> throw new IllegalArgumentException("--spool must be one of " + BenchOptions.SPOOL_MODES + ", got '" + mode + "'");
        }
        return environment;
    }

    /** JVM options of the bridge child, and with --pod the image's JVM variables, for the report. */
    String describeBridge() {
        String jvm = String.join(" ", bridgeJvmOptions);
        return pod.map(limit -> "pod " + limit.describe() + ", image flags from " + limit.image().source() + ": "
                + limit.image().describe() + " -XX:MaxRAM=" + limit.bytes() + (bridgeJvmOptions.size() > limit.jvmOptions().size()
                        ? " + " + String.join(" ", bridgeJvmOptions.subList(limit.jvmOptions().size(), bridgeJvmOptions.size())) : ""))
                .orElse("JVM options [" + jvm + "]") + (childEnv.isEmpty() ? "" : ", child env " + childEnv.keySet());
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
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
