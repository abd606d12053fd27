package dev.marketingconnector.odata.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.odata.EdmxMetadataParser;
import dev.marketingconnector.odata.InvalidMetadataException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MockMarketingSystemTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTACT = "API_MKT_CONTACT_SRV;v=0002";
    private static final String AGREEMENT = "API_MKT_AGREEMENT_SRV";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String C4C_METADATA = "/dev/marketingconnector/odata/c4codataapi.metadata.xml";

    private MockMarketingSystem tenant;

    @BeforeEach
    void start() {
        tenant = new MockMarketingSystem();
    }

    @AfterEach
    void stop() {
        tenant.close();
    }

    @Test
    void listensOnAFreeLoopbackPortAndReportsItsUrl() {
        assertThat(tenant.url().getScheme()).isEqualTo("http");
        assertThat(tenant.url().getHost()).isEqualTo("127.0.0.1");
        assertThat(tenant.url().getPort()).isEqualTo(tenant.port()).isPositive();
        assertThat(tenant.url().toString()).doesNotEndWith("/");
        assertThat(tenant.serviceRoot(CONTACT)).isEqualTo(URI.create(tenant.url() + "/sap/opu/odata/sap/API_MKT_CONTACT_SRV;v=0002"));
    }

    @Test
    void listensOnAChosenPort() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (MockMarketingSystem chosen = new MockMarketingSystem(port)) {
            assertThat(chosen.port()).isEqualTo(port);
            assertThat(send(get(chosen.serviceRoot(AGREEMENT) + "/", chosen)).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void servesAJsonServiceDocumentBuiltFromTheMetadata() throws Exception {
        HttpResponse<String> response = send(get(tenant.serviceRoot(AGREEMENT) + "/").header("Accept", "application/json"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        List<String> sets = new ArrayList<>();
        JSON.readTree(response.body()).path("d").path("EntitySets").forEach(set -> sets.add(set.asText()));
        assertThat(sets).containsExactlyInAnyOrder("AgrmtAdditionalExtIDs", "Agreements", "AgreementTerms");
    }

    @Test
    void servesAnAtomServiceDocumentUnlessJsonIsAsked() throws Exception {
        HttpResponse<String> atom = send(get(tenant.serviceRoot(AGREEMENT) + "/").header("Accept", "application/xml"));
        HttpResponse<String> formatJson = send(get(tenant.serviceRoot(AGREEMENT) + "/?$format=json"));

        assertThat(atom.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/atomsvc+xml"));
        assertThat(atom.body()).contains("<app:service", "<app:collection href=\"Agreements\">", "xml:base=\"" + tenant.serviceRoot(AGREEMENT) + "/\"");
        assertThat(JSON.readTree(formatJson.body()).path("d").path("EntitySets")).hasSize(3);
    }

    @Test
    void servesTheRealMetadataWithAndWithoutTheVersion() throws IOException {
        byte[] bundled;
        try (var in = MockMarketingSystem.class.getResourceAsStream(MockMarketingSystem.METADATA_RESOURCES + "API_MKT_CONTACT_SRV.xml")) {
            bundled = in.readAllBytes();
        }
        String base = tenant.url() + "/sap/opu/odata/sap/";

        HttpResponse<String> versioned = send(get(base + "API_MKT_CONTACT_SRV;v=0002/$metadata"));
        HttpResponse<String> plain = send(get(base + "API_MKT_CONTACT_SRV/$metadata"));
        HttpResponse<String> otherVersion = send(get(base + "API_MKT_CONTACT_SRV;v=0007/$metadata"));

        assertThat(versioned.statusCode()).isEqualTo(200);
        assertThat(versioned.body()).isEqualTo(new String(bundled, StandardCharsets.UTF_8));
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.body()).isEqualTo(versioned.body());
        assertThat(otherVersion.statusCode()).isEqualTo(404);
    }

    @Test
    void answersUnknownServicesAndPathsWith404() {
        assertThat(send(get(tenant.url() + "/sap/opu/odata/sap/ZNOT_THERE_SRV/")).statusCode()).isEqualTo(404);
        assertThat(send(get(tenant.url() + "/somewhere/else")).statusCode()).isEqualTo(404);
        assertThat(send(get(tenant.serviceRoot(AGREEMENT) + "/NoSuchSet")).statusCode()).isEqualTo(404);
    }

    @Test
    void rejectsWrongOrMissingCredentialsWith401AndAChallenge() {
        HttpResponse<String> wrong = send(HttpRequest.newBuilder(URI.create(tenant.serviceRoot(AGREEMENT) + "/"))
                .header("Authorization", basic(MockMarketingSystem.DEFAULT_USER, "wrong")));
        HttpResponse<String> missing = send(HttpRequest.newBuilder(URI.create(tenant.serviceRoot(AGREEMENT) + "/")));

        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm="));
        assertThat(missing.statusCode()).isEqualTo(401);
    }

    @Test
    void acceptsTheCredentialsItWasBuiltWith() {
        try (MockMarketingSystem custom = MockMarketingSystem.builder().user("OTHER_USER").password("0ther-pw").start()) {
            String url = custom.serviceRoot(AGREEMENT) + "/";
            assertThat(send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", basic("OTHER_USER", "0ther-pw"))).statusCode())
                    .isEqualTo(200);
            assertThat(send(get(url)).statusCode()).isEqualTo(401);
            assertThat(custom.communicationUser().name()).isEqualTo("OTHER_USER");
            assertThat(custom.communicationUser().password().reveal()).isEqualTo("0ther-pw");
        }
    }

    @Test
    void theThreeServicesWithoutMetadataAreInactiveByDefault() {
        List<String> inactive = List.of("API_MKT_INTEREST_SRV", "API_MKT_LANDING_PAGE_VALUEHELP_SRV", "API_MKT_LANDING_PAGE_SRV");

        assertThat(tenant.activeServices()).hasSize(26).doesNotContainAnyElementsOf(inactive);
        for (String service : inactive) {
            assertThat(send(get(tenant.serviceRoot(service) + "/")).statusCode()).as(service).isEqualTo(403);
        }
        assertThatThrownBy(() -> tenant.activate("API_MKT_INTEREST_SRV")).hasMessageContaining("API_MKT_INTEREST_SRV").hasMessageContaining("metadata");
    }

    @Test
    void switchesServicesOffAndOn() {
        tenant.deactivate(CONTACT);
        assertThat(tenant.isActive(CONTACT)).isFalse();
        assertThat(send(get(tenant.serviceRoot(CONTACT) + "/")).statusCode()).isEqualTo(403);
        assertThat(send(get(tenant.serviceRoot(CONTACT) + "/$metadata")).statusCode()).isEqualTo(403);

        tenant.activate("API_MKT_CONTACT_SRV");
        assertThat(tenant.isActive(CONTACT)).isTrue();
        assertThat(send(get(tenant.serviceRoot(CONTACT) + "/")).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> tenant.deactivate("ZUNKNOWN_SRV")).hasMessageContaining("ZUNKNOWN_SRV");
    }

    @Test
    void servesItsOwnMetadataForACustomService() {
        String document = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                + "<edmx:Edmx Version=\"1.0\" xmlns:edmx=\"http://schemas.microsoft.com/ado/2007/06/edmx\""
                + " xmlns:m=\"http://schemas.microsoft.com/ado/2007/08/dataservices/metadata\"><edmx:DataServices m:DataServiceVersion=\"2.0\">"
                + "<Schema Namespace=\"API_MKT_INTEREST_SRV\" xmlns=\"http://schemas.microsoft.com/ado/2008/09/edm\">"
                + "<EntityType Name=\"Interest\"><Key><PropertyRef Name=\"ID\"/></Key><Property Name=\"ID\" Type=\"Edm.String\" Nullable=\"false\"/></EntityType>"
                + "<EntityContainer Name=\"C\" m:IsDefaultEntityContainer=\"true\"><EntitySet Name=\"Interests\" EntityType=\"API_MKT_INTEREST_SRV.Interest\"/>"
                + "</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>";
        try (MockMarketingSystem custom = MockMarketingSystem.builder().metadata("API_MKT_INTEREST_SRV", document).start()) {
            assertThat(custom.isActive("API_MKT_INTEREST_SRV")).isTrue();
            assertThat(send(get(custom.serviceRoot("API_MKT_INTEREST_SRV") + "/$metadata", custom)).body()).isEqualTo(document);
        }
        assertThatThrownBy(() -> MockMarketingSystem.builder().metadata("API_MKT_INTEREST_SRV", "<not-edmx/>"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("API_MKT_INTEREST_SRV");
        assertThatThrownBy(() -> MockMarketingSystem.builder().metadata("ZNOT_IN_CATALOG_SRV", document).start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZNOT_IN_CATALOG_SRV");
    }

    @Test
    void awaitRequestsWaitsForTheCountOrFails() throws InterruptedException {
        CompletableFuture<HttpResponse<String>> first = HTTP.sendAsync(get(tenant.serviceRoot(AGREEMENT) + "/").build(),
                HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> second = HTTP.sendAsync(get(tenant.serviceRoot(CONTACT) + "/").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(tenant.awaitRequests(2, Duration.ofSeconds(10))).hasSize(2);
        CompletableFuture.allOf(first, second).join();
        assertThatThrownBy(() -> tenant.awaitRequests(3, Duration.ofMillis(20))).isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected 3 requests");
    }

    /** Another product: its own catalog and $metadata, served unchanged (here SAP Cloud for Customer's one large service). */
    @Test
    void servesAnyCatalogWithMetadataFromAFileOrTheClassPath(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("crm.json"), """
                {"product": "acme-crm", "displayName": "ACME CRM", "provider": "ACME", "servicePathPrefix": "/odata/v1",
                 "eventCatalog": "crm.asyncapi.json",
                 "scenarios": [{"id": "ACME_API", "name": "ACME API", "services": ["c4codataapi", "accounts;v=0001"]}],
                 "services": [{"name": "c4codataapi", "displayName": "CRM", "description": "everything"},
                              {"name": "accounts", "version": "0001", "displayName": "Accounts", "description": "accounts only"}]}
                """);
        Files.writeString(folder.resolve("crm.asyncapi.json"), "{\"asyncapi\": \"1.0.0\", \"topics\": {}}");
        Path metadata = folder.resolve("c4c.xml");
        try (var in = getClass().getResourceAsStream(C4C_METADATA)) {
            Files.write(metadata, in.readAllBytes());
        }
        ServiceCatalog crm = ServiceCatalog.fromFile(folder.resolve("crm.json"));

        try (MockMarketingSystem system = MockMarketingSystem.builder().catalog(crm).metadata("c4codataapi", metadata)
                .metadataFromClasspath("accounts", C4C_METADATA.substring(1)).start()) {
            assertThat(system.activeServices()).containsExactly("c4codataapi", "accounts;v=0001");
            assertThat(system.serviceRoot("accounts").getPath()).isEqualTo("/odata/v1/accounts;v=0001");
            assertThat(send(get(system.url() + "/odata/v1/c4codataapi;v=0001/$metadata", system)).statusCode()).isEqualTo(200);
            assertThat(send(get(system.serviceRoot("c4codataapi") + "/$metadata", system)).body()).isEqualTo(Files.readString(metadata));
            assertThat(send(get(system.serviceRoot("accounts") + "/?$format=json", system)).body()).contains("AccountCollection");
        }
        assertThatThrownBy(() -> MockMarketingSystem.builder().metadata("c4codataapi", folder.resolve("missing.xml")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.xml");
        assertThatThrownBy(() -> MockMarketingSystem.builder().metadataFromClasspath("c4codataapi", "/no/such.xml"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/no/such.xml");
        assertThatThrownBy(() -> MockMarketingSystem.builder().metadata("accounts", folder.resolve("crm.json")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("crm.json");
    }

    @Test
    void handsOutACsrfTokenAndSessionCookieOnFetch() {
        HttpResponse<String> fetch = send(get(tenant.serviceRoot(CONTACT) + "/").header("X-CSRF-Token", "Fetch"));

        assertThat(fetch.statusCode()).isEqualTo(200);
        assertThat(fetch.headers().firstValue("X-CSRF-Token")).hasValueSatisfying(token -> assertThat(token).hasSizeGreaterThan(16));
        assertThat(fetch.headers().firstValue("Set-Cookie")).hasValueSatisfying(cookie -> assertThat(cookie).startsWith(MockMarketingSystem.CSRF_COOKIE + "="));
    }

    @Test
    void modifyingCallsNeedTheTokenAndItsCookie() {
        HttpResponse<String> fetch = send(get(tenant.serviceRoot(CONTACT) + "/").header("X-CSRF-Token", "Fetch"));
        String token = fetch.headers().firstValue("X-CSRF-Token").orElseThrow();
        String cookie = fetch.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        String contacts = tenant.serviceRoot(CONTACT) + "/ContactOriginData";

        HttpResponse<String> bare = send(post(contacts, "{\"ContactID\":\"1\"}"));
        HttpResponse<String> tokenOnly = send(post(contacts, "{}").header("X-CSRF-Token", token));
        HttpResponse<String> wrongToken = send(post(contacts, "{}").header("X-CSRF-Token", "guess").header("Cookie", cookie));
        HttpResponse<String> created = send(post(contacts, "{\"ContactID\":\"1\"}").header("X-CSRF-Token", token).header("Cookie", cookie));
        HttpResponse<String> deleted = send(get(contacts + "(ContactOrigin='SAP_CRM',ContactID='1')").DELETE().header("X-CSRF-Token", token).header("Cookie", cookie));

        for (HttpResponse<String> rejected : List.of(bare, tokenOnly, wrongToken)) {
            assertThat(rejected.statusCode()).isEqualTo(403);
            assertThat(rejected.headers().firstValue("X-CSRF-Token")).contains("Required");
        }
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).contains("\"ContactID\":\"1\"");
        assertThat(deleted.statusCode()).isEqualTo(204);
    }

    @Test
    void readingAnEntitySetGivesAnEmptyCollection() throws Exception {
        HttpResponse<String> response = send(get(tenant.serviceRoot(AGREEMENT) + "/Agreements?$top=10"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("d").path("results").isArray()).isTrue();
    }

    @Test
    void failsTheNextCallsOfOneServiceThenRecovers() {
        tenant.failNext(CONTACT, 503, 2);
        String url = tenant.serviceRoot(CONTACT) + "/";

        assertThat(send(get(url)).statusCode()).isEqualTo(503);
        assertThat(send(get(tenant.serviceRoot(AGREEMENT) + "/")).statusCode()).isEqualTo(200);
        assertThat(send(get(url + "$metadata")).statusCode()).isEqualTo(503);
        assertThat(send(get(url)).statusCode()).isEqualTo(200);
    }

    @Test
    void failsTheNextCallsToAnyService() {
        tenant.failNext(500, 1);

        assertThat(send(get(tenant.serviceRoot(AGREEMENT) + "/")).statusCode()).isEqualTo(500);
        assertThat(send(get(tenant.serviceRoot(CONTACT) + "/")).statusCode()).isEqualTo(200);
    }

    @Test
    void rejectsFaultsThatMakeNoSense() {
        assertThatThrownBy(() -> tenant.failNext(CONTACT, 200, 1)).hasMessageContaining("200");
        assertThatThrownBy(() -> tenant.failNext(503, 0)).hasMessageContaining("count");
        assertThatThrownBy(() -> tenant.setLatency(Duration.ofMillis(-1))).hasMessageContaining("latency");
        assertThatThrownBy(() -> MockMarketingSystem.builder().port(70000)).hasMessageContaining("port");
        assertThatThrownBy(() -> MockMarketingSystem.builder().pathPrefix("no-slash")).hasMessageContaining("pathPrefix");
    }

    @Test
    void servesALoginPageInsteadOfODataWhenAsked() {
        tenant.serveLoginPage(true);
        HttpResponse<String> page = send(get(tenant.serviceRoot(AGREEMENT) + "/").header("Accept", "application/json"));
        tenant.serveLoginPage(false);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body()).startsWith("<!DOCTYPE html>");
        assertThat(send(get(tenant.serviceRoot(AGREEMENT) + "/")).headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).doesNotContain("html"));
    }

    @Test
    void truncatesAMetadataDocumentUntilReset() {
        tenant.truncateMetadata(CONTACT);
        String truncated = send(get(tenant.serviceRoot(CONTACT) + "/$metadata")).body();

        assertThatThrownBy(() -> EdmxMetadataParser.parse(truncated.getBytes(StandardCharsets.UTF_8), "truncated"))
                .isInstanceOf(InvalidMetadataException.class);
        assertThat(send(get(tenant.serviceRoot(CONTACT) + "/").header("Accept", "application/json")).statusCode()).isEqualTo(200);

        tenant.reset();
        String whole = send(get(tenant.serviceRoot(CONTACT) + "/$metadata")).body();
        assertThat(EdmxMetadataParser.parse(whole.getBytes(StandardCharsets.UTF_8), "whole").entitySets()).hasSize(8);
    }

    @Test
    void servesBelowAPathPrefix() {
        try (MockMarketingSystem prefixed = MockMarketingSystem.builder().pathPrefix("/tenant/a/").start()) {
            assertThat(prefixed.url().getPath()).isEqualTo("/tenant/a");
            assertThat(send(get(prefixed.serviceRoot(AGREEMENT) + "/", prefixed)).statusCode()).isEqualTo(200);
            assertThat(send(get("http://127.0.0.1:" + prefixed.port() + "/sap/opu/odata/sap/" + AGREEMENT + "/", prefixed)).statusCode())
                    .isEqualTo(404);
        }
    }

    @Test
    void recordsRequestsWithoutThePassword() throws InterruptedException {
        send(get(tenant.serviceRoot(CONTACT) + "/?$format=json").header("Accept", "application/json"));

        RecordedRequest request = tenant.awaitRequest(Duration.ofSeconds(5));
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.path()).isEqualTo("/sap/opu/odata/sap/API_MKT_CONTACT_SRV;v=0002/");
        assertThat(request.query()).isEqualTo("$format=json");
        assertThat(request.header("ACCEPT")).contains("application/json");
        assertThat(request.user()).contains(MockMarketingSystem.DEFAULT_USER);
        assertThat(request.serviceKey()).contains(CONTACT);
        assertThat(request.header("Authorization")).contains("Basic ******");
        assertThat(request.toString() + request.headers()).doesNotContain(MockMarketingSystem.DEFAULT_PASSWORD)
                .doesNotContain(Base64.getEncoder().encodeToString((MockMarketingSystem.DEFAULT_USER + ":" + MockMarketingSystem.DEFAULT_PASSWORD)
                        .getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> tenant.awaitRequest(Duration.ofMillis(10))).isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected a request");
        assertThat(tenant.requests()).containsExactly(request);
        assertThat(tenant.requestCount()).isEqualTo(1);
    }

    @Test
    void servesManyRequestsAtOnceEvenWithLatency() {
        tenant.setLatency(Duration.ofSeconds(2));
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            responses.add(HTTP.sendAsync(get(tenant.serviceRoot(AGREEMENT) + "/").build(), HttpResponse.BodyHandlers.ofString()));
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> tenant.peakConcurrency() == 8);
        assertThat(responses).allSatisfy(response -> assertThat(response.join().statusCode()).isEqualTo(200));
    }

    @Test
    void delaysOneServiceOnly() {
        tenant.setLatency(CONTACT, Duration.ofSeconds(30));
        CompletableFuture<HttpResponse<String>> slow = HTTP.sendAsync(get(tenant.serviceRoot(CONTACT) + "/").build(),
                HttpResponse.BodyHandlers.ofString());

        await().atMost(Duration.ofSeconds(5)).until(() -> tenant.requestCount() == 1);
        assertThat(send(get(tenant.serviceRoot(AGREEMENT) + "/")).statusCode()).isEqualTo(200);
        assertThat(slow).isNotDone();
    }

    @Test
    void closesAtOnceEvenWithRequestsWaitingOnLatency() {
        tenant.setLatency(Duration.ofSeconds(30));
        CompletableFuture<HttpResponse<String>> pending = HTTP.sendAsync(get(tenant.serviceRoot(AGREEMENT) + "/").build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5)).until(() -> tenant.requestCount() == 1);

        assertTimeoutPreemptively(Duration.ofSeconds(3), () -> tenant.close());

        assertThat(pending).failsWithin(Duration.ofSeconds(5));
        assertThat(sendCatching(get(tenant.serviceRoot(AGREEMENT) + "/"))).isInstanceOf(IOException.class);
    }

    @Test
    void servesAnotherCatalog() {
        ServiceCatalog marketing = ServiceCatalog.marketing();
        try (MockMarketingSystem other = MockMarketingSystem.builder().catalog(marketing).threads(2).start()) {
            assertThat(other.catalog()).isSameAs(marketing);
            assertThat(other.activeServices()).hasSize(26);
        }
    }

    private HttpRequest.Builder get(String url) {
        return get(url, tenant);
    }

    private static HttpRequest.Builder get(String url, MockMarketingSystem system) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization",
                basic(system.communicationUser().name(), system.communicationUser().password().reveal()));
    }

    private HttpRequest.Builder post(String url, String body) {
        return get(url).POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Exception sendCatching(HttpRequest.Builder request) {
        try {
            HTTP.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return null;
        } catch (IOException e) {
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }
}
