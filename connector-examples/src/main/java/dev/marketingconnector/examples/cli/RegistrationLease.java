package dev.marketingconnector.examples.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets one replica of {@code run} register at a time: the replicas compete for a Kubernetes
 * {@code Lease} (fabric8's leader election); the holder registers and re-registers, the others
 * only serve events. Registration stays a singleton however many replicas run.
 */
final class RegistrationLease implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RegistrationLease.class);

    /** How long a lease lasts, how soon the holder must renew it, how often the others try. */
    record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        static final Timing DEFAULT = new Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
    }

    static final Path SERVICE_ACCOUNT_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

    private final KubernetesClient client;
    private final boolean ownsClient;
    private final String identity;
    private final LeaderElector elector;
    private final ExecutorService executor;
    private final AtomicBoolean leading = new AtomicBoolean();
    private CompletableFuture<?> election;

    RegistrationLease(KubernetesClient client, boolean ownsClient, String namespace, String leaseName, String identity,
            Timing timing, Runnable onStartLeading, Runnable onStopLeading) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.identity = Objects.requireNonNull(identity, "identity");
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "registration-lease");
            thread.setDaemon(true);
            return thread;
        });
        this.elector = new LeaderElector(client, new LeaderElectionConfigBuilder()
                .withName(leaseName)
                .withLock(new LeaseLock(namespace, leaseName, identity))
                .withLeaseDuration(timing.leaseDuration())
                .withRenewDeadline(timing.renewDeadline())
                .withRetryPeriod(timing.retryPeriod())
                .withReleaseOnCancel()
                .withLeaderCallbacks(new LeaderCallbacks(
                        () -> {
                            leading.set(true);
                            LOG.info("{} holds the registration lease {}/{}", identity, namespace, leaseName);
                            onStartLeading.run();
                        },
                        () -> {
                            leading.set(false);
                            LOG.info("{} no longer holds the registration lease", identity);
                            onStopLeading.run();
                        },
                        leader -> LOG.info("Registration lease {}/{} is held by {}", namespace, leaseName, leader)))
                .build(), executor);
    }

    /**
     * A lease in the namespace the process runs in, when it runs in a cluster (the service account's
     * namespace file or {@code POD_NAMESPACE}); empty outside one. The identity is {@code POD_NAME},
     * else {@code HOSTNAME}.
     */
    static Optional<RegistrationLease> inCluster(Map<String, String> environment, String applicationName,
            Runnable onStartLeading, Runnable onStopLeading) {
        Optional<String> namespace = Optional.ofNullable(environment.get("POD_NAMESPACE")).filter(s -> !s.isBlank())
                .or(RegistrationLease::serviceAccountNamespace);
        if (namespace.isEmpty()) {
            return Optional.empty();
        }
        String identity = Optional.ofNullable(environment.get("POD_NAME"))
                .or(() -> Optional.ofNullable(environment.get("HOSTNAME")))
                .filter(s -> !s.isBlank())
                .orElse("marketing-connector-" + ProcessHandle.current().pid());
        return Optional.of(new RegistrationLease(new KubernetesClientBuilder().build(), true, namespace.get(),
                leaseName(applicationName), identity, Timing.DEFAULT, onStartLeading, onStopLeading));
    }

    static String leaseName(String applicationName) {
        return "marketing-connector-" + applicationName + "-registration";
    }

    private static Optional<String> serviceAccountNamespace() {
        try {
            return Files.isReadable(SERVICE_ACCOUNT_NAMESPACE)
                    ? Optional.of(Files.readString(SERVICE_ACCOUNT_NAMESPACE, StandardCharsets.UTF_8).strip()).filter(s -> !s.isEmpty())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    synchronized RegistrationLease start() {
        if (election == null) {
            election = elector.start();
        }
        return this;
    }

    boolean isLeader() {
        return leading.get();
    }

    String identity() {
        return identity;
    }

    /** Stops competing and gives the lease up, so another replica takes over at once. */
    @Override
    public synchronized void close() {
        if (election != null) {
            election.cancel(true);
        }
        leading.set(false);
        executor.shutdownNow();
        if (ownsClient) {
            client.close();
        }
    }
}
