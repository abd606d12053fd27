package dev.marketingconnector.kyma.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.registration.ApiRegistration;
import dev.marketingconnector.core.registration.ApplicationRegistration;
import dev.marketingconnector.core.registration.BasicCredentials;
import dev.marketingconnector.core.registration.ConnectorLabels;
import dev.marketingconnector.core.registration.EventCatalogRegistration;
import dev.marketingconnector.core.registration.OAuthCredentials;
import dev.marketingconnector.core.registration.Registration;
import dev.marketingconnector.core.registry.RegisteredEntry;
import dev.marketingconnector.core.registry.RegistrationReconciler;
import dev.marketingconnector.core.registry.RegistryException;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true, https = false)
class ApplicationResourceRegistryTest {

    static final String APP = "mkt-prod";
    static final String OWNER = "sap-marketing-cloud";
    static final String PASSWORD = "very-secret-password";
    static final URI ASYNCAPI = URI.create("http://marketing-connector.mkt.svc.cluster.local:8080/asyncapi.json");

    KubernetesClient client;
    KubernetesMockServer server;
    ApplicationResourceRegistry registry;

    @BeforeEach
    void newRegistry() {
        registry = new ApplicationResourceRegistry(config().build(), client, false);
    }

    static ApplicationResourceConfig.Builder config() {
        return ApplicationResourceConfig.builder(APP).eventsSpecificationUrl(ASYNCAPI).labels(Map.of("team", "marketing"));
    }

    static ApiRegistration api(String identifier, String name) {
        URI root = URI.create("https://tenant.example.com/sap/opu/odata/sap/" + identifier);
        return new ApiRegistration(identifier, name, "about " + name, "SAP", root, URI.create(root + "/$metadata"), "OData",
                new BasicCredentials("COMM_USER", Secret.of(PASSWORD), Optional.of(root)), Map.of());
    }

    io.fabric8.kubernetes.api.model.Secret secret(String name) {
        return client.secrets().inNamespace("kyma-system").withName(name).get();
    }

    static String decoded(io.fabric8.kubernetes.api.model.Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }

    @Test
    void createsTheApplicationWhenMissing() {
        assertThat(registry.list()).isEmpty();

        registry.create(ConnectorLabels.mark(api("API_MKT_CONTACT_SRV", "Marketing - Contacts"), OWNER));

        var application = KymaApplications.get(client, APP);
        assertThat(application.getApiVersion()).isEqualTo("applicationconnector.kyma-project.io/v1alpha1");
        assertThat(application.getKind()).isEqualTo("Application");
        assertThat(application.getMetadata().getNamespace()).isNull();
        ObjectNode spec = KymaApplications.spec(client, APP);
        assertThat(spec.get("description").asText()).isEqualTo(ApplicationResourceConfig.DEFAULT_DESCRIPTION);
        assertThat(spec.get("providerDisplayName").asText()).isEqualTo("SAP");
        assertThat(spec.get("labels").get("team").asText()).isEqualTo("marketing");
        assertThat(spec.get("services")).hasSize(1);
    }

    @Test
    void writesAnApiServiceWithABasicCredentialsSecret() {
        Registration contacts = ConnectorLabels.mark(api("API_MKT_CONTACT_SRV", "Marketing - Contacts"), OWNER);

        String id = registry.create(contacts);

        JsonNode service = KymaApplications.service(KymaApplications.spec(client, APP), id);
        assertThat(id).isEqualTo(ServiceNames.serviceId(APP, "API_MKT_CONTACT_SRV"));
        assertThat(service.get("identifier").asText()).isEqualTo("API_MKT_CONTACT_SRV");
        assertThat(service.get("name").asText()).isEqualTo("marketing-contacts");
        assertThat(service.get("displayName").asText()).isEqualTo("Marketing - Contacts");
        assertThat(service.get("providerDisplayName").asText()).isEqualTo("SAP");
        assertThat(service.get("description").asText()).isEqualTo("about Marketing - Contacts");
        assertThat(service.get("labels").get(ConnectorLabels.OWNER).asText()).isEqualTo(OWNER);
        JsonNode entry = service.get("entries").get(0);
        assertThat(entry.get("type").asText()).isEqualTo("API");
        assertThat(entry.get("targetUrl").asText()).isEqualTo("https://tenant.example.com/sap/opu/odata/sap/API_MKT_CONTACT_SRV");
        assertThat(entry.get("specificationUrl").asText()).endsWith("/API_MKT_CONTACT_SRV/$metadata");
        assertThat(entry.get("apiType").asText()).isEqualTo("OData");
        assertThat(entry.get("centralGatewayUrl").asText())
                .isEqualTo("http://central-application-gateway.kyma-system:8080/mkt-prod/marketing-contacts");
        assertThat(entry.at("/credentials/type").asText()).isEqualTo("Basic");
        assertThat(entry.at("/credentials/secretName").asText()).isEqualTo("mkt-prod-marketing-contacts");
        assertThat(entry.at("/credentials/csrfInfo/tokenEndpointURL").asText()).isEqualTo(entry.get("targetUrl").asText());
        assertThat(service.toString()).doesNotContain(PASSWORD);

        var secret = secret("mkt-prod-marketing-contacts");
        assertThat(decoded(secret, "username")).isEqualTo("COMM_USER");
        assertThat(decoded(secret, "password")).isEqualTo(PASSWORD);
        assertThat(secret.getMetadata().getLabels()).containsEntry(ConnectorLabels.MANAGED_BY, ConnectorLabels.MANAGED_BY_VALUE)
                .containsEntry(ApplicationResourceRegistry.SECRET_APPLICATION_LABEL, APP).containsEntry(ConnectorLabels.OWNER, OWNER);
    }

