package dev.marketingconnector.examples.cli;

import dev.marketingconnector.core.ConnectorException;
import dev.marketingconnector.core.discovery.AuthenticationFailedException;
import dev.marketingconnector.core.registry.ApplicationRegistry;
import dev.marketingconnector.odata.ODataServiceDiscovery;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** One registration run against the configured SAP system and Kyma. */
@Command(name = "register", mixinStandardHelpOptions = true,
        description = "Discover the tenant's OData services and bring the Kyma Application in line; prints a table.%n"
                + "Exit codes: 0 all done, 1 some items failed, 2 bad configuration, 3 unexpected error.")
final class RegisterCommand implements Callable<Integer> {

    @Mixin
    SettingsOptions settings;

    @Option(names = "--dry-run", description = "Show what would change; write nothing.")
    boolean dryRun;

    private final MarketingConnectorCli cli;

    RegisterCommand(MarketingConnectorCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        Optional<ConnectorSetup> resolved = ConnectorSetup.resolve(settings, cli);
        if (resolved.isEmpty()) {
            return MarketingConnectorCli.EXIT_BAD_CONFIGURATION;
        }
        ConnectorSetup setup = resolved.get();
        return register(cli, setup, dryRun);
    }

    static int register(MarketingConnectorCli cli, ConnectorSetup setup, boolean dryRun) {
        return attempt(cli, setup, dryRun, "").exitCode();
    }

    /** A run's exit code and, when the SAP system rejected the credentials, that failure. */
    record Attempt(int exitCode, Optional<AuthenticationFailedException> logonRejected) {
    }

    /**
     * One registration run. When the SAP system rejects the credentials, discovery has stopped at the
     * first 401 and nothing was written; the message says how many logons were tried, then {@code afterRejection}.
     */
    static Attempt attempt(MarketingConnectorCli cli, ConnectorSetup setup, boolean dryRun, String afterRejection) {
        cli.out().println("Registry: " + setup.registryDescription());
        ApplicationRegistry registry = null;
        try {
            registry = setup.registry();
            RegistrationRun.Outcome outcome = new RegistrationRun(ODataServiceDiscovery.create(setup.configuration), registry,
                    setup.catalog, setup.configuration.applicationName(), cli.out()).run(dryRun);
            // Inside `run` the status page and metrics show each run; the `register` command alone has none.
            setup.existingOperations().ifPresent(o -> o.registrationFinished(outcome.discovery(), outcome.result()));
            return new Attempt(outcome.exitCode(), Optional.empty());
        } catch (AuthenticationFailedException e) {
            String message = e.getMessage() + ". " + e.logonAttempts() + (e.logonAttempts() == 1 ? " logon" : " logons")
                    + " attempted; nothing registered" + afterRejection + ".";
            cli.out().println("Registration failed: " + message);
            if (!dryRun) {
                setup.existingOperations().ifPresent(o -> o.registrationFailed(message));
            }
            return new Attempt(MarketingConnectorCli.EXIT_FAILED_ITEMS, Optional.of(e));
        } catch (ConnectorException e) {
            cli.out().println("Registration failed: " + e.getMessage());
            if (!dryRun) {
                setup.existingOperations().ifPresent(o -> o.registrationFailed(e.getMessage()));
            }
            return new Attempt(MarketingConnectorCli.EXIT_FAILED_ITEMS, Optional.empty());
        } finally {
            if (registry instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // closing a client that is done anyway
                }
            }
        }
    }
}
