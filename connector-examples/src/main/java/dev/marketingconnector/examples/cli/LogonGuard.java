package dev.marketingconnector.examples.cli;

import dev.marketingconnector.core.config.ConfigurationException;
import dev.marketingconnector.core.config.ConnectorConfiguration;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registrations of {@code run}, which repeat every resync interval: once the SAP system has
 * rejected the communication user's credentials (HTTP 401), no further logon is tried with the same
 * ones. SAP locks a user after a few failed logons ({@code login/fails_to_user_lock}, 5 by default) and
 * does not forget them over time, so even one failed logon per interval would lock it within hours.
 *
 * <p>Each resync while suspended reads the settings again (flags, environment, {@code --config} file;
 * only the file can change in a running process, e.g. a mounted Kubernetes Secret) and registers again
 * as soon as the system URL, user or password differ from the rejected ones. Nothing of the rejected
 * password is kept but a digest.
 */
final class LogonGuard {

    private static final Logger LOG = LoggerFactory.getLogger(LogonGuard.class);
    static final String SUSPENDED = "; registration suspended until BASIC_USER or BASIC_PASSWORD changes";

    private final MarketingConnectorCli cli;
    private final Supplier<Settings> settings;
    private ConnectorSetup setup;
    private String rejected;

    /**
     * @param settings the settings as they are now, resolved again on each call (so a changed
     *                 {@code --config} file is seen)
     */
    LogonGuard(MarketingConnectorCli cli, ConnectorSetup setup, Supplier<Settings> settings) {
        this.cli = cli;
        this.setup = setup;
        this.settings = settings;
    }

    /** One registration run, unless the credentials that were rejected are still the configured ones; the exit code. */
    synchronized int register() {
        if (rejected != null) {
            Optional<ConnectorSetup> changed = changedCredentials();
            if (changed.isEmpty()) {
                LOG.warn("Registration stays suspended: the SAP system at {} rejected the credentials of user '{}' (HTTP 401); no logon "
                        + "is tried until BASIC_USER or BASIC_PASSWORD changes (--config is read again at every resync; a changed "
                        + "environment needs a restart)", setup.configuration.systemUrl(), setup.configuration.user());
                return MarketingConnectorCli.EXIT_FAILED_ITEMS;
            }
            LOG.info("The SAP credentials changed: registering again");
            setup = changed.get();
            rejected = null;
        }
        RegisterCommand.Attempt attempt = RegisterCommand.attempt(cli, setup, false, SUSPENDED);
        if (attempt.logonRejected().isPresent()) {
            rejected = digest(setup.configuration);
        }
        return attempt.exitCode();
    }

    synchronized boolean suspended() {
        return rejected != null;
    }

    private Optional<ConnectorSetup> changedCredentials() {
        try {
            ConnectorConfiguration now = ConnectorSetup.from(settings.get()).configuration;
            return digest(now).equals(rejected) ? Optional.empty() : Optional.of(setup.withConfiguration(now));
        } catch (ConfigurationException e) {
            LOG.warn("The settings cannot be read again ({}); registration stays suspended", e.getMessage());
            return Optional.empty();
        }
    }

    private static String digest(ConnectorConfiguration configuration) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {configuration.systemUrl().toString(), configuration.user(),
                    configuration.password().reveal()}) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