    @Test
    void writesOAuthCredentialsWithTheTokenUrl() {
        ApiRegistration oauth = new ApiRegistration("oauth-api", "OAuth API", "d", "SAP", URI.create("https://api.example.com"),
                URI.create("https://api.example.com/$metadata"), "OData",
                new OAuthCredentials(URI.create("https://auth.example.com/oauth/token"), "client-1", Secret.of(PASSWORD)), Map.of());

        String id = registry.create(oauth);

        JsonNode credentials = KymaApplications.service(KymaApplications.spec(client, APP), id).at("/entries/0/credentials");
        assertThat(credentials.get("type").asText()).isEqualTo("OAuth");
        assertThat(credentials.get("authenticationUrl").asText()).isEqualTo("https://auth.example.com/oauth/token");
        var secret = secret(credentials.get("secretName").asText());
        assertThat(decoded(secret, "clientId")).isEqualTo("client-1");
        assertThat(decoded(secret, "clientSecret")).isEqualTo(PASSWORD);
        assertThat(secret.getData()).doesNotContainKeys("username", "password");
    }

    @Test
    void theEventCatalogIsAnEventsEntryPointingAtTheServedDocument() {
        String id = registry.create(EventCatalogRegistration.of(ServiceCatalog.marketing()));

        JsonNode service = KymaApplications.service(KymaApplications.spec(client, APP), id);
        assertThat(service.at("/entries/0/type").asText()).isEqualTo("Events");
        assertThat(service.at("/entries/0/specificationUrl").asText()).isEqualTo(ASYNCAPI.toString());
        assertThat(service.at("/entries/0").has("credentials")).isFalse();
        assertThat(client.secrets().inNamespace("kyma-system").list().getItems()).isEmpty();
    }

    @Test
    void theEventCatalogNeedsTheDocumentsUrl() {
        ApplicationResourceRegistry withoutUrl = new ApplicationResourceRegistry(ApplicationResourceConfig.builder(APP).build(), client, false);

        assertThatThrownBy(() -> withoutUrl.create(EventCatalogRegistration.of(ServiceCatalog.marketing())))
                .isInstanceOf(RegistryException.class).hasMessageContaining("eventsSpecificationUrl");
        assertThat(KymaApplications.get(client, APP)).isNull();
    }

    @Test
    void aForeignServiceStaysExactlyAsItWas() {
        ObjectNode foreign = KymaApplications.foreignService("foreign-1", "marketing-contacts", "Marketing Contacts");
        KymaApplications.addForeignService(client, APP, foreign);
        client.secrets().inNamespace("kyma-system").resource(new SecretBuilder().withNewMetadata().withName("other-credentials")
                .endMetadata().addToData("password", "eA==").build()).create();
        RegistrationReconciler reconciler = new RegistrationReconciler(registry, OWNER);
        List<Registration> entries = List.of(api("API_MKT_CONTACT_SRV", "Marketing Contacts"), api("API_MKT_COUPON_SRV", "Coupons"));

        reconciler.reconcile(new ApplicationRegistration(APP, entries), false);
        reconciler.reconcile(new ApplicationRegistration(APP, entries.subList(1, 2)), false);
        reconciler.reconcile(new ApplicationRegistration(APP, List.of()), false);

        ObjectNode spec = KymaApplications.spec(client, APP);
        assertThat(spec.get("services")).hasSize(1);
        assertThat(spec.get("services").get(0)).isEqualTo(foreign);
        assertThat(spec.get("description").asText()).isEqualTo("made by hand");
        assertThat(secret("other-credentials")).isNotNull();
        assertThat(registry.list()).singleElement().satisfies(e -> {
            assertThat(e.id()).isEqualTo("foreign-1");
            assertThat(e.name()).isEqualTo("Marketing Contacts");
            assertThat(e.identifier()).isEmpty();
            assertThat(e.labels()).containsExactly(Map.entry("team", "web"));
        });
    }

