package dev.marketingconnector.examples.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The flags every benchmark takes. */
final class BenchOptions {

    static final String DEFAULT_XMX = "128m";
    static final String DEFAULT_BRIDGE_LOG_LEVEL = "WARN";
    static final List<String> SPOOL_MODES = List.of("none", "disk", "jetstream");

    @Option(names = "--smoke", description = "Tiny sizes, a few seconds each (for CI): checks that everything works, measures nothing.")
    boolean smoke;

    @Option(names = "--xmx", paramLabel = "<size>",
            description = "Heap of the bridge child process (-Xmx). Default: " + DEFAULT_XMX + " (not with --pod, which runs the image's flags).")
    String xmx;

    @Option(names = "--pod", paramLabel = "<memory limit>",
            description = "Run the bridge child as the image runs it under this pod memory limit (e.g. 512m, 512Mi, 1g): the JVM flags "
                    + "of the Dockerfile's ENTRYPOINT and its JAVA_TOOL_OPTIONS / JDK_JAVA_OPTIONS, plus -XX:MaxRAM=<limit>; "
                    + "peak RSS is checked against 80 %% of the limit.")
    String pod;

    @Option(names = "--dockerfile", paramLabel = "<path>",
            description = "The Dockerfile --pod reads the JVM flags from. Default: the connector's Dockerfile in the working directory "
                    + "or above, or above the jar.")
    Path dockerfile;

    @Option(names = "--bridge-jvm-option", paramLabel = "<option>",
            description = "Another JVM option for the bridge child process (repeatable), e.g. --bridge-jvm-option=-XX:+UseSerialGC.")
    List<String> bridgeJvmOptions = new ArrayList<>();

    @Option(names = "--child-env", paramLabel = "<NAME=value>",
            description = "An environment variable for the bridge child (repeatable; wins over what the benchmark sets), "
                    + "e.g. --child-env EVENTS_FORMAT=kyma-v1.")
    List<String> childEnv = new ArrayList<>();

    @Option(names = "--spool", paramLabel = "<mode>", split = ",",
            description = "SPOOL of the bridge child: none, disk (a fresh SPOOL_DIR under the work directory) or jetstream (NATS_URL from "
                    + "--nats-url, a fresh NATS_STREAM). ingest measures each mode given next to none in the same rounds; the other "
                    + "benchmarks take one. Default: none.")
    List<String> spool = new ArrayList<>();

    @Option(names = "--nats-url", paramLabel = "<url>", description = "NATS server (with JetStream) for --spool jetstream, e.g. nats://127.0.0.1:4222.")
    String natsUrl;

    @Option(names = "--load-client", paramLabel = "<netty|hivemq>", defaultValue = "netty",
            description = "MQTT client of the load generator: netty (a lean client on Netty's codecs, one thread) or hivemq (the HiveMQ "
                    + "MQTT client). Default: ${DEFAULT-VALUE}.")
    String loadClient;

    @Option(names = "--bridge-log-level", paramLabel = "<level>", defaultValue = DEFAULT_BRIDGE_LOG_LEVEL,
            description = "LOG_LEVEL of the bridge child process. Default: ${DEFAULT-VALUE}.")
    String bridgeLogLevel;

    @Option(names = "--profile", description = "Record a JFR profile of the bridge child and print its hottest methods, packages and threads.")
    boolean profile;

    @Option(names = "--fail-on-miss", description = "Exit with 3 when a timing target is missed (by default only a failed check fails the run).")
    boolean failOnMiss;

    /**
     * The JVM options of the bridge child: {@code -Xmx} and the extra options, or with {@code --pod}
     * the image's flags, {@code -XX:MaxRAM} and the extra options.
     */
    List<String> jvmOptions(Optional<PodLimit> podLimit) {
        List<String> options = new ArrayList<>();
        if (podLimit.isPresent()) {
            if (xmx != null) {
                throw new IllegalArgumentException("--xmx and --pod do not go together: --pod runs the image's JVM flags (add others with "
                        + "--bridge-jvm-option)");
            }
            options.addAll(podLimit.get().jvmOptions());
        } else {
            String heap = xmx == null ? DEFAULT_XMX : xmx;
            if (!heap.matches("\\d+[kKmMgG]?")) {
                throw new IllegalArgumentException("--xmx must be a heap size such as 128m, got '" + heap + "'");
            }
            options.add("-Xmx" + heap);
        }
        options.addAll(bridgeJvmOptions);
        return options;
    }

    /** {@code --pod}, resolved: the limit and the image's flags. */
    Optional<PodLimit> podLimit() {
        if (pod == null) {
            return Optional.empty();
        }
        long bytes = PodLimit.parseBytes(pod);
        return Optional.of(new PodLimit(bytes, pod, ImageJvmFlags.read(ImageJvmFlags.locate(dockerfile))));
    }

    /** {@code --child-env} as a map, each one checked. */
    Map<String, String> childEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : childEnv) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || !entry.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("--child-env must be NAME=value, got '" + entry + "'");
            }
            env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        return env;
    }

    /** {@code --spool} checked: known modes, and a NATS URL for jetstream. */
    List<String> spoolModes() {
        List<String> modes = new ArrayList<>();
        for (String mode : spool) {
            String normalised = mode.strip().toLowerCase(Locale.ROOT);
            if (!SPOOL_MODES.contains(normalised)) {
                throw new IllegalArgumentException("--spool must be one of " + SPOOL_MODES + ", got '" + mode + "'");
            }
            if (!modes.contains(normalised)) {
                modes.add(normalised);
            }
        }
        if (modes.contains("jetstream") && (natsUrl == null || natsUrl.isBlank())) {
            throw new IllegalArgumentException("--spool jetstream needs --nats-url <url> of a NATS server with JetStream enabled");
        }
        return modes;
    }

    MqttLoadClients.Kind loadClientKind() {
        try {
            return MqttLoadClients.Kind.parse(loadClient);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--load-client must be netty or hivemq, got '" + loadClient + "'");
        }
    }

    /**
     * A pod's memory limit and the image's JVM flags.
     *
     * @param bytes the limit
     * @param text  as given
     * @param image the flags read from the Dockerfile
     */
    record PodLimit(long bytes, String text, ImageJvmFlags image) {

        static final double RSS_SHARE = 0.80;

        /** The image's command-line flags, then {@code -XX:MaxRAM} so the JVM sizes itself as under the cgroup limit. */
        List<String> jvmOptions() {
            List<String> options = new ArrayList<>(image.commandLine());
            options.add("-XX:MaxRAM=" + bytes);
            return options;
        }

        long boundKib() {
            return (long) (bytes * RSS_SHARE / 1024);
        }

        String describe() {
            return String.format("%.0f MiB (bound %.0f MiB = 80 %%)", bytes / 1048576.0, boundKib() / 1024.0);
        }

        /** {@code 512m}, {@code 512Mi}, {@code 1g}, {@code 1Gi}, {@code 600000k} or plain bytes. */
        static long parseBytes(String text) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s*([kKmMgG]i?)?[bB]?").matcher(text.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("--pod must be a memory limit such as 512m or 512Mi, got '" + text + "'");
            }
            long amount = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "" : m.group(2).substring(0, 1).toLowerCase(Locale.ROOT);
            long bytes = switch (unit) {
                case "k" -> amount << 10;
                case "m" -> amount << 20;
                case "g" -> amount << 30;
                default -> amount;
            };
            if (bytes < (64L << 20)) {
                throw new IllegalArgumentException("--pod must be at least 64 MiB, got '" + text + "'");
            }
            return bytes;
        }
    }
}
