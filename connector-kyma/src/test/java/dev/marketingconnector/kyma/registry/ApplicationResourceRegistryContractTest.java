package dev.marketingconnector.kyma.registry;

import dev.marketingconnector.core.registry.ApplicationRegistry;
import dev.marketingconnector.core.registry.ApplicationRegistryContract;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
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

    /** Edits the service in the Application resource as {@code kubectl edit application} would. */
    @Override
    protected void editNameAndTargetUrlByHand(String id, String name, URI targetUrl) {
        GenericKubernetesResource application = KymaApplications.get(client, APPLICATION);
        ObjectNode spec = KymaApplications.JSON.valueToTree(application.getAdditionalProperties().get("spec"));
        ObjectNode service = (ObjectNode) KymaApplications.service(spec, id);
        service.put("displayName", name);
        ((ObjectNode) service.get("entries").get(0)).put("targetUrl", targetUrl.toString());
        application.setAdditionalProperty("spec", KymaApplications.JSON.convertValue(spec, Map.class));
        client.genericKubernetesResources(ApplicationResourceRegistry.APPLICATIONS).resource(application).update();
    }

    /** Edits the service's credential Secret as {@code kubectl edit secret} would. */
    @Override
    protected void editPasswordByHand(String id, String password) {
        ObjectNode spec = KymaApplications.spec(client, APPLICATION);
        String secretName = KymaApplications.service(spec, id).get("entries").get(0).get("credentials").get("secretName").asText();
        Secret secret = client.secrets().inNamespace("kyma-system").withName(secretName).get();
        secret.getData().put("password", Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8)));
        client.secrets().inNamespace("kyma-system").resource(secret).update();
    }
}