    @Test
    void namesStayUniqueAfterKymasNormalisation() {
        KymaApplications.addForeignService(client, APP, KymaApplications.foreignService("foreign-1", "marketing-contacts", "Contacts by hand"));

        String first = registry.create(api("contacts-1", "Marketing Contacts"));
        String second = registry.create(api("contacts-2", "marketing.contacts"));
        String third = registry.create(api("contacts-3", "MARKETING_CONTACTS"));

        ObjectNode spec = KymaApplications.spec(client, APP);
        List<String> names = new ArrayList<>();
        spec.get("services").forEach(s -> names.add(s.get("name").asText()));
        Set<String> normalised = new HashSet<>();
        names.forEach(n -> normalised.add(ServiceNames.kymaNormalised(n)));
        assertThat(normalised).hasSize(4);
        assertThat(names).allSatisfy(n -> assertThat(ServiceNames.kymaNormalised(n)).isEqualTo(n));
        assertThat(KymaApplications.service(spec, first).get("name").asText()).startsWith("marketing-contacts-");
        assertThat(KymaApplications.service(spec, second).get("name").asText()).startsWith("marketing-contacts-");
        assertThat(KymaApplications.service(spec, third).get("name").asText()).startsWith("marketing-contacts-");
        Set<String> secrets = new HashSet<>();
        for (String id : List.of(first, second, third)) {
            secrets.add(KymaApplications.service(spec, id).at("/entries/0/credentials/secretName").asText());
        }
        assertThat(secrets).hasSize(3).allSatisfy(s -> assertThat(secret(s)).isNotNull());
    }

    @Test
    void deletingAServiceRemovesItsSecret() {
        String id = registry.create(api("API_MKT_COUPON_SRV", "Coupons"));
        assertThat(secret("mkt-prod-coupons")).isNotNull();

        registry.delete(id);

        assertThat(registry.list()).isEmpty();
        assertThat(secret("mkt-prod-coupons")).isNull();
    }

    @Test
    void aSecretTheConnectorDidNotWriteIsNeverDeleted() {
        KymaApplications.addForeignService(client, APP, KymaApplications.foreignService("foreign-1", "other", "Other"));
        client.secrets().inNamespace("kyma-system").resource(new SecretBuilder().withNewMetadata().withName("other-credentials")
                .endMetadata().addToData("password", "eA==").build()).create();

        registry.delete("foreign-1");

        assertThat(registry.list()).isEmpty();
        assertThat(secret("other-credentials")).isNotNull();
    }

    @Test
    void renamingAServiceMovesItsSecret() {
        String id = registry.create(api("API_MKT_COUPON_SRV", "Coupons"));

        registry.update(id, api("API_MKT_COUPON_SRV", "Marketing Coupons"));

        JsonNode service = KymaApplications.service(KymaApplications.spec(client, APP), id);
        assertThat(service.get("name").asText()).isEqualTo("marketing-coupons");
        assertThat(service.at("/entries/0/credentials/secretName").asText()).isEqualTo("mkt-prod-marketing-coupons");
        assertThat(secret("mkt-prod-marketing-coupons")).isNotNull();
        assertThat(secret("mkt-prod-coupons")).isNull();
    }

    @Test
    void anUpdateKeepsTheIdAndThePlaceOfTheService() {
        String first = registry.create(api("a", "A"));
        String second = registry.create(api("b", "B"));

        registry.update(first, api("a", "A prime"));

        assertThat(registry.list()).extracting(RegisteredEntry::id).containsExactly(first, second);
        assertThat(registry.list().get(0).name()).isEqualTo("A prime");
    }

