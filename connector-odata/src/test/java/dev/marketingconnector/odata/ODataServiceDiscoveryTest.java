package dev.marketingconnector.odata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marketingconnector.core.catalog.CatalogService;
import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.communication.CommunicationUser;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.discovery.AuthenticationFailedException;
import dev.marketingconnector.core.discovery.DiscoveredService;
import dev.marketingconnector.core.discovery.DiscoveryReport;
import dev.marketingconnector.core.discovery.ServiceStatus;
import dev.marketingconnector.core.registration.ApiRegistration;
import dev.marketingconnector.core.registration.BasicCredentials;
import dev.marketingconnector.odata.testing.MockMarketingSystem;
import dev.marketingconnector.odata.testing.RecordedRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ODataServiceDiscoveryTest {

    private static final ServiceCatalog CATALOG = ServiceCatalog.marketing();
    private static final String CONTACT = "API_MKT_CONTACT_SRV;v=0002";
    private static final String CAMPAIGN = "API_MKT_CAMPAIGN_SRV;v=0002";
    private static final List<String> WITHOUT_METADATA =
            List.of("API_MKT_INTEREST_SRV", "API_MKT_LANDING_PAGE_VALUEHELP_SRV", "API_MKT_LANDING_PAGE_SRV");

    private MockMarketingSystem tenant;

    @BeforeEach
    void start() {
        tenant = new MockMarketingSystem();
    }

    @AfterEach
    void stop() {
        tenant.close();
    }

    /** Quick retries so tests do not wait on production backoff. */
    private DiscoveryConfig.Builder config(Object systemUrl) {
        DiscoveryConfig.Builder builder = DiscoveryConfig.builder().user(tenant.communicationUser())
                .initialBackoff(Duration.ofMillis(1)).backoffMultiplier(1.0);
        return systemUrl instanceof URI uri ? builder.systemUrl(uri) : builder.systemUrl(systemUrl.toString());
    }

    private DiscoveryReport discover(DiscoveryConfig.Builder config) {
        return new ODataServiceDiscovery(config.build()).discover(CATALOG);
    }

    private static Map<String, DiscoveredService> byKey(DiscoveryReport report) {
        return report.services().stream().collect(Collectors.toMap(s -> s.service().key(), Function.identity()));
    }

    @Test
    void findsTheTwentySixActiveAndThreeInactiveServicesInCatalogOrder() {
        Map<String, Integer> heard = new ConcurrentHashMap<>();

        DiscoveryReport report = new ODataServiceDiscovery(config(tenant.url()).build())
                .discover(CATALOG, result -> heard.merge(result.service().key(), 1, Integer::sum));

        assertThat(report.services()).extracting(DiscoveredService::service).containsExactlyElementsOf(CATALOG.services());
        assertThat(report.count(ServiceStatus.ACTIVE)).isEqualTo(26);
        assertThat(report.withStatus(ServiceStatus.INACTIVE)).extracting(s -> s.service().key())
                .containsExactlyInAnyOrderElementsOf(WITHOUT_METADATA);
        assertThat(report.withStatus(ServiceStatus.INACTIVE)).allSatisfy(s -> assertThat(s.reason()).contains("403", MockMarketingSystem.DEFAULT_USER));
        assertThat(heard).hasSize(29).allSatisfy((key, times) -> assertThat(times).as(key).isEqualTo(1));
    }

    @Test
    void registersEachActiveServiceAtItsRootWithMetadataAndCsrfEndpoint() {
        DiscoveryReport report = discover(config(tenant.url()));

        for (DiscoveredService result : report.withStatus(ServiceStatus.ACTIVE)) {
            CatalogService service = result.service();
            URI root = URI.create(tenant.url() + service.path());
            ApiRegistration registration = result.registration().orElseThrow();
            assertThat(registration.identifier()).isEqualTo(CATALOG.identifierFor(service));
            assertThat(registration.name()).isEqualTo(service.displayName());
            assertThat(registration.description()).isEqualTo(service.description());
            assertThat(registration.provider()).isEqualTo(CATALOG.provider());
            assertThat(registration.targetUrl()).isEqualTo(root);
            assertThat(registration.specificationUrl()).isEqualTo(URI.create(root + "/$metadata"));
            assertThat(registration.apiType()).isEqualTo("OData");
            assertThat(registration.credentials()).isEqualTo(new BasicCredentials(MockMarketingSystem.DEFAULT_USER,
                    Secret.of(MockMarketingSystem.DEFAULT_PASSWORD), Optional.of(root)));
            assertThat(result.metadata().orElseThrow().namespace()).isEqualTo(service.name());
            assertThat(result.metadata().orElseThrow().entitySets()).isNotEmpty();
        }
        ApiRegistration contact = byKey(report).get(CONTACT).registration().orElseThrow();
        assertThat(contact.targetUrl().toString()).endsWith("/sap/opu/odata/sap/API_MKT_CONTACT_SRV;v=0002");
        assertThat(byKey(report).get(CONTACT).metadata().orElseThrow().entitySets()).hasSize(8).contains("Contacts");
    }

    @Test
    void asksForJsonWithBasicAuthenticationThenForMetadata() {
        discover(config(tenant.url()).parallelism(1));

        List<RecordedRequest> contact = tenant.requests().stream().filter(r -> r.serviceKey().equals(Optional.of(CONTACT))).toList();
        assertThat(contact).extracting(RecordedRequest::method, RecordedRequest::path).containsExactly(
                org.assertj.core.groups.Tuple.tuple("GET", "/sap/opu/odata/sap/API_MKT_CONTACT_SRV;v=0002/"),
                org.assertj.core.groups.Tuple.tuple("GET", "/sap/opu/odata/sap/API_MKT_CONTACT_SRV;v=0002/$metadata"));
        assertThat(contact.get(0).header("Accept")).contains("application/json");
        assertThat(tenant.requests()).allSatisfy(r -> assertThat(r.user()).contains(MockMarketingSystem.DEFAULT_USER));
        assertThat(tenant.requests().stream().filter(RecordedRequest::isMetadata).count()).isEqualTo(26);
    }

    @Test
    void parallelismOneFindsTheSameAndNeverRunsTwoRequestsAtOnce() {
        tenant.setLatency(Duration.ofMillis(5));

        DiscoveryReport report = discover(config(tenant.url()).parallelism(1));

        assertThat(report.count(ServiceStatus.ACTIVE)).isEqualTo(26);
        assertThat(tenant.peakConcurrency()).isEqualTo(1);
    }

    @Test
    void neverRunsMoreRequestsAtOnceThanItsParallelism() {
        tenant.setLatency(Duration.ofMillis(10));

        DiscoveryReport report = discover(config(tenant.url()).parallelism(3));

        assertThat(report.count(ServiceStatus.ACTIVE)).isEqualTo(26);
        assertThat(tenant.peakConcurrency()).isBetween(1, 3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "//"})
    void acceptsSystemUrlsWithOrWithoutTrailingSlash(String suffix) {
        DiscoveryReport report = discover(config(tenant.url() + suffix));

        assertThat(report.count(ServiceStatus.ACTIVE)).isEqualTo(26);
        assertThat(byKey(report).get(CONTACT).registration().orElseThrow().targetUrl().toString()).doesNotContain("//sap");
    }

    @Test
    void worksBelowAPathPrefix() {
        try (MockMarketingSystem prefixed = MockMarketingSystem.builder().pathPrefix("/tenant/a").start()) {
            DiscoveryReport found = discover(config(prefixed.url() + "/"));
            DiscoveryReport withoutPrefix = discover(config("http://127.0.0.1:" + prefixed.port()));

            assertThat(found.count(ServiceStatus.ACTIVE)).isEqualTo(26);
            assertThat(byKey(found).get(CONTACT).registration().orElseThrow().targetUrl())
                    .isEqualTo(URI.create(prefixed.url() + "/sap/opu/odata/sap/API_MKT_CONTACT_SRV;v=0002"));
            assertThat(withoutPrefix.count(ServiceStatus.INACTIVE)).isEqualTo(29);
        }
    }

    @Test
    void wrongPasswordFailsOnceNamingTheUserButNeverThePassword() {
        String wrongPassword = "Wr0ng-Passw0rd-123";
        AtomicInteger heard = new AtomicInteger();
        ODataServiceDiscovery discovery = new ODataServiceDiscovery(config(tenant.url())
                .user(new CommunicationUser(MockMarketingSystem.DEFAULT_USER, Secret.of(wrongPassword))).build());

        assertThatThrownBy(() -> discovery.discover(CATALOG, result -> heard.incrementAndGet()))
                .isInstanceOfSatisfying(AuthenticationFailedException.class, e -> {
                    assertThat(e.user()).isEqualTo(MockMarketingSystem.DEFAULT_USER);
                    assertThat(e.getMessage()).contains(MockMarketingSystem.DEFAULT_USER).contains("401").doesNotContain(wrongPassword)
                            .doesNotContain(MockMarketingSystem.DEFAULT_PASSWORD);
                    assertThat(e.endpoint()).isEqualTo(tenant.url().toString());
                });
        assertThat(heard).hasValue(0);
        assertThat(tenant.requestCount()).isLessThan(CATALOG.services().size());
    }

    @Test
    void logsNeverShowThePassword() {
        String wrongPassword = "Wr0ng-Passw0rd-456";
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.err;
        System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            discover(config(tenant.url()));
            assertThatThrownBy(() -> discover(config(tenant.url())
                    .user(new CommunicationUser(MockMarketingSystem.DEFAULT_USER, Secret.of(wrongPassword)))))
                    .isInstanceOf(AuthenticationFailedException.class);
        } finally {
            System.setErr(original);
        }

        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("401").contains(MockMarketingSystem.DEFAULT_USER)
                .doesNotContain(wrongPassword).doesNotContain(MockMarketingSystem.DEFAULT_PASSWORD);
    }

    @Test
    void wrongPasswordStopsAfterTheFirstRequestWhenCheckingOneAtATime() {
        ODataServiceDiscovery discovery = new ODataServiceDiscovery(config(tenant.url()).parallelism(1)
                .user(new CommunicationUser(MockMarketingSystem.DEFAULT_USER, Secret.of("wrong"))).build());

        assertThatThrownBy(() -> discovery.discover(CATALOG)).isInstanceOf(AuthenticationFailedException.class);
        assertThat(tenant.requestCount()).isEqualTo(1);
    }

    @Test
    void a401ForAnyOneServiceFailsTheRun() {
        tenant.failNext(CAMPAIGN, 401, 1);

        assertThatThrownBy(() -> discover(config(tenant.url()))).isInstanceOf(AuthenticationFailedException.class);
    }

    @Test
    void serviceAnswering503TwiceThenOkEndsActive() {
        tenant.failNext(CONTACT, 503, 2);

        DiscoveryReport report = discover(config(tenant.url()).maxAttempts(3));

        assertThat(byKey(report).get(CONTACT).status()).isEqualTo(ServiceStatus.ACTIVE);
        assertThat(tenant.requests().stream().filter(r -> r.serviceKey().equals(Optional.of(CONTACT)) && !r.isMetadata()).count())
                .isEqualTo(3);
        assertThat(report.count(ServiceStatus.ACTIVE)).isEqualTo(26);
    }

    @Test
    void serviceAlwaysAnswering503EndsUnreachableWithoutFailingOthers() {
        tenant.failNext(CONTACT, 503, 1_000);

        DiscoveryReport report = discover(config(tenant.url()).maxAttempts(3));

        DiscoveredService contact = byKey(report).get(CONTACT);
        assertThat(contact.status()).isEqualTo(ServiceStatus.UNREACHABLE);
        assertThat(contact.reason()).contains("503").contains("3 attempts");
        assertThat(report.count(ServiceStatus.ACTIVE)).isEqualTo(25);
        assertThat(report.count(ServiceStatus.INACTIVE)).isEqualTo(3);
    }

    @Test
    void metadataRequestsAreRetriedToo() {
        tenant.failNext(CONTACT, 502, 1);

        DiscoveryReport report = discover(config(tenant.url()).maxAttempts(2).parallelism(1));

        assertThat(byKey(report).get(CONTACT).status()).isEqualTo(ServiceStatus.ACTIVE);
        assertThat(tenant.requests().stream().filter(r -> r.serviceKey().equals(Optional.of(CONTACT))).count()).isEqualTo(3);
    }

    @Test
    void truncatedMetadataIsInvalidWithTheParsersMessageAndOthersAreFine() {
        tenant.truncateMetadata(CONTACT);

        DiscoveryReport report = discover(config(tenant.url()));

        DiscoveredService contact = byKey(report).get(CONTACT);
        assertThat(contact.status()).isEqualTo(ServiceStatus.INVALID_METADATA);
        assertThat(contact.reason()).contains("$metadata").contains("ParseError").contains("must be terminated");
        assertThat(contact.registration()).isEmpty();
        assertThat(report.count(ServiceStatus.ACTIVE)).isEqualTo(25);
    }

    @Test
    void loginPageInsteadOfODataIsUnauthorised() {
        tenant.serveLoginPage(true);

        DiscoveryReport report = discover(config(tenant.url()));

        assertThat(report.count(ServiceStatus.UNAUTHORISED)).isEqualTo(29);
        assertThat(report.services().get(0).reason()).contains("HTML").contains(MockMarketingSystem.DEFAULT_USER);
    }

    @Test
    void serviceDocumentWithoutEntitySetsIsInactive() {
        String empty = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                + "<edmx:Edmx Version=\"1.0\" xmlns:edmx=\"http://schemas.microsoft.com/ado/2007/06/edmx\""
                + " xmlns:m=\"http://schemas.microsoft.com/ado/2007/08/dataservices/metadata\"><edmx:DataServices m:DataServiceVersion=\"2.0\">"
                + "<Schema Namespace=\"API_MKT_INTEREST_SRV\" xmlns=\"http://schemas.microsoft.com/ado/2008/09/edm\">"
                + "<EntityContainer Name=\"C\" m:IsDefaultEntityContainer=\"true\"/></Schema></edmx:DataServices></edmx:Edmx>";
        try (MockMarketingSystem system = MockMarketingSystem.builder().metadata("API_MKT_INTEREST_SRV", empty).start()) {
            DiscoveryReport report = new ODataServiceDiscovery(DiscoveryConfig.builder().systemUrl(system.url())
                    .user(system.communicationUser()).build()).discover(CATALOG);

            DiscoveredService interest = byKey(report).get("API_MKT_INTEREST_SRV");
            assertThat(interest.status()).isEqualTo(ServiceStatus.INACTIVE);
            assertThat(interest.reason()).contains("no entity sets");
        }
    }

    @Test
    void systemThatRefusesConnectionsLeavesEveryServiceUnreachable() {
        URI gone = tenant.url();
        tenant.close();

        DiscoveryReport report = discover(config(gone).maxAttempts(2).requestTimeout(Duration.ofSeconds(2)));

        assertThat(report.count(ServiceStatus.UNREACHABLE)).isEqualTo(29);
        assertThat(report.services().get(0).reason()).contains("service document").contains("2 attempts");
    }

    @Test
    void requestThatTimesOutIsRetriedThenUnreachable() {
        tenant.setLatency(CONTACT, Duration.ofSeconds(30));

        DiscoveryReport report = discover(config(tenant.url()).requestTimeout(Duration.ofSeconds(1)).maxAttempts(2));

        DiscoveredService contact = byKey(report).get(CONTACT);
        assertThat(contact.status()).isEqualTo(ServiceStatus.UNREACHABLE);
        assertThat(contact.reason()).contains("no answer in time").contains("2 attempts");
        assertThat(report.count(ServiceStatus.ACTIVE)).isEqualTo(25);
    }

    @Test
    void servicesNotDoneByTheDeadlineAreUnreachableAndTheRunReturns() {
        tenant.setLatency(CONTACT, Duration.ofSeconds(60));
        AtomicInteger heard = new AtomicInteger();

        DiscoveryReport report = new ODataServiceDiscovery(config(tenant.url()).requestTimeout(Duration.ofSeconds(1))
                .deadline(Duration.ofSeconds(1)).maxAttempts(1).build()).discover(CATALOG, result -> heard.incrementAndGet());

        assertThat(report.services()).hasSize(29);
        assertThat(byKey(report).get(CONTACT).status()).isEqualTo(ServiceStatus.UNREACHABLE);
        assertThat(heard).hasValue(29);
    }

    @Test
    void aFailingProgressListenerDoesNotStopTheRun() {
        DiscoveryReport report = new ODataServiceDiscovery(config(tenant.url()).build()).discover(CATALOG, result -> {
            throw new IllegalStateException("listener bug");
        });

        assertThat(report.count(ServiceStatus.ACTIVE)).isEqualTo(26);
    }

    @Test
    void reportsHowLongTheRunTookByItsClock() {
        DiscoveryReport report = discover(config(tenant.url()).clock(java.time.Clock.fixed(java.time.Instant.EPOCH, java.time.ZoneOffset.UTC)));

        assertThat(report.took()).isEqualTo(Duration.ZERO);
    }

    @Test
    void runsCanBeRepeatedWithTheSameInstance() {
        ODataServiceDiscovery discovery = new ODataServiceDiscovery(config(tenant.url()).build());

        DiscoveryReport first = discovery.discover(CATALOG);
        tenant.deactivate(CONTACT);
        DiscoveryReport second = discovery.discover(CATALOG);

        assertThat(first.count(ServiceStatus.ACTIVE)).isEqualTo(26);
        assertThat(second.count(ServiceStatus.ACTIVE)).isEqualTo(25);
        assertThat(byKey(second).get(CONTACT).status()).isEqualTo(ServiceStatus.INACTIVE);
    }

    @Test
    void basicAuthorizationEncodesUserAndPasswordAsUtf8() {
        String header = ODataServiceDiscovery.basicAuthorization(new CommunicationUser("USER", Secret.of("pässword")));

        assertThat(header).isEqualTo("Basic " + java.util.Base64.getEncoder().encodeToString("USER:pässword".getBytes(StandardCharsets.UTF_8)));
    }
}
