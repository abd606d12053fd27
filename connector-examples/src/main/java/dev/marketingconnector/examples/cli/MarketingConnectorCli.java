package dev.marketingconnector.examples.cli;

import dev.marketingconnector.core.ConnectorException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * The runnable Marketing Connector. Without a command and without {@code SYSTEM_URL} it runs the
 * demo: a mock Marketing tenant, a mock Kyma and the real event endpoint on loopback.
 */
@Command(name = "marketing-connector", mixinStandardHelpOptions = true, versionProvider = MarketingConnectorCli.Version.class,
        description = "Registers an SAP Marketing Cloud tenant's OData APIs and events in a Kyma Application and forwards its "
                + "events (MQTT over WebSocket) to Kyma eventing.%n"
                + "Settings come from flags, the environment (SYSTEM_URL, BASIC_USER, BASIC_PASSWORD, OAUTH_CLIENT_ID, "
                + "OAUTH_CLIENT_SECRET, APPLICATION_NAME, CLUSTER_DOMAIN, …) or --config, in that order.",
        subcommands = {DemoCommand.class, RegisterCommand.class, BridgeCommand.class, RunCommand.class, DeadLettersCommand.class, dev.marketingconnector.examples.bench.BenchCommand.class, CommandLine.HelpCommand.class})
public final class MarketingConnectorCli implements Callable<Integer> {

    static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED_ITEMS = 1;
    static final int EXIT_BAD_CONFIGURATION = 2;
    /** An exception or error the connector did not expect: a bug, or a broken installation or environment. */
    static final int EXIT_UNEXPECTED = 3;

    private static final int MAX_ERROR_LINE = 400;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    SettingsOptions settings;

    private final Map<String, String> environment;
    private final PrintStream out;

    public MarketingConnectorCli() {
        this(System.getenv(), System.out);
    }

    MarketingConnectorCli(Map<String, String> environment, PrintStream out) {
        this.environment = environment;
        this.out = out;
    }

    Map<String, String> environment() {
        return environment;
    }

    PrintStream out() {
        return out;
    }

    @Override
    public Integer call() {
        Settings resolved = settings.resolve(environment);
        if (resolved.isSet("SYSTEM_URL")) {
            out.println("SYSTEM_URL is set, so this is not a demo: choose a command.");
            spec.commandLine().usage(out);
            return EXIT_BAD_CONFIGURATION;
        }
        return new DemoCommand(this).call();
    }

    public static void main(String[] args) {
        // With fewer than 2 common-pool threads, CompletableFuture starts a new thread per async task
        // (one per event on a 1-2 CPU pod); BENCHMARKS.md has the measurement.
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
            System.setProperty(COMMON_POOL_PARALLELISM, "2");
        }
        Logging.configure(System.getenv(), args);
        int exitCode;
        try {
            exitCode = commandLine(new MarketingConnectorCli()).execute(args);
        } catch (Throwable e) {
            // picocli hands only Exceptions to the handler below; an Error (NoClassDefFoundError, say) ends up here.
            exitCode = unexpected(e, args.length == 0 ? "demo" : args[0], new PrintWriter(System.err, true));
        }
        System.exit(exitCode);
    }

    /**
     * Reports a failure nobody planned for as one line on standard error (what failed, where, and that
     * {@code LOG_LEVEL=debug} shows the trace), logs the trace at debug, and gives {@link #EXIT_UNEXPECTED}.
     */
    static int unexpected(Throwable failure, String command, PrintWriter err) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String where = where(root).or(() -> where(failure)).map(w -> " (" + w + ")").orElse("");
        // An Error (NoClassDefFoundError, OutOfMemoryError) names the problem best; an exception's root cause does.
        Throwable shown = failure instanceof Error ? failure : root;
        String what = shown.getClass().getSimpleName() + (shown.getMessage() == null ? "" : ": " + shown.getMessage());
        String line = "Unexpected error in '" + command + "': " + what;
        line = line.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
        if (line.length() > MAX_ERROR_LINE) {
            line = line.substring(0, MAX_ERROR_LINE) + "…";
        }
        err.println(line + where + ". Run it again with LOG_LEVEL=debug for the full trace (exit code " + EXIT_UNEXPECTED + ").");
        err.flush();
        try {
            LoggerFactory.getLogger(MarketingConnectorCli.class).debug("Unexpected failure in '{}'", command, failure);
        } catch (Throwable loggingFailed) {
            // the one line above is what counts; a broken logger must not hide it
        }
        return EXIT_UNEXPECTED;
    }

    /**
     * Where a failure happened, in the terms a user can act on: the connector's method and the library
     * call it was making, e.g. {@code in io.fabric8.kubernetes.client.Config.autoConfigure, called by
     * ApplicationResourceRegistry.connect}.
     */
    private static java.util.Optional<String> where(Throwable failure) {
        StackTraceElement[] frames = failure.getStackTrace();
        for (int i = 0; i < frames.length; i++) {
            if (frames[i].getClassName().startsWith("dev.marketingconnector.")) {
                String className = frames[i].getClassName();
                String ours = className.substring(className.lastIndexOf('.') + 1).replaceAll("\\$.*", "") + "."
                        + frames[i].getMethodName().replaceAll("^lambda\\$|\\$\\d+$", "");
                for (int j = i - 1; j >= 0; j--) {
                    String library = frames[j].getClassName();
                    if (!library.matches("(java|javax|jdk|sun|com\\.sun)\\..*")) {
                        return java.util.Optional.of("in " + library + "." + frames[j].getMethodName() + ", called by " + ours);
                    }
                }
                return java.util.Optional.of("in " + ours);
            }
        }
        return java.util.Optional.empty();
    }

    static CommandLine commandLine(MarketingConnectorCli cli) {
        CommandLine commandLine = new CommandLine(cli, new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                if (type == DemoCommand.class) {
                    return type.cast(new DemoCommand(cli));
                }
                if (type == RegisterCommand.class) {
                    return type.cast(new RegisterCommand(cli));
                }
                if (type == BridgeCommand.class) {
                    return type.cast(new BridgeCommand(cli));
                }
                if (type == RunCommand.class) {
                    return type.cast(new RunCommand(cli));
                }
                if (type == DeadLettersCommand.class) {
                    return type.cast(new DeadLettersCommand(cli));
                }
                return CommandLine.defaultFactory().create(type);
            }
        });
        commandLine.setOut(new java.io.PrintWriter(cli.out, true));
        commandLine.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof ConnectorException) {
                line.getErr().println("Error: " + String.valueOf(e.getMessage()).replaceAll("\\s*[\\r\\n]+\\s*", " "));
                return EXIT_FAILED_ITEMS;
            }
            String command = parsed.subcommands().isEmpty() ? "demo" : parsed.subcommands().get(parsed.subcommands().size() - 1)
                    .commandSpec().name();
            return unexpected(e, command, line.getErr());
        });
        return commandLine;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = MarketingConnectorCli.class.getPackage().getImplementationVersion();
            return new String[] {"marketing-connector " + (version == null ? "dev" : version)};
        }
    }

    static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
