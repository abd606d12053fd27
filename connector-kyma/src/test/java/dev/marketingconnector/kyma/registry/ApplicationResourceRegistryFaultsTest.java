package dev.marketingconnector.kyma.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.discovery.ServiceStatus;
import dev.marketingconnector.core.registration.ApplicationRegistration;
import dev.marketingconnector.core.registration.ConnectorLabels;
import dev.marketingconnector.core.registration.EventCatalogRegistration;
import dev.marketingconnector.core.registry.ChangeAction;
import dev.marketingconnector.core.registry.ReconcileResult;
import dev.marketingconnector.core.registry.RegistrationReconciler;
import dev.marketingconnector.core.testing.StaticServiceDiscovery;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The Application resource registry through a flaky API server: fabric8's mock server (CRUD mode)
 * behind {@link FaultyProxy}, which answers 503, cuts answers off after forwarding, or stalls them past
 * the client's time-out.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class ApplicationResourceRegistryFaultsTest {

    private static final String APP = "mkt-flaky";
    private static final int RUNS = 1;
    /** APIs per run: each is about five requests through the proxy (the Application takes one write at a time). */
    private static final int APIS = 10;
    private static final RegistryRetryConfig QUICK = RegistryRetryConfig.builder()
            .initialBackoff(Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(100)).build();

    KubernetesClient client;

    private static KubernetesClient through(FaultyProxy proxy) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl(proxy.url().toString())
                .withRequestRetryBackoffLimit(0)
                .withRequestTimeout(1000)
                .build()).build();
    }

    private static ApplicationResourceRegistry registry(KubernetesClient client, RegistryRetryConfig retry) {
        return new ApplicationResourceRegistry(ApplicationResourceConfig.builder(APP)
                .eventsSpecificationUrl(URI.create("https://auth.kyma.example.com/asyncapi.json"))
                .retry(retry).build(), client, false);
    }

    /** The first {@link #APIS} APIs of the Marketing catalog and the event catalog. */
    private static ApplicationRegistration desired() {
        ServiceCatalog catalog = ServiceCatalog.marketing();
        StaticServiceDiscovery discovery = new StaticServiceDiscovery();
        catalog.services().stream().skip(APIS).forEach(s -> discovery.status(s.key(), ServiceStatus.INACTIVE, "not needed here"));
        return discovery.discover(catalog).toApplicationRegistration(APP, Optional.of(EventCatalogRegistration.of(catalog)));
    }

    @Test
    void convergesThroughAnApiServerFailing30PercentAndLeavesEveryServiceOnce() {
        int converged = 0;
        int faults = 0;
        for (int run = 1; run <= RUNS; run++) {
            client.genericKubernetesResources(ApplicationResourceRegistry.APPLICATIONS).withName(APP).delete();
            try (FaultyProxy proxy = new FaultyProxy(masterUrl(), 0.3, run, Duration.ofSeconds(2));
                    KubernetesClient flaky = through(proxy)) {
                RegistrationReconciler reconciler = new RegistrationReconciler(registry(flaky, QUICK), "sap-marketing-cloud");

                ReconcileResult result = reconciler.reconcile(desired(), false);
                boolean settled = result.succeeded() && reconciler.plan(desired()).changes().stream()
                        .allMatch(c -> c.action() == ChangeAction.UNCHANGED);

                JsonNode services = KymaApplications.spec(client, APP).path("services");
                Map<String, Integer> identifiers = new HashMap<>();
                services.forEach(s -> identifiers.merge(s.path("identifier").asText(), 1, Integer::sum));
                assertThat(identifiers.values()).as("run %d: every identifier once", run).allMatch(n -> n == 1);
                if (settled && services.size() == APIS + 1 && client.secrets().inNamespace("kyma-system").list().getItems().size() == APIS) {
                    converged++;
                } else {
                    System.out.println("run " + run + " did not converge: " + result.failures());
                }
                for (FaultyProxy.Fault fault : FaultyProxy.Fault.values()) {
                    faults += proxy.injected(fault);
                }
            }
            client.secrets().inNamespace("kyma-system").delete();
        }
        System.out.printf("API server failing 30 %%: %d of %d runs converged; %d faults injected%n", converged, RUNS, faults);
        assertThat(converged).isEqualTo(RUNS);
        assertThat(faults).isGreaterThan(10 * RUNS);
    }

    @Test
    void aCreateWhoseAnswerWasCutOffLeavesTheServiceOnce() {
        try (FaultyProxy proxy = new FaultyProxy(masterUrl(), 0, 1, Duration.ZERO); KubernetesClient flaky = through(proxy)) {
            ApplicationResourceRegistry registry = registry(flaky, QUICK);
            proxy.failNext(FaultyProxy.Fault.CUT_AFTER_FORWARDING, "POST", "/applications");

            String id = registry.create(ConnectorLabels.mark(desired().entries().get(0), "sap-marketing-cloud"));

            assertThat(proxy.injected(FaultyProxy.Fault.CUT_AFTER_FORWARDING)).isEqualTo(1);
            assertThat(KymaApplications.spec(client, APP).path("services")).singleElement()
                    .satisfies(s -> assertThat(s.path("id").asText()).isEqualTo(id));
            assertThat(client.secrets().inNamespace("kyma-system").list().getItems()).hasSize(1);
        }
    }

    @Test
    void aDeleteWhoseAnswerWasCutOffIsDone() {
        try (FaultyProxy proxy = new FaultyProxy(masterUrl(), 0, 1, Duration.ZERO); KubernetesClient flaky = through(proxy)) {
            ApplicationResourceRegistry registry = registry(flaky, QUICK);
            String id = registry.create(ConnectorLabels.mark(desired().entries().get(0), "sap-marketing-cloud"));
            proxy.failNext(FaultyProxy.Fault.CUT_AFTER_FORWARDING, "PUT", "/applications/");

            registry.delete(id);

            assertThat(KymaApplications.spec(client, APP).path("services")).isEmpty();
            assertThat(client.secrets().inNamespace("kyma-system").list().getItems()).isEmpty();
        }
    }

    @Test
    void onlyThrottlingServerErrorsAndLostConnectionsAreTransient() {
        assertThat(ApplicationResourceRegistry.isTransient(new KubernetesClientException("forbidden", 403, null))).isFalse();
        assertThat(ApplicationResourceRegistry.isTransient(new KubernetesClientException("conflict", 409, null))).isFalse();
        for (int status : new int[] {429, 500, 502, 503, 504}) {
            assertThat(ApplicationResourceRegistry.isTransient(new KubernetesClientException("busy", status, null))).isTrue();
        }
        assertThat(ApplicationResourceRegistry.isTransient(new KubernetesClientException("io", new java.io.IOException("reset")))).isTrue();
        assertThat(ApplicationResourceRegistry.isTransient(new KubernetesClientException("tls",
                new javax.net.ssl.SSLHandshakeException("untrusted")))).isFalse();
    }

    private URI masterUrl() {
        return URI.create(client.getMasterUrl().toString().replaceAll("/$", ""));
    }
}
