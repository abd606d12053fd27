package dev.marketingconnector.kyma.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.registration.ApiRegistration;
import dev.marketingconnector.core.registration.BasicCredentials;
import dev.marketingconnector.core.registration.ConnectorLabels;
import dev.marketingconnector.core.registration.EventCatalogRegistration;
import dev.marketingconnector.core.registration.OAuthCredentials;
import dev.marketingconnector.core.registration.Registration;
import dev.marketingconnector.core.registry.RegistryException;
import dev.marketingconnector.kyma.testing.MockKyma;
import dev.marketingconnector.kyma.transport.TestCertificates;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RestApplicationRegistryTest {

    static final String APP = "mkt-test";
    static final String PASSWORD = "very-secret-password";

    MockKyma kyma;
    RestApplicationRegistry registry;

    @BeforeEach
    void start() {
        kyma = new MockKyma();
        registry = new RestApplicationRegistry(kyma.registryUrl(APP));
    }

    @AfterEach
    void stop() {
        kyma.close();
    }

    static ApiRegistration contacts() {
        URI root = URI.create("https://tenant.example.com/sap/opu/odata/sap/API_MKT_CONTACT_SRV;v=0002");
        return new ApiRegistration("sap-marketing-cloud:/sap/opu/odata/sap/API_MKT_CONTACT_SRV;v=0002", "Marketing - Contacts",
                "Read and write contacts", "SAP", root, URI.create(root + "/$metadata"), ApiRegistration.API_TYPE_ODATA,
                new BasicCredentials("COMM_USER", Secret.of(PASSWORD), Optional.of(root)), Map.of("tier", "gold"));
    }

    @Test
    void sendsServiceDetailsAsTheContractDescribes() {
        Registration marked = ConnectorLabels.mark(contacts(), "sap-marketing-cloud");

        String id = registry.create(marked);

        JsonNode details = kyma.services(APP).get(0).details();
        assertThat(kyma.services(APP).get(0).id()).isEqualTo(id);
        assertThat(details.get("provider").asText()).isEqualTo("SAP");
        assertThat(details.get("name").asText()).isEqualTo("Marketing - Contacts");
        assertThat(details.get("description").asText()).isEqualTo("Read and write contacts");
        assertThat(details.get("identifier").asText()).isEqualTo(contacts().identifier());
        assertThat(details.get("labels").get("tier").asText()).isEqualTo("gold");
        assertThat(details.get("labels").get(ConnectorLabels.OWNER).asText()).isEqualTo("sap-marketing-cloud");
        JsonNode api = details.get("api");
        assertThat(api.get("targetUrl").asText()).isEqualTo("https://tenant.example.com/sap/opu/odata/sap/API_MKT_CONTACT_SRV;v=0002");
        assertThat(api.at("/credentials/basic/username").asText()).isEqualTo("COMM_USER");
        assertThat(api.at("/credentials/basic/password").asText()).isEqualTo(PASSWORD);
        assertThat(api.at("/credentials/basic/csrfInfo/tokenEndpointURL").asText()).isEqualTo(api.get("targetUrl").asText());
        assertThat(api.get("credentials").has("oauth")).isFalse();
        assertThat(api.get("SpecificationUrl").asText()).endsWith(";v=0002/$metadata");
        assertThat(api.get("ApiType").asText()).isEqualTo("OData");
        assertThat(details.has("events")).isFalse();
    }

    @Test
    void sendsOAuthCredentials() {
        ApiRegistration oauth = new ApiRegistration("x:oauth", "OAuth API", "d", "SAP", URI.create("https://api.example.com"),
                URI.create("https://api.example.com/$metadata"), "OData",
                new OAuthCredentials(URI.create("https://auth.example.com/oauth/token"), "client-1", Secret.of(PASSWORD)), Map.of());

        registry.create(oauth);

        JsonNode credentials = kyma.services(APP).get(0).details().at("/api/credentials");
        assertThat(credentials.has("basic")).isFalse();
        assertThat(credentials.at("/oauth/url").asText()).isEqualTo("https://auth.example.com/oauth/token");
        assertThat(credentials.at("/oauth/clientId").asText()).isEqualTo("client-1");
        assertThat(credentials.at("/oauth/clientSecret").asText()).isEqualTo(PASSWORD);
    }

    @Test
    void sendsTheEventCatalogInlineAsEventsSpec() {
        EventCatalogRegistration events = EventCatalogRegistration.of(ServiceCatalog.marketing());

        registry.create(events);

        JsonNode details = kyma.services(APP).get(0).details();
        assertThat(details.has("api")).isFalse();
        assertThat(details.at("/events/spec/asyncapi").asText()).isEqualTo("1.0.0");
        assertThat(details.at("/events/spec/topics").has("bo.marketingpermission.changed.v1")).isTrue();
        assertThat(details.get("identifier").asText()).isEqualTo("sap-marketing-cloud:events");
    }

    @Test
    void readsARegistrationBackWithTheSecretMasked() {
        String id = registry.create(contacts());

        Registration read = registry.get(id).orElseThrow();

        assertThat(read).isInstanceOf(ApiRegistration.class);
        ApiRegistration api = (ApiRegistration) read;
        assertThat(api.identifier()).isEqualTo(contacts().identifier());
        assertThat(api.name()).isEqualTo(contacts().name());
        assertThat(api.targetUrl()).isEqualTo(contacts().targetUrl());
        assertThat(api.specificationUrl()).isEqualTo(contacts().specificationUrl());
        assertThat(api.apiType()).isEqualTo("OData");
        assertThat(api.labels()).isEqualTo(contacts().labels());
        BasicCredentials basic = (BasicCredentials) api.credentials();
        assertThat(basic.username()).isEqualTo("COMM_USER");
        assertThat(basic.password().reveal()).isEqualTo(MockKyma.MASKED_SECRET);
        assertThat(basic.csrfTokenEndpoint()).contains(contacts().targetUrl());
        assertThat(registry.get("00000000-0000-0000-0000-000000000000")).isEmpty();
    }

    @Test
    void mapsServiceDetailsBothWays() {
        EventCatalogRegistration events = EventCatalogRegistration.of(ServiceCatalog.marketing());

        Registration back = ServiceDetails.fromJson("id-1", ServiceDetails.toJson(events));

        assertThat(back).isEqualTo(events);
        assertThat(ServiceDetails.fromJson("id-2", ServiceDetails.toJson(contacts()))).isEqualTo(contacts());
    }

    @Test
    void aRefusalCarriesEndpointStatusAndTheRegistrysText() {
        ApiRegistration noPassword = new ApiRegistration("x:nopw", "No password", "d", "SAP", URI.create("https://api.example.com"),
                URI.create("https://api.example.com/$metadata"), "OData",
                new BasicCredentials("COMM_USER", Secret.of(""), Optional.empty()), Map.of());

        assertThatThrownBy(() -> registry.create(noPassword)).isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.endpoint()).isEqualTo(kyma.registryUrl(APP).toString());
            assertThat(e.getMessage()).contains("api.credentials.basic.password").contains("x:nopw").contains("HTTP 400");
        });
    }

    @Test
    void anEchoedPasswordNeverReachesTheException() throws Exception {
        HttpServer echo = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        echo.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            byte[] answer = ("{\"code\":400,\"error\":\"cannot parse " + body.replace("\"", "'") + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(400, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        echo.start();
        try {
            RestApplicationRegistry echoing = new RestApplicationRegistry(
                    URI.create("http://127.0.0.1:" + echo.getAddress().getPort() + "/" + APP + "/v1/metadata/services"));

            assertThatThrownBy(() -> echoing.create(contacts())).isInstanceOfSatisfying(RegistryException.class, e -> {
                assertThat(e.getMessage()).contains("cannot parse").contains("COMM_USER").contains("******").doesNotContain(PASSWORD);
                assertThat(e.status()).isEqualTo(400);
            });
        } finally {
            echo.stop(0);
        }
    }

    @Test
    void anUnknownIdIsA404() {
        assertThatThrownBy(() -> registry.delete("6f1c9a52-0000-0000-0000-000000000000"))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void anUnreachableRegistryIsARegistryExceptionWithoutStatus() {
        URI url = kyma.registryUrl(APP);
        kyma.close();

        RestApplicationRegistry twoAttempts = new RestApplicationRegistry(RestRegistryConfig.builder(url).retry(FAST_RETRY).build());

        assertThatThrownBy(twoAttempts::list).isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.status()).isZero();
            assertThat(e.getMessage()).contains("unreachable").contains(url.toString()).contains("(3 attempts)");
            assertThat(e.getCause()).isInstanceOf(java.io.IOException.class);
        });
    }

    @Test
    void aServerErrorOnListIsReportedOnceTheAttemptsAreSpent() {
        kyma.failNext(500, 3);
        RestApplicationRegistry threeAttempts = new RestApplicationRegistry(RestRegistryConfig.builder(kyma.registryUrl(APP))
                .retry(FAST_RETRY).build());

        assertThatThrownBy(threeAttempts::list).isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.status()).isEqualTo(500);
            assertThat(e.getMessage()).contains("injected failure", "(3 attempts)");
        });
        assertThat(kyma.requestCount(MockKyma.Route.REGISTRY)).isEqualTo(3);
    }

    @Test
    void countsACreateSentAgainAfterItsAnswerWasLost() throws Exception {
        HttpServer lossy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        java.util.concurrent.atomic.AtomicInteger posts = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        lossy.createContext("/", exchange -> {
            boolean post = exchange.getRequestMethod().equals("POST");
            if (post && posts.incrementAndGet() == 1) {
                try {
                    release.await(10, java.util.concurrent.TimeUnit.SECONDS); // no answer within the client's timeout, nothing stored
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
            }
            byte[] answer = (post ? "{\"id\":\"6f1c9a52-0000-0000-0000-000000000001\"}" : "[]").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        lossy.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        lossy.start();
        try {
            RestApplicationRegistry resending = new RestApplicationRegistry(RestRegistryConfig.builder(
                    URI.create("http://127.0.0.1:" + lossy.getAddress().getPort() + "/" + APP + "/v1/metadata/services"))
                    .requestTimeout(java.time.Duration.ofSeconds(2)).retry(FAST_RETRY).build());
            assertThat(resending.resentCreates()).hasValue(0);

            assertThat(resending.create(contacts())).isEqualTo("6f1c9a52-0000-0000-0000-000000000001");

            assertThat(posts.get()).isEqualTo(2);
            assertThat(resending.resentCreates()).as("the lost create was looked for, not found, and sent again").hasValue(1);
        } finally {
            release.countDown();
            lossy.stop(0);
        }
    }

    @Test
    void aCreateThatWentThroughIsNotCountedAsSentAgain() {
        kyma.failNext(MockKyma.Route.REGISTRY, MockKyma.Failure.CUT_AFTER_APPLYING, 1);
        RestApplicationRegistry retrying = new RestApplicationRegistry(RestRegistryConfig.builder(kyma.registryUrl(APP))
                .retry(FAST_RETRY).build());

        retrying.create(contacts());

        assertThat(kyma.services(APP)).hasSize(1);
        assertThat(retrying.resentCreates()).hasValue(0);
    }

    private static final RegistryRetryConfig FAST_RETRY = RegistryRetryConfig.builder().maxAttempts(3)
            .initialBackoff(java.time.Duration.ofMillis(5)).maxBackoff(java.time.Duration.ofMillis(20)).build();

    @Nested
    class Configuration {

        @Test
        void takesTheApplicationFromTheBaseUrl() {
            RestRegistryConfig config = RestRegistryConfig.builder(
                    URI.create("http://application-registry-external-api.kyma-integration.svc.cluster.local:8081/mkt-prod/v1/metadata/services/"))
                    .build();

            assertThat(config.applicationName()).isEqualTo("mkt-prod");
            assertThat(config.baseUrl().toString()).endsWith("/mkt-prod/v1/metadata/services");
            assertThat(config.connectTimeout()).isEqualTo(RestRegistryConfig.DEFAULT_CONNECT_TIMEOUT);
            assertThat(new RestApplicationRegistry(config).maxConcurrentWrites()).isEqualTo(RestRegistryConfig.DEFAULT_MAX_CONCURRENT_WRITES);
        }

        @Test
        void rejectsBaseUrlsOfAnotherShape() {
            assertThatThrownBy(() -> RestRegistryConfig.builder(URI.create("http://host/mkt/v1/events")))
                    .hasMessageContaining("/{application}/v1/metadata/services");
            assertThatThrownBy(() -> RestRegistryConfig.builder(URI.create("http://host/v1/metadata/services")))
                    .hasMessageContaining("no Application name");
            assertThatThrownBy(() -> RestRegistryConfig.builder(URI.create("ftp://host/a/v1/metadata/services")))
                    .hasMessageContaining("http or https");
            assertThatThrownBy(() -> RestRegistryConfig.builder(URI.create("http://host/a/v1/metadata/services"))
                    .requestTimeout(java.time.Duration.ZERO)).hasMessageContaining("requestTimeout");
            assertThatThrownBy(() -> RestRegistryConfig.builder(URI.create("http://host/a/v1/metadata/services"))
                    .maxConcurrentWrites(0)).hasMessageContaining("maxConcurrentWrites");
        }
    }

    @Nested
    class Https {

        @Test
        void presentsTheClientCertificateAndTrustsTheClustersCa() throws Exception {
            TestCertificates certificates = TestCertificates.shared();
            try (MockKyma tls = MockKyma.builder().tls(certificates.server().sslContext(), true).start()) {
                RestApplicationRegistry secure = new RestApplicationRegistry(RestRegistryConfig.builder(tls.registryUrl(APP))
                        .tls(certificates.client()).build());

                String id = secure.create(contacts());

                assertThat(tls.url().getScheme()).isEqualTo("https");
                assertThat(secure.list()).extracting(e -> e.id()).containsExactly(id);
                assertThat(tls.requests()).allSatisfy(r -> assertThat(r.clientPrincipal()).contains("CN=" + TestCertificates.CLIENT_CN));

                RestApplicationRegistry withoutCertificate = new RestApplicationRegistry(RestRegistryConfig.builder(tls.registryUrl(APP))
                        .tls(certificates.clientWithoutCertificate()).retry(FAST_RETRY).build());
                assertThatThrownBy(withoutCertificate::list).isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.status()).isZero());

                RestApplicationRegistry defaultTrust = new RestApplicationRegistry(tls.registryUrl(APP));
                assertThatThrownBy(defaultTrust::list).isInstanceOf(RegistryException.class)
                        .hasCauseInstanceOf(javax.net.ssl.SSLHandshakeException.class);
            }
        }
    }
}
