package dev.marketingconnector.kyma.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/** Reads and seeds Application resources the way kubectl or another controller would. */
final class KymaApplications {

    static final ObjectMapper JSON = new ObjectMapper();

    private KymaApplications() {
    }

    static GenericKubernetesResource get(KubernetesClient client, String name) {
        return client.genericKubernetesResources(ApplicationResourceRegistry.APPLICATIONS).withName(name).get();
    }

    static ObjectNode spec(KubernetesClient client, String name) {
        GenericKubernetesResource resource = get(client, name);
        return resource == null ? null : JSON.valueToTree(resource.getAdditionalProperties().get("spec"));
    }

    /** Adds a service written by somebody else (creating the Application if needed). */
    @SuppressWarnings("unchecked")
    static void addForeignService(KubernetesClient client, String application, ObjectNode service) {
        GenericKubernetesResource resource = get(client, application);
        if (resource == null) {
            resource = new GenericKubernetesResource();
            resource.setApiVersion("applicationconnector.kyma-project.io/v1alpha1");
            resource.setKind("Application");
            resource.setMetadata(new ObjectMetaBuilder().withName(application).build());
            ObjectNode spec = JSON.createObjectNode().put("description", "made by hand");
            spec.putArray("services").add(service);
            resource.setAdditionalProperty("spec", JSON.convertValue(spec, Map.class));
            client.genericKubernetesResources(ApplicationResourceRegistry.APPLICATIONS).resource(resource).create();
            return;
        }
        ObjectNode spec = JSON.valueToTree(resource.getAdditionalProperties().get("spec"));
        spec.withArray("services").add(service);
        resource.setAdditionalProperty("spec", JSON.convertValue(spec, Map.class));
        client.genericKubernetesResources(ApplicationResourceRegistry.APPLICATIONS).resource(resource).update();
    }

    static ObjectNode foreignService(String id, String name, String displayName) {
        ObjectNode service = JSON.createObjectNode();
        service.put("id", id).put("name", name).put("displayName", displayName).put("providerDisplayName", "Other")
                .put("description", "made by another tool");
        service.putObject("labels").put("team", "web");
        service.putArray("tags").add("legacy");
        ObjectNode entry = service.putArray("entries").addObject();
        entry.put("type", "API").put("targetUrl", "https://other.example.com/api");
        entry.putObject("credentials").put("type", "Basic").put("secretName", "other-credentials");
        return service;
    }

    static JsonNode service(ObjectNode spec, String id) {
        for (JsonNode service : spec.get("services")) {
            if (service.path("id").asText().equals(id)) {
                return service;
            }
        }
        return null;
    }
}
