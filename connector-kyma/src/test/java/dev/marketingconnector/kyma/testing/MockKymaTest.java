package dev.marketingconnector.kyma.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.marketingconnector.kyma.testing.MockKyma.Encoding;
import dev.marketingconnector.kyma.testing.MockKyma.ReceivedEvent;
import dev.marketingconnector.kyma.testing.MockKyma.Route;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MockKymaTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String APP = "mkt-test";

    MockKyma kyma;

    @BeforeEach
    void start() {
        kyma = new MockKyma();
    }

    @AfterEach
    void stop() {
        kyma.close();
    }

    static HttpResponse<String> send(String method, URI url, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    static ObjectNode serviceDetails() {
        ObjectNode details = JSON.createObjectNode();
        details.put("provider", "SAP").put("name", "Marketing Contacts").put("description", "Contacts API").put("identifier", "mkt:contacts");
        details.putObject("labels").put("app.kubernetes.io/managed-by", "marketing-connector");
        ObjectNode api = details.putObject("api");
        api.put("targetUrl", "https://tenant.example.com/sap/opu/odata/sap/API_MKT_CONTACT_SRV");
        ObjectNode basic = api.putObject("credentials").putObject("basic");
        basic.put("username", "COMM_USER").put("password", "s3cret-pass");
        basic.putObject("csrfInfo").put("tokenEndpointURL", "https://tenant.example.com/sap/opu/odata/sap/API_MKT_CONTACT_SRV");
        api.put("SpecificationUrl", "https://tenant.example.com/sap/opu/odata/sap/API_MKT_CONTACT_SRV/$metadata");
        api.put("ApiType", "OData");
        return details;
    }

    static ObjectNode v1Event() {
        ObjectNode event = JSON.createObjectNode();
        event.put("event-type", "bo.marketingpermission.changed");
        event.put("event-type-version", "v1");
        event.put("event-id", "4caad296-e0c5-491e-98ac-0ed118f9474e");
        event.put("event-time", "2024-05-01T10:15:30.123Z");
        event.putObject("data").putArray("KEY").addObject().put("PERMISSION", "42");
        return event;
    }

    @Nested
    class ApplicationRegistry {

        @Test
        void registersListsReadsUpdatesAndDeletesAService() throws Exception {
            HttpResponse<String> created = send("POST", kyma.registryUrl(APP), serviceDetails().toString(), "Content-Type", "application/json");
            assertThat(created.statusCode()).isEqualTo(200);
            String id = json(created).get("id").asText();
            assertThat(UUID.fromString(id)).isNotNull();

            JsonNode list = json(send("GET", kyma.registryUrl(APP), null));
            assertThat(list).hasSize(1);
            assertThat(list.get(0).get("id").asText()).isEqualTo(id);
            assertThat(list.get(0).get("name").asText()).isEqualTo("Marketing Contacts");
            assertThat(list.get(0).get("identifier").asText()).isEqualTo("mkt:contacts");
            assertThat(list.get(0).get("labels").get("app.kubernetes.io/managed-by").asText()).isEqualTo("marketing-connector");
            assertThat(list.get(0).has("api")).isFalse();

            JsonNode read = json(send("GET", URI.create(kyma.registryUrl(APP) + "/" + id), null));
            assertThat(read.at("/api/credentials/basic/username").asText()).isEqualTo("COMM_USER");
            assertThat(read.at("/api/credentials/basic/password").asText()).isEqualTo(MockKyma.MASKED_SECRET);
            assertThat(kyma.services(APP).get(0).details().at("/api/credentials/basic/password").asText()).isEqualTo("s3cret-pass");
            assertThat(kyma.services(APP).get(0).toString()).contains("COMM_USER").doesNotContain("s3cret-pass");

            ObjectNode renamed = serviceDetails().put("name", "Contacts v2");
            assertThat(send("PUT", URI.create(kyma.registryUrl(APP) + "/" + id), renamed.toString()).statusCode()).isEqualTo(200);
            assertThat(kyma.services(APP)).singleElement().satisfies(s -> {
                assertThat(s.id()).isEqualTo(id);
                assertThat(s.name()).isEqualTo("Contacts v2");
                assertThat(s.identifier()).contains("mkt:contacts");
            });

            assertThat(send("DELETE", URI.create(kyma.registryUrl(APP) + "/" + id), null).statusCode()).isEqualTo(204);
            assertThat(kyma.services()).isEmpty();
            assertThat(send("GET", URI.create(kyma.registryUrl(APP) + "/" + id), null).statusCode()).isEqualTo(404);
        }

        @Test
        void answers404WithCodeAndErrorForUnknownIds() throws Exception {
            URI unknown = URI.create(kyma.registryUrl(APP) + "/" + UUID.randomUUID());
            for (String method : new String[] {"GET", "PUT", "DELETE"}) {
                HttpResponse<String> response = send(method, unknown, method.equals("PUT") ? serviceDetails().toString() : null);
                assertThat(response.statusCode()).as(method).isEqualTo(404);
                assertThat(json(response).get("code").asInt()).isEqualTo(404);
                assertThat(json(response).get("error").asText()).contains("not found");
            }
        }

        @Test
        void keepsApplicationsApart() throws Exception {
            send("POST", kyma.registryUrl("app-a"), serviceDetails().toString());
            assertThat(json(send("GET", kyma.registryUrl("app-b"), null))).isEmpty();
            assertThat(kyma.services("app-a")).hasSize(1);
        }

        @Test
        void refusesASecondServiceWithTheSameIdentifier() throws Exception {
            send("POST", kyma.registryUrl(APP), serviceDetails().toString());
            HttpResponse<String> second = send("POST", kyma.registryUrl(APP), serviceDetails().toString());
            assertThat(second.statusCode()).isEqualTo(409);
            assertThat(json(second).get("error").asText()).contains("identifier");
        }

        @Test
        void acceptsTheEventCatalogAsEventsSpec() throws Exception {
            ObjectNode details = serviceDetails();
            details.remove("api");
            details.putObject("events").putObject("spec").put("asyncapi", "1.0.0");
            assertThat(send("POST", kyma.registryUrl(APP), details.toString()).statusCode()).isEqualTo(200);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.marketingconnector.kyma.testing.MockKymaTest#badServiceDetails")
        void rejectsInvalidServiceDetailsNamingTheField(String field, ObjectNode details) throws Exception {
            HttpResponse<String> response = send("POST", kyma.registryUrl(APP), details.toString());

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(json(response).get("code").asInt()).isEqualTo(400);
            assertThat(json(response).get("error").asText()).contains(field);
            assertThat(response.body()).doesNotContain("s3cret-pass");
            assertThat(kyma.services()).isEmpty();
        }

        @Test
        void rejectsAnInvalidUpdateAndKeepsTheService() throws Exception {
            String id = json(send("POST", kyma.registryUrl(APP), serviceDetails().toString())).get("id").asText();
            ObjectNode bad = serviceDetails();
            bad.remove("description");

            HttpResponse<String> response = send("PUT", URI.create(kyma.registryUrl(APP) + "/" + id), bad.toString());

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(json(response).get("error").asText()).contains("description");
            assertThat(kyma.services(APP).get(0).details().get("description").asText()).isEqualTo("Contacts API");
        }

        @Test
        void rejectsAMethodTheRouteDoesNotServe() throws Exception {
            assertThat(send("DELETE", kyma.registryUrl(APP), null).statusCode()).isEqualTo(405);
        }
    }

    static Stream<Arguments> badServiceDetails() {
        List<Arguments> cases = new ArrayList<>();
        for (String required : new String[] {"provider", "name", "description"}) {
            ObjectNode details = serviceDetails();
            details.remove(required);
            cases.add(Arguments.of(required, details));
        }
        ObjectNode noTarget = serviceDetails();
        ((ObjectNode) noTarget.get("api")).remove("targetUrl");
        cases.add(Arguments.of("api.targetUrl", noTarget));
        ObjectNode badTarget = serviceDetails();
        ((ObjectNode) badTarget.get("api")).put("targetUrl", "not a url");
        cases.add(Arguments.of("api.targetUrl", badTarget));
        ObjectNode twoKinds = serviceDetails();
        ((ObjectNode) twoKinds.at("/api/credentials")).putObject("oauth").put("url", "https://auth.example.com/token")
                .put("clientId", "c").put("clientSecret", "s3cret-pass");
        cases.add(Arguments.of("api.credentials: exactly one of basic, oauth, certificateGen is allowed, found basic and oauth", twoKinds));
        ObjectNode noKind = serviceDetails();
        ((ObjectNode) noKind.at("/api/credentials")).remove("basic");
        cases.add(Arguments.of("api.credentials", noKind));
        ObjectNode noPassword = serviceDetails();
        ((ObjectNode) noPassword.at("/api/credentials/basic")).remove("password");
        cases.add(Arguments.of("api.credentials.basic.password", noPassword));
        ObjectNode oauthWithoutSecret = serviceDetails();
        ((ObjectNode) oauthWithoutSecret.at("/api/credentials")).remove("basic");
        ((ObjectNode) oauthWithoutSecret.at("/api/credentials")).putObject("oauth").put("url", "https://auth.example.com/token").put("clientId", "c");
        cases.add(Arguments.of("api.credentials.oauth.clientSecret", oauthWithoutSecret));
        ObjectNode badCsrf = serviceDetails();
        ((ObjectNode) badCsrf.at("/api/credentials/basic/csrfInfo")).remove("tokenEndpointURL");
        cases.add(Arguments.of("api.credentials.basic.csrfInfo.tokenEndpointURL", badCsrf));
        ObjectNode badSpecUrl = serviceDetails();
        ((ObjectNode) badSpecUrl.get("api")).put("SpecificationUrl", "metadata.xml");
        cases.add(Arguments.of("api.SpecificationUrl", badSpecUrl));
        ObjectNode badLabel = serviceDetails();
        ((ObjectNode) badLabel.get("labels")).put("count", 3);
        cases.add(Arguments.of("labels.count", badLabel));
        ObjectNode badEvents = serviceDetails();
        badEvents.putObject("events").put("spec", "asyncapi");
        cases.add(Arguments.of("events.spec", badEvents));
        cases.add(Arguments.of("body", JSON.createObjectNode()));
        return cases.stream().map(a -> a.get()[1] instanceof ObjectNode o && o.isEmpty()
                ? Arguments.of("provider", o) : a);
    }

    @Nested
    class EventsV1 {

        @Test
        void acceptsAnEventWithSourceIdOnV1Events() throws Exception {
            HttpResponse<String> response = send("POST", kyma.eventsUrl(), v1Event().put("source-id", APP).toString(),
                    "Content-Type", "application/json");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(json(response).get("event-id").asText()).isEqualTo("4caad296-e0c5-491e-98ac-0ed118f9474e");
            ReceivedEvent event = kyma.takeEvent(Duration.ofSeconds(5)).orElseThrow();
            assertThat(event.id()).isEqualTo("4caad296-e0c5-491e-98ac-0ed118f9474e");
            assertThat(event.type()).isEqualTo("bo.marketingpermission.changed");
            assertThat(event.version()).isEqualTo("v1");
            assertThat(event.qualifiedType()).isEqualTo("bo.marketingpermission.changed.v1");
            assertThat(event.source()).isEqualTo(APP);
            assertThat(event.time()).contains(java.time.OffsetDateTime.parse("2024-05-01T10:15:30.123Z"));
            assertThat(event.data().at("/KEY/0/PERMISSION").asText()).isEqualTo("42");
            assertThat(event.route()).isEqualTo(Route.EVENTS_V1);
            assertThat(event.encoding()).isEqualTo(Encoding.EVENTS_V1);
        }

        @Test
        void requiresSourceIdOnV1Events() throws Exception {
            HttpResponse<String> response = send("POST", kyma.eventsUrl(), v1Event().toString());

            assertThat(response.statusCode()).isEqualTo(400);
            JsonNode error = json(response);
            assertThat(error.get("status").asInt()).isEqualTo(400);
            assertThat(error.get("type").asText()).isEqualTo("Bad Request");
            assertThat(error.get("message").asText()).contains("source-id");
            assertThat(error.get("details").get(0).get("field").asText()).isEqualTo("source-id");
            assertThat(error.get("details").get(0).get("type").asText()).isEqualTo("missing_field");
            assertThat(kyma.events()).isEmpty();
        }

        @Test
        void takesTheApplicationFromThePath() throws Exception {
            HttpResponse<String> response = send("POST", kyma.eventsUrl("mkt-prod"), v1Event().toString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(kyma.events()).singleElement().satisfies(e -> {
                assertThat(e.source()).isEqualTo("mkt-prod");
                assertThat(e.route()).isEqualTo(Route.EVENTS_V1_APPLICATION);
            });
        }

        @Test
        void generatesAnEventIdWhenNoneIsGiven() throws Exception {
            ObjectNode event = v1Event();
            event.remove("event-id");

            HttpResponse<String> response = send("POST", kyma.eventsUrl(APP), event.toString());

            assertThat(response.statusCode()).isEqualTo(200);
            String id = json(response).get("event-id").asText();
            assertThat(UUID.fromString(id)).isNotNull();
            assertThat(kyma.events()).extracting(ReceivedEvent::id).containsExactly(id);
        }

        @ParameterizedTest(name = "{0}: {2}")
        @MethodSource("dev.marketingconnector.kyma.testing.MockKymaTest#badV1Events")
        void rejectsAnInvalidEventNamingTheField(String field, ObjectNode event, String why) throws Exception {
            HttpResponse<String> response = send("POST", kyma.eventsUrl(APP), event.toString());

            assertThat(response.statusCode()).isEqualTo(400);
            JsonNode error = json(response);
            assertThat(error.get("status").asInt()).isEqualTo(400);
            assertThat(error.get("message").asText()).contains(field);
            assertThat(error.get("details")).extracting(d -> d.get("field").asText()).contains(field);
            assertThat(kyma.events()).isEmpty();
        }

        @Test
        void rejectsABodyOver64KiBWith413() throws Exception {
            ObjectNode event = v1Event();
            event.put("data", "x".repeat(MockKyma.MAX_EVENT_BODY_BYTES));

            HttpResponse<String> response = send("POST", kyma.eventsUrl(APP), event.toString());

            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(json(response).get("message").asText()).contains("64 KiB");
            assertThat(kyma.events()).isEmpty();
        }

        @Test
        void acceptsABodyOfExactly64KiB() throws Exception {
            ObjectNode event = v1Event();
            event.put("data", "");
            int padding = MockKyma.MAX_EVENT_BODY_BYTES - event.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            event.put("data", "x".repeat(padding));

            assertThat(send("POST", kyma.eventsUrl(APP), event.toString()).statusCode()).isEqualTo(200);
        }
    }

    static Stream<Arguments> badV1Events() {
        List<Arguments> cases = new ArrayList<>();
        for (String required : new String[] {"event-type", "event-type-version", "event-time", "data"}) {
            ObjectNode event = v1Event();
            event.remove(required);
            cases.add(Arguments.of(required, event, "missing"));
        }
        for (String type : new String[] {"bo..changed", "bo.marketing_permission.changed", ".bo.changed", "bo.-x.changed",
                "a" + ".b".repeat(130)}) {
            cases.add(Arguments.of("event-type", v1Event().put("event-type", type), type.length() > 40 ? "longer than 253" : type));
        }
        for (String version : new String[] {"v12345", "v-1", ""}) {
            cases.add(Arguments.of("event-type-version", v1Event().put("event-type-version", version), "'" + version + "'"));
        }
        for (String id : new String[] {"not-a-uuid", "4caad296e0c5491e98ac0ed118f9474e"}) {
            cases.add(Arguments.of("event-id", v1Event().put("event-id", id), id));
        }
        for (String time : new String[] {"yesterday", "2024-05-01 10:15:30Z", "2024-13-01T10:15:30Z", "2024-05-01T10:15:30"}) {
            cases.add(Arguments.of("event-time", v1Event().put("event-time", time), time));
        }
        cases.add(Arguments.of("data", v1Event().putNull("data"), "null"));
        cases.add(Arguments.of("event-type", v1Event().put("event-type", 5), "a number"));
        return cases.stream();
    }

    @Nested
    class Publish {

        @Test
        void acceptsABinaryCloudEvent() throws Exception {
            HttpResponse<String> response = send("POST", kyma.publishUrl(), "{\"KEY\":[{\"PERMISSION\":\"42\"}]}",
                    "Content-Type", "application/json", "ce-specversion", "1.0", "ce-id", "a-1", "ce-source", "mkttest",
                    "ce-type", "bo.marketingpermission.changed.v1", "ce-time", "2024-05-01T10:15:30Z");

            assertThat(response.statusCode()).isEqualTo(204);
            ReceivedEvent event = kyma.takeEvent(Duration.ofSeconds(5)).orElseThrow();
            assertThat(event.id()).isEqualTo("a-1");
            assertThat(event.type()).isEqualTo("bo.marketingpermission.changed");
            assertThat(event.version()).isEqualTo("v1");
            assertThat(event.source()).isEqualTo("mkttest");
            assertThat(event.encoding()).isEqualTo(Encoding.BINARY);
            assertThat(event.route()).isEqualTo(Route.PUBLISH);
            assertThat(event.data().at("/KEY/0/PERMISSION").asText()).isEqualTo("42");
        }

        @Test
        void acceptsAStructuredCloudEvent() throws Exception {
            ObjectNode event = JSON.createObjectNode().put("specversion", "1.0").put("id", "s-1").put("source", "mkttest")
                    .put("type", "sap.kyma.custom.mkttest.bo.marketingpermission.changed.v1").put("time", "2024-05-01T10:15:30+02:00")
                    .put("datacontenttype", "application/json");
            event.putObject("data").put("PERMISSION", "42");

            HttpResponse<String> response = send("POST", kyma.publishUrl(), event.toString(), "Content-Type", "application/cloudevents+json; charset=utf-8");

            assertThat(response.statusCode()).isEqualTo(204);
            assertThat(kyma.events()).singleElement().satisfies(e -> {
                assertThat(e.encoding()).isEqualTo(Encoding.STRUCTURED);
                assertThat(e.qualifiedType()).isEqualTo("sap.kyma.custom.mkttest.bo.marketingpermission.changed.v1");
                assertThat(e.data().get("PERMISSION").asText()).isEqualTo("42");
            });
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.marketingconnector.kyma.testing.MockKymaTest#badBinaryHeaders")
        void rejectsAnInvalidBinaryCloudEventNamingTheAttribute(String field, Map<String, String> headers, String body) throws Exception {
            List<String> flat = new ArrayList<>(List.of("Content-Type", "application/json"));
            headers.forEach((k, v) -> {
                flat.add(k);
                flat.add(v);
            });

            HttpResponse<String> response = send("POST", kyma.publishUrl(), body, flat.toArray(String[]::new));

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(json(response).get("message").asText()).contains(field);
            assertThat(kyma.events()).isEmpty();
        }

        @Test
        void rejectsAStructuredEventWithoutId() throws Exception {
            String event = "{\"specversion\":\"1.0\",\"source\":\"mkttest\",\"type\":\"a.b.v1\",\"data\":{}}";

            HttpResponse<String> response = send("POST", kyma.publishUrl(), event, "Content-Type", "application/cloudevents+json");

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(json(response).get("details").get(0).get("field").asText()).isEqualTo("id");
        }

        @Test
        void rejectsStructuredNullDataAndBatches() throws Exception {
            String nullData = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"s\",\"type\":\"a.b.v1\",\"data\":null}";
            assertThat(send("POST", kyma.publishUrl(), nullData, "Content-Type", "application/cloudevents+json").statusCode()).isEqualTo(400);
            assertThat(send("POST", kyma.publishUrl(), "[]", "Content-Type", "application/cloudevents-batch+json").statusCode()).isEqualTo(400);
        }

        @Test
        void rejectsABodyOver64KiBWith413() throws Exception {
            HttpResponse<String> response = send("POST", kyma.publishUrl(), "\"" + "x".repeat(MockKyma.MAX_EVENT_BODY_BYTES) + "\"",
                    "Content-Type", "application/json", "ce-specversion", "1.0", "ce-id", "big", "ce-source", "s", "ce-type", "a.b.v1");

            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(kyma.events()).isEmpty();
        }

        @Test
        void servesOnlyPost() throws Exception {
            assertThat(send("GET", kyma.publishUrl(), null).statusCode()).isEqualTo(405);
        }
    }

    static Stream<Arguments> badBinaryHeaders() {
        Map<String, String> good = Map.of("ce-specversion", "1.0", "ce-id", "1", "ce-source", "mkttest", "ce-type", "a.b.v1");
        List<Arguments> cases = new ArrayList<>();
        for (String header : good.keySet()) {
            Map<String, String> without = new java.util.HashMap<>(good);
            without.remove(header);
            cases.add(Arguments.of(header, without, "{}"));
        }
        Map<String, String> oldVersion = new java.util.HashMap<>(good);
        oldVersion.put("ce-specversion", "0.3");
        cases.add(Arguments.of("specversion", oldVersion, "{}"));
        Map<String, String> badTime = new java.util.HashMap<>(good);
        badTime.put("ce-time", "May 1st");
        cases.add(Arguments.of("time", badTime, "{}"));
        cases.add(Arguments.of("data", good, "null"));
        cases.add(Arguments.of("data", good, "{not json"));
        return cases.stream();
    }

    @Nested
    class Faults {

        @Test
        void failNextAnswersTheStatusForTheNextCallsOnly() throws Exception {
            kyma.failNext(503, 2);

            assertThat(send("POST", kyma.eventsUrl(APP), v1Event().toString()).statusCode()).isEqualTo(503);
            assertThat(send("GET", kyma.registryUrl(APP), null).statusCode()).isEqualTo(503);
            assertThat(send("POST", kyma.eventsUrl(APP), v1Event().toString()).statusCode()).isEqualTo(200);
            assertThat(kyma.events()).hasSize(1);
        }

        @Test
        void failNextForARouteLeavesOtherRoutesAlone() throws Exception {
            kyma.failNext(Route.PUBLISH, 500, 1);

            assertThat(send("GET", kyma.registryUrl(APP), null).statusCode()).isEqualTo(200);
            HttpResponse<String> publish = send("POST", kyma.publishUrl(), "{}", "Content-Type", "application/json",
                    "ce-specversion", "1.0", "ce-id", "1", "ce-source", "s", "ce-type", "a.b.v1");
            assertThat(publish.statusCode()).isEqualTo(500);
            assertThat(json(publish).get("status").asInt()).isEqualTo(500);
        }

        @Test
        void injectedFailuresCarryTheRetryAfterHeader() throws Exception {
            kyma.setRetryAfter("7").failNext(429, 1);

            HttpResponse<String> failed = send("POST", kyma.eventsUrl(APP), v1Event().toString());
            HttpResponse<String> ok = send("POST", kyma.eventsUrl(APP), v1Event().toString());

            assertThat(failed.statusCode()).isEqualTo(429);
            assertThat(failed.headers().firstValue("Retry-After")).contains("7");
            assertThat(ok.headers().firstValue("Retry-After")).isEmpty();
        }

        @Test
        void randomFailuresAreRepeatableWithTheSameSeed() throws Exception {
            List<Integer> first = statuses(MockKyma.builder().seed(7).start());
            List<Integer> second = statuses(MockKyma.builder().seed(7).start());

            assertThat(first).isEqualTo(second).contains(503, 200);
        }

        private List<Integer> statuses(MockKyma mock) throws Exception {
            try (mock) {
                mock.failRandomly(0.5, 503);
                List<Integer> statuses = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    statuses.add(send("POST", mock.eventsUrl(APP), v1Event().toString()).statusCode());
                }
                assertThat(mock.events()).hasSize((int) statuses.stream().filter(s -> s == 200).count());
                return statuses;
            }
        }

        @Test
        void failuresAfterAcceptingRecordTheEventAndShowTheRedelivery() throws Exception {
            kyma.failRandomlyAfterAccepting(1.0, 504);
            assertThat(send("POST", kyma.eventsUrl(APP), v1Event().toString()).statusCode()).isEqualTo(504);
            kyma.failRandomlyAfterAccepting(0, 504);
            assertThat(send("POST", kyma.eventsUrl(APP), v1Event().toString()).statusCode()).isEqualTo(200);

            assertThat(kyma.duplicates()).containsExactly(Map.entry("4caad296-e0c5-491e-98ac-0ed118f9474e", 2));
            assertThat(kyma.eventsById()).hasSize(1);
        }

        @Test
        void registryCallsAreNotFailedRandomly() throws Exception {
            kyma.failRandomly(1.0, 503);

            assertThat(send("GET", kyma.registryUrl(APP), null).statusCode()).isEqualTo(200);
        }

        @Test
        void anOutageWindowFollowsTheClock() throws Exception {
            AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2024-05-01T10:00:00Z"));
            Clock clock = new Clock() {
                @Override
                public ZoneOffset getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return now.get();
                }
            };
            try (MockKyma mock = MockKyma.builder().clock(clock).start()) {
                mock.outage(Duration.ofSeconds(5));
                assertThat(send("POST", mock.eventsUrl(APP), v1Event().toString()).statusCode()).isEqualTo(503);
                now.set(now.get().plusSeconds(4));
                assertThat(send("GET", mock.registryUrl(APP), null).statusCode()).isEqualTo(503);
                now.set(now.get().plusSeconds(2));
                assertThat(send("POST", mock.eventsUrl(APP), v1Event().toString()).statusCode()).isEqualTo(200);
            }
        }

        @Test
        void startAndEndOutageSwitchTheServiceOffAndOn() throws Exception {
            kyma.startOutage();
            assertThat(send("POST", kyma.eventsUrl(APP), v1Event().toString()).statusCode()).isEqualTo(503);
            kyma.endOutage();
            assertThat(send("POST", kyma.eventsUrl(APP), v1Event().toString()).statusCode()).isEqualTo(200);
            assertThat(kyma.requestCount(Route.EVENTS_V1_APPLICATION)).isEqualTo(2);
            assertThat(kyma.requests()).extracting(MockKyma.RecordedRequest::status).containsExactly(503, 200);
        }

        @Test
        void latencyHoldsTheAnswerBack() {
            kyma.setLatency(Duration.ofSeconds(30));
            HttpRequest request = HttpRequest.newBuilder(kyma.eventsUrl(APP)).timeout(Duration.ofMillis(200))
                    .POST(HttpRequest.BodyPublishers.ofString(v1Event().toString())).build();

            assertThatThrownBy(() -> HTTP.send(request, HttpResponse.BodyHandlers.ofString())).isInstanceOf(HttpTimeoutException.class);
        }

        @Test
        void rejectsBadFaultSettings() {
            assertThatThrownBy(() -> kyma.failNext(42, 1)).hasMessageContaining("status");
            assertThatThrownBy(() -> kyma.failRandomly(1.5, 503)).hasMessageContaining("fraction");
            assertThatThrownBy(() -> kyma.setLatency(Duration.ofSeconds(-1))).hasMessageContaining("latency");
        }
    }

    @Test
    void unknownPathsAnswer404AndAreRecorded() throws Exception {
        HttpResponse<String> response = send("GET", URI.create(kyma.url() + "/nothing/here"), null);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(kyma.requests()).singleElement().satisfies(r -> assertThat(r.route()).isEmpty());
    }

    @Test
    void takeEventIsEmptyWhenNothingArrives() throws Exception {
        assertThat(kyma.takeEvent(Duration.ofMillis(20))).isEqualTo(Optional.empty());
    }

    @Test
    void resetForgetsEverything() throws Exception {
        send("POST", kyma.eventsUrl(APP), v1Event().toString());
        send("POST", kyma.registryUrl(APP), serviceDetails().toString());
        kyma.failNext(500, 3);

        kyma.reset();

        assertThat(kyma.events()).isEmpty();
        assertThat(kyma.services()).isEmpty();
        assertThat(kyma.requests()).isEmpty();
        assertThat(send("GET", kyma.registryUrl(APP), null).statusCode()).isEqualTo(200);
    }

    @Test
    void registeredServicesHaveTypedAccessorsForTheWireFormat() throws Exception {
        send("POST", kyma.registryUrl(APP), serviceDetails().toString());
        ObjectNode oauth = serviceDetails().put("identifier", "mkt:oauth");
        ((ObjectNode) oauth.get("api")).putObject("credentials").putObject("oauth")
                .put("url", "https://auth.example.com/oauth/token").put("clientId", "client-1").put("clientSecret", "client-s3cret");
        send("POST", kyma.registryUrl(APP), oauth.toString());
        ObjectNode events = JSON.createObjectNode().put("provider", "SAP").put("name", "Events").put("description", "catalog")
                .put("identifier", "mkt:events");
        events.putObject("events").putObject("spec").put("asyncapi", "1.0.0");
        send("POST", kyma.registryUrl(APP), events.toString());

        List<MockKyma.RegisteredService> services = kyma.services(APP);

        assertThat(services.get(0)).satisfies(api -> {
            assertThat(api.isApi()).isTrue();
            assertThat(api.isEvents()).isFalse();
            assertThat(api.provider()).isEqualTo("SAP");
            assertThat(api.description()).isEqualTo("Contacts API");
            assertThat(api.targetUrl()).contains(URI.create("https://tenant.example.com/sap/opu/odata/sap/API_MKT_CONTACT_SRV"));
            assertThat(api.specificationUrl()).contains(URI.create("https://tenant.example.com/sap/opu/odata/sap/API_MKT_CONTACT_SRV/$metadata"));
            assertThat(api.apiType()).contains("OData");
            assertThat(api.csrfTokenUrl()).contains(URI.create("https://tenant.example.com/sap/opu/odata/sap/API_MKT_CONTACT_SRV"));
            MockKyma.RegisteredCredentials credentials = api.credentials().orElseThrow();
            assertThat(credentials.kind()).isEqualTo(MockKyma.CredentialsKind.BASIC);
            assertThat(credentials.user()).isEqualTo("COMM_USER");
            assertThat(credentials.secret().reveal()).isEqualTo("s3cret-pass");
            assertThat(credentials.toString()).doesNotContain("s3cret-pass");
            assertThat(api.eventsSpec()).isEmpty();
        });
        assertThat(services.get(1).credentials()).hasValueSatisfying(credentials -> {
            assertThat(credentials.kind()).isEqualTo(MockKyma.CredentialsKind.OAUTH);
            assertThat(credentials.user()).isEqualTo("client-1");
            assertThat(credentials.tokenUrl()).contains(URI.create("https://auth.example.com/oauth/token"));
            assertThat(credentials.csrfTokenUrl()).isEmpty();
        });
        assertThat(services.get(2)).satisfies(catalog -> {
            assertThat(catalog.isEvents()).isTrue();
            assertThat(catalog.targetUrl()).isEmpty();
            assertThat(catalog.credentials()).isEmpty();
            assertThat(catalog.eventsSpec()).hasValueSatisfying(spec -> assertThat(spec.get("asyncapi").asText()).isEqualTo("1.0.0"));
        });
    }

    @Test
    void receivedEventsHaveTypedAccessors() throws Exception {
        send("POST", kyma.eventsUrl(APP), v1Event().toString());
        send("POST", kyma.publishUrl(), "{\"CONTACT\":\"4711\"}", "Content-Type", "application/json", "ce-specversion", "1.0",
                "ce-id", "not-a-uuid", "ce-source", "mkttest", "ce-type", "bo.marketingpermission.changed");

        ReceivedEvent v1 = kyma.awaitEvent(Duration.ofSeconds(5));
        ReceivedEvent cloudEvent = kyma.awaitEvent(Duration.ofSeconds(5));

        assertThat(v1.eventType().qualified()).isEqualTo("bo.marketingpermission.changed.v1");
        assertThat(v1.uuid()).contains(UUID.fromString("4caad296-e0c5-491e-98ac-0ed118f9474e"));
        assertThat(v1.isCloudEvent()).isFalse();
        assertThat(v1.dataText("KEY")).isEmpty();
        assertThat(cloudEvent.isCloudEvent()).isTrue();
        assertThat(cloudEvent.eventType().version()).isEqualTo("v1");
        assertThat(cloudEvent.uuid()).isEmpty();
        assertThat(cloudEvent.dataText("CONTACT")).contains("4711");
    }

    @Test
    void awaitEventFailsWhenNoEventArrives() {
        assertThatThrownBy(() -> kyma.awaitEvent(Duration.ofMillis(20))).isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected an event within");
    }

    @Test
    void theBuilderStartsAndResetReturnsTheMock() throws Exception {
        try (MockKyma started = MockKyma.builder().seed(7).start()) {
            assertThat(send("GET", started.registryUrl(APP), null).statusCode()).isEqualTo(200);
            assertThat(started.reset()).isSameAs(started);
        }
    }

    @Test
    void listensOnLoopbackOnAFreePort() {
        assertThat(kyma.url().getHost()).isEqualTo("127.0.0.1");
        assertThat(kyma.port()).isPositive();
        assertThat(kyma.registryUrl("x").toString()).isEqualTo(kyma.url() + "/x/v1/metadata/services");
        assertThat(kyma.publishUrl().toString()).endsWith("/publish");
    }
}
