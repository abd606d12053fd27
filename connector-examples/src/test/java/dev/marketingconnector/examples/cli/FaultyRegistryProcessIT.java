package dev.marketingconnector.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.marketingconnector.kyma.testing.MockKyma;
import dev.marketingconnector.kyma.testing.MockKyma.Failure;
import dev.marketingconnector.kyma.testing.MockKyma.Route;
import dev.marketingconnector.odata.testing.MockMarketingSystem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar against a Kyma 1.x registry that fails 20 % of its calls (503, or the request applied and
 * the connection cut before the answer), with duplicate identifiers allowed so a careless retry would
 * show. Between the runs somebody edits an entry by hand; the next run repairs it in place.
 */
class FaultyRegistryProcessIT {

    private static final String APP = "mkt-faulty";

    @TempDir
    Path temp;

    private JarProcess jar;
    private MockMarketingSystem marketing;
    private MockKyma kyma;

    @BeforeEach
    void start() {
        jar = new JarProcess(temp);
        marketing = new MockMarketingSystem();
        kyma = new MockKyma();
        kyma.acceptDuplicateIdentifiers(true)
                .failRandomly(Route.REGISTRY, 0.2, 12L, Failure.UNAVAILABLE, Failure.UNAVAILABLE, Failure.CUT_AFTER_APPLYING);
    }

    @AfterEach
    void stop() {
        marketing.close();
        kyma.close();
    }

    private Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("SYSTEM_URL", marketing.url().toString());
        env.put("BASIC_USER", MockMarketingSystem.DEFAULT_USER);
        env.put("BASIC_PASSWORD", MockMarketingSystem.DEFAULT_PASSWORD);
        env.put("OAUTH_CLIENT_ID", "sap-mkt");
        env.put("OAUTH_CLIENT_SECRET", "faulty-it-client-secret");
        env.put("APPLICATION_NAME", APP);
        env.put("CLUSTER_DOMAIN", "kyma.example.com");
        env.put("REGISTRY_URL", kyma.registryUrl(APP).toString());
        env.put("EVENTS_URL", kyma.publishUrl().toString());
        return env;
    }

    @Test
    void registersCompletelyWithoutDuplicatesAndRepairsAHandEditInPlace() throws Exception {
        JarProcess.Result first = jar.run(environment(), "register");

        assertThat(first.exitCode()).as(first.all()).isZero();
        assertThat(first.out()).contains("created 27", "failed 0");
        assertThat(kyma.services(APP)).hasSize(27);
        assertThat(kyma.duplicateIdentifiers(APP)).isEmpty();
        assertThat(kyma.failuresInjected(Failure.UNAVAILABLE) + kyma.failuresInjected(Failure.CUT_AFTER_APPLYING)).isPositive();

        MockKyma.RegisteredService contacts = kyma.services(APP).stream()
                .filter(s -> s.identifier().orElse("").endsWith("API_MKT_CONTACT_SRV;v=0002")).findFirst().orElseThrow();
        editByHand(contacts);

        JarProcess.Result second = jar.run(environment(), "register");

        assertThat(second.exitCode()).as(second.all()).isZero();
        assertThat(second.out()).contains("drift: name, api.targetUrl", "created 0, updated 1, deleted 0, unchanged 26, failed 0");
        assertThat(kyma.services(APP)).hasSize(27).filteredOn(s -> s.id().equals(contacts.id())).singleElement()
                .satisfies(s -> assertThat(s.name()).isEqualTo("Marketing Contacts"));
        assertThat(kyma.duplicateIdentifiers(APP)).isEmpty();
        assertThat(first.all() + second.all()).doesNotContain(MockMarketingSystem.DEFAULT_PASSWORD);
    }

    /** What an operator with curl would do: PUT the service back with another name and target URL. */
    private void editByHand(MockKyma.RegisteredService service) throws Exception {
        ObjectNode details = service.details();
        details.put("name", "Contacts (edited)");
        ((ObjectNode) details.get("api")).put("targetUrl", "https://elsewhere.example.com/contacts");
        HttpClient http = HttpClient.newHttpClient();
        int status = 503;
        for (int attempt = 0; attempt < 20 && status != 200; attempt++) {
            try {
                status = http.send(HttpRequest.newBuilder(URI.create(kyma.registryUrl(APP) + "/" + service.id()))
                        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(details.toString())).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode();
            } catch (java.io.IOException cut) {
                status = kyma.services(APP).stream().anyMatch(s -> s.name().equals("Contacts (edited)")) ? 200 : 0;
            }
        }
        assertThat(status).as("the hand edit got through the faults").isEqualTo(200);
    }
}
