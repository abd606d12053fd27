package dev.marketingconnector.kyma.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marketingconnector.core.registry.ApplicationRegistry;
import dev.marketingconnector.core.registry.ApplicationRegistryContract;
import dev.marketingconnector.kyma.testing.MockKyma;
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
}