    @Test
    void serviceIdsAreTheSameOnEveryRun() {
        String id = registry.create(api("API_MKT_COUPON_SRV", "Coupons"));
        registry.delete(id);

        assertThat(registry.create(api("API_MKT_COUPON_SRV", "Coupons"))).isEqualTo(id);
        assertThatThrownBy(() -> registry.create(api("API_MKT_COUPON_SRV", "Coupons again")))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(409));
    }

    @Test
    void asksTheReconcilerForOneWriteAtATime() {
        assertThat(registry.maxConcurrentWrites()).isEqualTo(1);
    }

    @Test
    void concurrentWritersLoseNothing() throws Exception {
        ApplicationResourceRegistry other = new ApplicationResourceRegistry(config().build(), client, false);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ApplicationResourceRegistry writer = i % 2 == 0 ? registry : other;
                Registration registration = api("service-" + i, "Service " + i);
                writes.add(CompletableFuture.runAsync(() -> writer.create(registration), pool));
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        assertThat(registry.list()).extracting(e -> e.identifier().orElseThrow())
                .containsExactlyInAnyOrder("service-0", "service-1", "service-2", "service-3", "service-4", "service-5");
    }

    @Test
    void errorsNameTheApplicationAndNeverTheSecret() {
        assertThatThrownBy(() -> registry.update(ServiceNames.serviceId(APP, "x"), api("x", "X")))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.endpoint()).endsWith("/apis/applicationconnector.kyma-project.io/v1alpha1/applications/mkt-prod");
                    assertThat(e.getMessage()).contains("mkt-prod").doesNotContain(PASSWORD);
                });
    }

    @Test
    void connectsToTheConfiguredApiServer() {
        try (ApplicationResourceRegistry connected = ApplicationResourceRegistry.connect(config()
                .apiServerUrl(URI.create(server.url("/"))).bearerToken(Secret.of("token-123")).build())) {
            String id = connected.create(api("API_MKT_COUPON_SRV", "Coupons"));

            assertThat(registry.list()).extracting(RegisteredEntry::id).containsExactly(id);
            assertThat(connected.config().toString()).doesNotContain("token-123");
        }
    }

    @Test
    void configurationRejectsBadValuesByName() {
        assertThatThrownBy(() -> ApplicationResourceConfig.builder("Mkt_Prod")).hasMessageContaining("applicationName");
        assertThatThrownBy(() -> config().credentialsNamespace("Kyma System")).hasMessageContaining("credentialsNamespace");
        assertThatThrownBy(() -> config().eventsSpecificationUrl(URI.create("/asyncapi.json"))).hasMessageContaining("eventsSpecificationUrl");
        assertThatThrownBy(() -> ApplicationResourceConfig.builder(APP).bearerToken(Secret.of("t")).build()).hasMessageContaining("apiServerUrl");
    }

    /** Edits the service with this id in the Application the way {@code kubectl edit} would. */
    private void editService(String id, java.util.function.Consumer<ObjectNode> edit) {
        io.fabric8.kubernetes.api.model.GenericKubernetesResource application = KymaApplications.get(client, APP);
        ObjectNode spec = KymaApplications.JSON.valueToTree(application.getAdditionalProperties().get("spec"));
        edit.accept((ObjectNode) KymaApplications.service(spec, id));
        application.setAdditionalProperty("spec", KymaApplications.JSON.convertValue(spec, Map.class));
        client.genericKubernetesResources(ApplicationResourceRegistry.APPLICATIONS).resource(application).update();
    }

    @Test
    void readShowsDriftInWhatOnlyTheApplicationHolds() {
        Registration api = ConnectorLabels.mark(api("API_MKT_CONTACT_SRV", "Contacts"), OWNER);
        Registration events = ConnectorLabels.mark(EventCatalogRegistration.of(ServiceCatalog.marketing()), OWNER);
        String apiId = registry.create(api);
        String eventsId = registry.create(events);

        editService(apiId, service -> ((ObjectNode) service.get("entries").get(0)).put("centralGatewayUrl", "http://elsewhere/x"));
        editService(eventsId, service -> ((ObjectNode) service.get("entries").get(0)).put("specificationUrl", "http://elsewhere/spec"));
        Map<String, dev.marketingconnector.core.registry.LiveContent> live = registry.read(List.of(apiId, eventsId));

        assertThat(live.get(apiId).driftFrom(api)).containsExactly("entry.centralGatewayUrl");
        assertThat(live.get(eventsId).driftFrom(events)).as("the AsyncAPI document is not stored, so it is no drift")
                .containsExactly("entry.specificationUrl");
    }

    @Test
    void aDeletedSecretShowsAsCredentialDriftAndTheRepairWritesItAgain() {
        RegistrationReconciler reconciler = new RegistrationReconciler(registry, OWNER);
        ApplicationRegistration desired = new ApplicationRegistration(APP, List.of(api("API_MKT_CONTACT_SRV", "Contacts")));
        reconciler.reconcile(desired, false);
        String secretName = KymaApplications.spec(client, APP).get("services").get(0).get("entries").get(0).get("credentials")
                .get("secretName").asText();
        client.secrets().inNamespace("kyma-system").withName(secretName).delete();

        var plan = reconciler.plan(desired);

        assertThat(plan.changes()).singleElement().satisfies(c -> assertThat(c.drift())
                .containsExactly("api.credentials.username", "api.credentials.password"));
        assertThat(reconciler.apply(plan).succeeded()).isTrue();
        assertThat(decoded(secret(secretName), "password")).isEqualTo(PASSWORD);
        assertThat(reconciler.plan(desired).hasWrites()).isFalse();
    }
}
