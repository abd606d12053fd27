package dev.marketingconnector.examples.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
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
        System.exit(commandLine(new MarketingConnectorCli()).execute(args));
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
            line.getErr().println("Error: " + e.getMessage());
            return EXIT_FAILED_ITEMS;
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
