package dev.marketingconnector.kyma.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.registration.EventCatalogRegistration;
import dev.marketingconnector.core.registry.ApplicationRegistry;
import dev.marketingconnector.core.registry.ApplicationRegistryContract;
import dev.marketingconnector.core.registry.RegistrationReconciler;
import dev.marketingconnector.core.testing.StaticServiceDiscovery;
import java.util.Optional;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.marketingconnector.kyma.testing.MockKyma;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The shared registry behaviour, against the REST registry of MockKyma. */
class RestApplicationRegistryContractTest extends ApplicationRegistryContract {

    private MockKyma kyma;
    private RestApplicationRegistry registry;

    @BeforeEach
    void start() {
        kyma = new MockKyma();
        registry = new RestApplicationRegistry(kyma.registryUrl(APPLICATION));
    }

    @AfterEach
    void stop() {
        kyma.close();
    }

    @Override
    protected ApplicationRegistry registry() {
        return registry;
    }

    /** Registers a service the way another tool would: its own ServiceDetails, no connector labels. */
    @Override
    protected String addForeignEntry(String name) {
        String details = "{\"provider\":\"Other\",\"name\":\"" + name + "\",\"description\":\"not ours\",\"identifier\":\"other:api\","
                + "\"labels\":{\"team\":\"web\"},\"api\":{\"targetUrl\":\"https://other.example.com/api\"}}";
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(kyma.registryUrl(APPLICATION))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(details)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("seeding failed: " + response.body());
            }
            return new ObjectMapper().readTree(response.body()).get("id").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The list holds no details, so each own entry is read once with GET …/{id}; foreign entries never. */
    @org.junit.jupiter.api.Test
    void readsEachOwnEntryOnceAndNoForeignOne() {
        String foreignId = addForeignEntry("Somebody Else's API");
        ServiceCatalog catalog = ServiceCatalog.marketing();
        var desired = new StaticServiceDiscovery().discover(catalog)
                .toApplicationRegistration(APPLICATION, Optional.of(EventCatalogRegistration.of(catalog)));
        RegistrationReconciler reconciler = new RegistrationReconciler(registry, OWNER);
        reconciler.reconcile(desired, false);
        int before = kyma.requests().size();

        reconciler.plan(desired);

        java.util.List<MockKyma.RecordedRequest> reads = kyma.requests().subList(before, kyma.requests().size()).stream()
                .filter(r -> r.method().equals("GET") && r.path().matches(".*/services/[^/]+")).toList();
        org.assertj.core.api.Assertions.assertThat(reads).hasSize(catalog.services().size() + 1)
                .noneMatch(r -> r.path().endsWith("/" + foreignId));
    }

    /** Kyma 1.x masks passwords in what it returns: a hand edit of one cannot be seen. */
    @Override
    protected boolean showsPasswords() {
        return false;
    }

    @Override
    protected void editNameAndTargetUrlByHand(String id, String name, URI targetUrl) {
        ObjectNode details = stored(id);
        details.put("name", name);
        ((ObjectNode) details.get("api")).put("targetUrl", targetUrl.toString());
        putByHand(id, details);
    }

    @Override
    protected void editPasswordByHand(String id, String password) {
        ObjectNode details = stored(id);
        ((ObjectNode) details.get("api").get("credentials").get("basic")).put("password", password);
        putByHand(id, details);
    }

    private ObjectNode stored(String id) {
        return kyma.services(APPLICATION).stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow().details();
    }

    /** A PUT of a whole ServiceDetails document, as an operator with curl would send it. */
    private void putByHand(String id, ObjectNode details) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(kyma.registryUrl(APPLICATION)
                    + "/" + id)).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(details.toString()))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("hand edit refused: " + response.body());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
