package dev.marketingconnector.kyma.registry;

import dev.marketingconnector.core.registry.ApplicationRegistry;
import dev.marketingconnector.core.registry.ApplicationRegistryContract;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import org.junit.jupiter.api.BeforeEach;

/** The shared registry behaviour, against an Application resource in fabric8's Kubernetes mock server (CRUD mode). */
@EnableKubernetesMockClient(crud = true, https = false)
class ApplicationResourceRegistryContractTest extends ApplicationRegistryContract {

    KubernetesClient client;
    private ApplicationResourceRegistry registry;

    @BeforeEach
    void newRegistry() {
        registry = new ApplicationResourceRegistry(ApplicationResourceConfig.builder(APPLICATION)
                .eventsSpecificationUrl(URI.create("http://marketing-connector.mkt.svc.cluster.local:8080/asyncapi.json"))
                .build(), client, false);
    }

    @Override
    protected ApplicationRegistry registry() {
        return registry;
    }

    @Override
    protected String addForeignEntry(String name) {
        KymaApplications.addForeignService(client, APPLICATION, KymaApplications.foreignService("foreign-1", "somebody-else-s-api", name));
        return "foreign-1";
    }
}
