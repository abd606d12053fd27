package dev.marketingconnector.examples.cli;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Registration, then the bridge, re-registering on a schedule. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Register, then run the event endpoint, and re-register every --resync interval.")
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    SettingsOptions settings;

    @Option(names = "--resync", defaultValue = "10m", paramLabel = "<duration>",
            description = "How often to re-register, e.g. 30s, 10m, 1h (default ${DEFAULT-VALUE}).")
    String resync;

    private final MarketingConnectorCli cli;

    RunCommand(MarketingConnectorCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws InterruptedException {
        Duration interval;
        try {
            interval = parseDuration(resync);
        } catch (IllegalArgumentException e) {
            cli.out().println("Invalid configuration:\n  - --resync: " + e.getMessage());
            return MarketingConnectorCli.EXIT_BAD_CONFIGURATION;
        }
        Optional<ConnectorSetup> resolved = ConnectorSetup.resolve(settings, cli);
        if (resolved.isEmpty()) {
            return MarketingConnectorCli.EXIT_BAD_CONFIGURATION;
        }
        ConnectorSetup setup = resolved.get();
        setup.operations().registrationRunsHere();
        LogonGuard registration = new LogonGuard(cli, setup, () -> settings.resolve(cli.environment()));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "resync");
            thread.setDaemon(true);
            return thread;
        });
        // On current Kyma inside a cluster the replicas elect one registrar through a Lease; elsewhere this process registers.
        Optional<RegistrationLease> lease = setup.registryUrl.isPresent() ? Optional.empty()
                : RegistrationLease.inCluster(cli.environment(), setup.configuration.applicationName(),
                        () -> scheduler.execute(() -> registerQuietly(registration)), () -> { });
        Runnable resyncTask = () -> {
            if (lease.map(RegistrationLease::isLeader).orElse(true)) {
                registerQuietly(registration);
            }
        };
        if (lease.isEmpty()) {
            registerQuietly(registration);
        }
        BridgeCommand.RunningBridge running = BridgeCommand.RunningBridge.start(cli, setup);
        lease.ifPresent(l -> {
            cli.out().println("Registering while this replica (" + l.identity() + ") holds the registration lease");
            l.start();
        });
        scheduler.scheduleWithFixedDelay(resyncTask, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        cli.out().println("Re-registering every " + this.resync);
        running.awaitShutdown();
        scheduler.shutdownNow();
        lease.ifPresent(RegistrationLease::close);
        return MarketingConnectorCli.EXIT_OK;
    }

    /** One registration; whatever goes wrong is logged in one line (the trace at debug) and the bridge keeps running. */
    private static void registerQuietly(LogonGuard registration) {
        try {
            int code = registration.register();
            LOG.info("Registration finished with exit code {}", code);
        } catch (Throwable e) {
            LOG.warn("Registration failed unexpectedly: {}: {} (the trace is logged at LOG_LEVEL=debug)", e.getClass().getSimpleName(),
                    e.getMessage());
            LOG.debug("Registration failed unexpectedly", e);
        }
    }

    /** {@code 30s}, {@code 10m}, {@code 1h} or an ISO-8601 duration such as {@code PT10M}. */
    static Duration parseDuration(String text) {
        String value = text.strip().toLowerCase(java.util.Locale.ROOT);
        Duration duration;
        try {
            if (value.startsWith("pt") || value.startsWith("p")) {
                duration = Duration.parse(value.toUpperCase(java.util.Locale.ROOT));
            } else if (value.endsWith("ms")) {
                duration = Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            } else if (value.endsWith("s")) {
                duration = Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
            } else if (value.endsWith("m")) {
                duration = Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
            } else if (value.endsWith("h")) {
                duration = Duration.ofHours(Long.parseLong(value.substring(0, value.length() - 1)));
            } else {
                throw new IllegalArgumentException("'" + text + "' needs a unit: s, m or h (e.g. 10m)");
            }
        } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 30s, 10m or 1h");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("'" + text + "' must be positive");
        }
        return duration;
    }
}
