package dev.marketingconnector.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marketingconnector.odata.testing.MockMarketingSystem;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar against current Kyma from a workstation: {@code REGISTRY_URL} unset, {@code KUBECONFIG}
 * pointing at an API server stand-in (fabric8's mock server in CRUD mode), the mock Marketing tenant
 * as the SAP system.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class CurrentKymaProcessIT {

    private static final String APP = "mkt-current";
    private static final String CLIENT_SECRET = "it-current-client-secret";
    private static final String NAMESPACE = "kyma-system";
    private static final ResourceDefinitionContext APPLICATIONS = new ResourceDefinitionContext.Builder()
            .withGroup("applicationconnector.kyma-project.io").withVersion("v1alpha1").withKind("Application")
            .withPlural("applications").withNamespaced(false).build();

    KubernetesClient client;

    @TempDir
    Path temp;

    private JarProcess jar;
    private MockMarketingSystem marketing;
    private Path kubeconfig;

    @BeforeEach
    void start() throws IOException {
        jar = new JarProcess(temp);
        marketing = new MockMarketingSystem();
        kubeconfig = writeKubeconfig(client.getMasterUrl().toString());
    }

    @AfterEach
    void stop() {
        marketing.close();
    }

    private Path writeKubeconfig(String server) throws IOException {
        Path file = temp.resolve("kubeconfig");
        Files.writeString(file, String.join("\n",
                "apiVersion: v1",
                "kind: Config",
                "clusters:",
                "- name: stand-in",
                "  cluster:",
                "    server: " + server,
                "contexts:",
                "- name: workstation",
                "  context:",
                "    cluster: stand-in",
                "    user: developer",
                "current-context: workstation",
                "users:",
                "- name: developer",
                "  user:",
                "    token: workstation-token",
                ""), StandardCharsets.UTF_8);
        return file;
    }

    private Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("KUBECONFIG", kubeconfig.toString());
        env.put("SYSTEM_URL", marketing.url().toString());
        env.put("BASIC_USER", MockMarketingSystem.DEFAULT_USER);
        env.put("BASIC_PASSWORD", MockMarketingSystem.DEFAULT_PASSWORD);
        env.put("OAUTH_CLIENT_ID", "sap-mkt");
        env.put("OAUTH_CLIENT_SECRET", CLIENT_SECRET);
        env.put("APPLICATION_NAME", APP);
        env.put("CLUSTER_DOMAIN", "kyma.example.com");
        env.put("EVENTS_URL", "http://127.0.0.1:9/publish");
        return env;
    }

    private JsonNode services() {
        GenericKubernetesResource application = client.genericKubernetesResources(APPLICATIONS).withName(APP).get();
        if (application == null) {
            return new ObjectMapper().createArrayNode();
        }
        return new ObjectMapper().valueToTree(application.getAdditionalProperties().get("spec")).path("services");
    }

    private List<Secret> secrets() {
        return client.secrets().inNamespace(NAMESPACE).list().getItems();
    }

    private static String decoded(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }

    @Test
    void registerWritesTheApplicationAndSecretsFindsNothingToChangeThenRepairsHandEdits() throws Exception {
        JarProcess.Result first = jar.run(environment(), "register");

        assertThat(first.exitCode()).as(first.all()).isZero();
        assertThat(first.out()).contains("Application resource '" + APP + "'", "26 active, 3 inactive", "created 27, updated 0");
        JsonNode services = services();
        assertThat(services).hasSize(27);
        List<JsonNode> entries = StreamSupport.stream(services.spliterator(), false).map(s -> s.path("entries").get(0)).toList();
        assertThat(entries).filteredOn(e -> e.path("type").asText().equals("API")).hasSize(26).allSatisfy(e -> {
            assertThat(e.path("targetUrl").asText()).startsWith(marketing.url() + "/sap/opu/odata/sap/");
            assertThat(e.path("specificationUrl").asText()).endsWith("/$metadata");
            assertThat(e.path("apiType").asText()).isEqualTo("OData");
            assertThat(e.path("credentials").path("type").asText()).isEqualTo("Basic");
        });
        assertThat(entries).filteredOn(e -> e.path("type").asText().equals("Events")).singleElement()
                .satisfies(e -> assertThat(e.path("specificationUrl").asText()).isEqualTo("https://auth.kyma.example.com/asyncapi.json"));
        List<Secret> secrets = secrets();
        assertThat(secrets).hasSize(26).allSatisfy(secret -> {
            assertThat(decoded(secret, "username")).isEqualTo(MockMarketingSystem.DEFAULT_USER);
            assertThat(decoded(secret, "password")).isEqualTo(MockMarketingSystem.DEFAULT_PASSWORD);
            assertThat(secret.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "marketing-connector");
        });
        assertThat(entries).extracting(e -> e.path("credentials").path("secretName").asText()).filteredOn(n -> !n.isEmpty())
                .containsExactlyInAnyOrderElementsOf(secrets.stream().map(s -> s.getMetadata().getName()).toList());

        JarProcess.Result second = jar.run(environment(), "register");

        assertThat(second.exitCode()).as(second.all()).isZero();
        assertThat(second.out()).contains("created 0, updated 0, deleted 0, unchanged 27, failed 0");
        assertThat(services()).isEqualTo(services);
        assertThat(first.all() + second.all()).doesNotContain(MockMarketingSystem.DEFAULT_PASSWORD, CLIENT_SECRET)
                .doesNotContain("Exception");

        // Somebody edits by hand: a display name and target URL in the Application, a password in a Secret.
        String contactsId = editApplicationByHand("API_MKT_CONTACT_SRV;v=0002");
        Secret edited = secrets().get(0);
        edited.getData().put("password", Base64.getEncoder().encodeToString("typed-by-hand".getBytes(StandardCharsets.UTF_8)));
        client.secrets().inNamespace(NAMESPACE).resource(edited).update();
        JsonNode editedServices = services();

        JarProcess.Result dryRun = jar.run(environment(), "register", "--dry-run");

        assertThat(dryRun.exitCode()).as(dryRun.all()).isZero();
        assertThat(dryRun.out()).contains("update (planned)", "drift: name, api.targetUrl", "drift: api.credentials.password",
                "planned: created 0, updated 2, deleted 0, unchanged 25");
        assertThat(services()).isEqualTo(editedServices);

        JarProcess.Result repair = jar.run(environment(), "register");

        assertThat(repair.exitCode()).as(repair.all()).isZero();
        assertThat(repair.out()).contains("created 0, updated 2, deleted 0, unchanged 25, failed 0");
        assertThat(services()).isEqualTo(services);
        assertThat(services()).filteredOn(s -> s.path("id").asText().equals(contactsId)).hasSize(1);
        assertThat(secrets()).hasSize(26).allSatisfy(secret ->
                assertThat(decoded(secret, "password")).isEqualTo(MockMarketingSystem.DEFAULT_PASSWORD));
        assertThat(dryRun.all() + repair.all()).doesNotContain("typed-by-hand", MockMarketingSystem.DEFAULT_PASSWORD);
    }

    /** {@code kubectl edit application}: another display name and target URL for one service; its id. */
    private String editApplicationByHand(String serviceKey) {
        GenericKubernetesResource application = client.genericKubernetesResources(APPLICATIONS).withName(APP).get();
        ObjectMapper json = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode spec = json.valueToTree(application.getAdditionalProperties().get("spec"));
        String id = null;
        for (JsonNode service : spec.path("services")) {
            if (service.path("identifier").asText().endsWith("/" + serviceKey)) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) service).put("displayName", "Contacts (edited)");
                ((com.fasterxml.jackson.databind.node.ObjectNode) service.path("entries").get(0)).put("targetUrl", "https://elsewhere.example.com");
                id = service.path("id").asText();
            }
        }
        application.setAdditionalProperty("spec", json.convertValue(spec, Map.class));
        client.genericKubernetesResources(APPLICATIONS).resource(application).update();
        assertThat(id).isNotNull();
        return id;
    }

    @Test
    void dryRunPlansEverythingAndWritesNothing() throws Exception {
        JarProcess.Result result = jar.run(environment(), "register", "--dry-run");

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.out()).contains("Planning (dry run)", "create (planned)", "planned: created 27");
        assertThat(client.genericKubernetesResources(APPLICATIONS).withName(APP).get()).isNull();
        assertThat(secrets()).isEmpty();
    }

    @Test
    void runRegistersThenServesAndReportsTheRun() throws Exception {
        int port = JarProcess.freePort();
        Map<String, String> env = environment();
        env.put("HTTP_PORT", String.valueOf(port));
        JarProcess.Running run = jar.start(env, "run", "--resync", "1h");
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> services().size() == 27 && secrets().size() == 26);
            HttpClient http = HttpClient.newHttpClient();
            URI status = URI.create("http://127.0.0.1:" + port + "/status");
            JsonNode registration = await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> new ObjectMapper().readTree(
                    http.send(HttpRequest.newBuilder(status).build(), HttpResponse.BodyHandlers.ofString()).body()).path("registration"),
                    r -> r.path("lastRun").path("outcome").asText().equals("succeeded"));
            assertThat(registration.path("lastRun").path("counts").path("created").asInt()).isEqualTo(27);
        } finally {
            run.stop();
        }
        assertThat(run.out() + run.err()).doesNotContain("NoClassDefFoundError", MockMarketingSystem.DEFAULT_PASSWORD, CLIENT_SECRET);
    }

    @Test
    void aKubeconfigFabric8CannotReadEndsInOneLineAndExitThree() throws Exception {
        Files.writeString(kubeconfig, "- a list\n- is not a kubeconfig\n", StandardCharsets.UTF_8);

        JarProcess.Result quiet = jar.run(environment(), "register");
        Map<String, String> debug = environment();
        debug.put("LOG_LEVEL", "debug");
        JarProcess.Result verbose = jar.run(debug, "register");

        assertThat(quiet.exitCode()).as(quiet.all()).isEqualTo(3);
        List<String> errorLines = quiet.err().lines().filter(l -> l.startsWith("Unexpected error")).toList();
        assertThat(errorLines).singleElement().satisfies(line -> assertThat(line)
                .contains("'register'", "Cannot deserialize", "in io.fabric8.kubernetes.client.Config.autoConfigure, called by "
                        + "ApplicationResourceRegistry.connect", "LOG_LEVEL=debug", "exit code 3"));
        assertThat(quiet.all()).doesNotContain("\tat ", "Exception in thread");
        assertThat(verbose.exitCode()).isEqualTo(3);
        assertThat(verbose.err()).contains("Unexpected failure in 'register'", "\tat io.fabric8.kubernetes.client");
    }
}
