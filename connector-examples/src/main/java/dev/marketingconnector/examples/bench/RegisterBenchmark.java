package dev.marketingconnector.examples.bench;

import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.discovery.DiscoveryReport;
import dev.marketingconnector.core.discovery.ServiceStatus;
import dev.marketingconnector.core.registration.ApplicationRegistration;
import dev.marketingconnector.core.registration.EventCatalogRegistration;
import dev.marketingconnector.core.registry.ReconcileResult;
import dev.marketingconnector.core.registry.RegistrationReconciler;
import dev.marketingconnector.kyma.registry.RestApplicationRegistry;
import dev.marketingconnector.kyma.testing.MockKyma;
import dev.marketingconnector.odata.DiscoveryConfig;
import dev.marketingconnector.odata.ODataServiceDiscovery;
import dev.marketingconnector.odata.testing.MockMarketingSystem;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Target 6: discovery plus registration of the Marketing catalog against a mock tenant and a mock
 * Kyma 1.x Application Registry, both answering every request after an added latency: the default
 * parallelism against parallelism 1, alternately, each run into an empty Application.
 */
final class RegisterBenchmark {

    static final Duration DEFAULT_LATENCY = Duration.ofMillis(50);
    static final int DEFAULT_ROUNDS = 3;
    static final double TARGET_SPEED_UP = 6.0;

    /** {@code parallelism}: discovery's on the fast side; {@code writeParallelism}: the reconciler's there. */
    record Settings(Duration latency, int rounds, int parallelism, int writeParallelism) {

        Settings {
            IngestBenchmark.positive("rounds", rounds);
            IngestBenchmark.positive("parallelism", parallelism);
            IngestBenchmark.positive("writeParallelism", writeParallelism);
        }
    }

    /** One discovery + registration run. */
    record Run(int parallelism, int writeParallelism, long discoveryNanos, long registrationNanos, int active, int registered,
            boolean succeeded) {

        long totalNanos() {
            return discoveryNanos + registrationNanos;
        }

        String describe() {
            return String.format("parallelism %d (writes %d at once): discovery %.2f s + registration %.2f s = %.2f s, %d active, %d registered%s",
                    parallelism, writeParallelism, discoveryNanos / 1e9, registrationNanos / 1e9, totalNanos() / 1e9, active, registered,
                    succeeded ? "" : " (FAILED)");
        }
    }

    record Result(Settings settings, List<Run> parallel, List<Run> serial, int catalogSize) {

        double parallelSeconds() {
            return Stats.median(parallel.stream().map(r -> r.totalNanos() / 1e9).toList());
        }

        double serialSeconds() {
            return Stats.median(serial.stream().map(r -> r.totalNanos() / 1e9).toList());
        }

        double speedUp() {
            return parallelSeconds() == 0 ? 0 : serialSeconds() / parallelSeconds();
        }

        int writeParallelism() {
            return parallel.isEmpty() ? 0 : parallel.get(0).writeParallelism();
        }

        boolean allSucceeded() {
            return parallel.stream().allMatch(Run::succeeded) && serial.stream().allMatch(Run::succeeded);
        }

        List<SummaryTable.Row> rows(boolean smoke) {
            return List.of(
                    new SummaryTable.Row("6 registration speed-up, default vs 1", "≥ 6×",
                            String.format("%.2f× (%.2f s vs %.2f s; %d services, +%d ms each request, writes %d at once)", speedUp(),
                                    parallelSeconds(), serialSeconds(), catalogSize, settings.latency().toMillis(), writeParallelism()),
                            "-", SummaryTable.timing(speedUp() >= TARGET_SPEED_UP, smoke)),
                    new SummaryTable.Row("  registration: every run complete", "all",
                            allSucceeded() ? "all runs registered every active service" : "a run failed", "-",
                            SummaryTable.check(allSucceeded())));
        }
    }

    private RegisterBenchmark() {
    }

    static Result run(Settings settings, BenchEnvironment env) {
        ServiceCatalog catalog = ServiceCatalog.marketing();
        env.progress("== register: %d-service %s catalog, %d ms added to every request, parallelism %d vs 1, %d rounds",
                catalog.services().size(), catalog.displayName(), settings.latency().toMillis(), settings.parallelism(), settings.rounds());
        try (MockMarketingSystem tenant = new MockMarketingSystem(); MockKyma kyma = new MockKyma()) {
            tenant.setLatency(settings.latency());
            int[] application = {0};
            env.progress("warm-up: %s", once(settings, catalog, tenant, kyma, settings.parallelism(), settings.writeParallelism(), ++application[0]).describe());
            env.progress("warm-up: %s", once(settings, catalog, tenant, kyma, 1, 1, ++application[0]).describe());
            List<Run> parallel = new ArrayList<>();
            List<Run> serial = new ArrayList<>();
            for (int r = 1; r <= settings.rounds(); r++) {
                Run p = once(settings, catalog, tenant, kyma, settings.parallelism(), settings.writeParallelism(), ++application[0]);
                env.progress("round %d: %s", r, p.describe());
                parallel.add(p);
                Run s = once(settings, catalog, tenant, kyma, 1, 1, ++application[0]);
                env.progress("round %d: %s", r, s.describe());
                serial.add(s);
            }
            Result result = new Result(settings, parallel, serial, catalog.services().size());
            env.progress("register: %.2f s with parallelism %d, %.2f s with 1: %.1f×", result.parallelSeconds(), settings.parallelism(),
                    result.serialSeconds(), result.speedUp());
            return result;
        }
    }

    private static Run once(Settings settings, ServiceCatalog catalog, MockMarketingSystem tenant, MockKyma kyma, int parallelism,
            int writeParallelism, int number) {
        kyma.reset(); // an empty registry, and nothing kept from the previous run
        kyma.setLatency(settings.latency());
        String application = "bench-" + number;
        ODataServiceDiscovery discovery = new ODataServiceDiscovery(DiscoveryConfig.builder()
                .systemUrl(tenant.url())
                .user(tenant.communicationUser())
                .parallelism(parallelism)
                .build());
        RestApplicationRegistry registry = new RestApplicationRegistry(kyma.registryUrl(application));
        RegistrationReconciler reconciler = new RegistrationReconciler(registry, catalog.product(), Clock.systemUTC(), writeParallelism);
        long start = System.nanoTime();
        DiscoveryReport report = discovery.discover(catalog);
        long discovered = System.nanoTime();
        ApplicationRegistration desired = report.toApplicationRegistration(application, Optional.of(EventCatalogRegistration.of(catalog)));
        ReconcileResult result = reconciler.reconcile(desired, false);
        long registered = System.nanoTime();
        int active = report.count(ServiceStatus.ACTIVE);
        int entries = kyma.services(application).size();
        boolean succeeded = result.succeeded() && entries == active + 1 && active == tenant.activeServices().size();
        return new Run(parallelism, Math.min(writeParallelism, Math.max(1, registry.maxConcurrentWrites())), discovered - start,
                registered - discovered, active, entries, succeeded);
    }
}
