package dev.marketingconnector.kyma.events;

import static dev.marketingconnector.kyma.events.TestEvents.APP;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.events.EventTypeMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.message.MessageReader;
import io.cloudevents.http.HttpMessageFactory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the publishers put on the wire, read back byte for byte at a plain HTTP server and, for
 * CloudEvents, by the CloudEvents SDK's HTTP binding (an independent reader of the format).
 */
class PublisherWireFormatTest {

    /** Numbers a double cannot hold: they must reach Kyma as written. */
    static final String EXACT_DATA = "{\"KEY\":[{\"ID\":\"4711\"}],\"big\":1e400,\"tiny\":-1e-400,"
            + "\"long\":0.1000000000000000055511151231257827,\"wide\":12345678901234567890.123456789, \"spaced\" : [ 1.50 ]}";

    private static BusinessEvent exactEvent() {
        return BusinessEvent.ofJson(UUID.fromString("6a1c9b2e-7d4f-4b8a-9c3e-2f1d0e9b8a7c"), EventTypeMapper.map("BO.MarketingPermission.Changed"),
                OffsetDateTime.parse("2024-05-01T10:15:30.250+02:00"), EXACT_DATA);
    }

    private static CapturingServer.Captured publishAndCapture(CapturingServer stub, EventPublisher publisher) throws Exception {
        publisher.publish(exactEvent()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        return stub.take();
    }

    @Test
    void binaryModeSendsTheAttributesAsHeadersAndTheDataTextAsTheBody() throws Exception {
        try (CapturingServer stub = new CapturingServer();
                CloudEventsPublisher publisher = new CloudEventsPublisher(PublisherConfig.builder(stub.url("/publish")).build(), APP)) {
            CapturingServer.Captured request = publishAndCapture(stub, publisher);

            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/publish");
            assertThat(request.bodyText()).isEqualTo(EXACT_DATA);
            assertThat(request.header("ce-specversion")).isEqualTo("1.0");
            assertThat(request.header("ce-id")).isEqualTo("6a1c9b2e-7d4f-4b8a-9c3e-2f1d0e9b8a7c");
            assertThat(request.header("ce-source")).isEqualTo("mkttest");
            assertThat(request.header("ce-type")).isEqualTo("bo.marketingpermission.changed.v1");
            assertThat(request.header("ce-time")).isEqualTo("2024-05-01T10:15:30.25+02:00");
            assertThat(request.header("content-type")).isEqualTo("application/json");
            assertThat(request.header("content-length")).isEqualTo(String.valueOf(EXACT_DATA.length()));

            CloudEvent read = HttpMessageFactory.createReader(request.headers(), request.body()).toEvent();
            assertThat(read.getSpecVersion().toString()).isEqualTo("1.0");
            assertThat(read.getId()).isEqualTo("6a1c9b2e-7d4f-4b8a-9c3e-2f1d0e9b8a7c");
            assertThat(read.getSource()).isEqualTo(URI.create("mkttest"));
            assertThat(read.getType()).isEqualTo("bo.marketingpermission.changed.v1");
            assertThat(read.getTime()).isEqualTo(exactEvent().time());
            assertThat(read.getDataContentType()).isEqualTo("application/json");
            assertThat(new String(read.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo(EXACT_DATA);
        }
    }

    @Test
    void structuredModeSendsOneCloudEventsDocumentWithTheDataTextInside() throws Exception {
        try (CapturingServer stub = new CapturingServer();
                CloudEventsPublisher publisher = new CloudEventsPublisher(PublisherConfig.builder(stub.url("/publish")).build(), APP,
                        CloudEventsPublisher.Mode.STRUCTURED)) {
            CapturingServer.Captured request = publishAndCapture(stub, publisher);

            assertThat(request.header("content-type")).isEqualTo("application/cloudevents+json");
            assertThat(request.bodyText()).isEqualTo("{\"specversion\":\"1.0\",\"id\":\"6a1c9b2e-7d4f-4b8a-9c3e-2f1d0e9b8a7c\","
                    + "\"source\":\"mkttest\",\"type\":\"bo.marketingpermission.changed.v1\",\"datacontenttype\":\"application/json\","
                    + "\"time\":\"2024-05-01T10:15:30.25+02:00\",\"data\":" + EXACT_DATA + "}");

            MessageReader reader = HttpMessageFactory.createReader(request.headers(), request.body());
            CloudEvent read = reader.toEvent();
            assertThat(read.getId()).isEqualTo("6a1c9b2e-7d4f-4b8a-9c3e-2f1d0e9b8a7c");
            assertThat(read.getType()).isEqualTo("bo.marketingpermission.changed.v1");
            assertThat(read.getTime()).isEqualTo(exactEvent().time());
            JsonNode data = TestEvents.JSON.readTree(read.getData().toBytes());
            assertThat(data.path("KEY").get(0).path("ID").asText()).isEqualTo("4711");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"LEGACY_SOURCE_ID", "LEGACY_PATH"})
    void eventsV1CarriesTheDataTextByteForByte(Form form) throws Exception {
        String path = form == Form.LEGACY_PATH ? "/" + APP + "/v1/events" : "/v1/events";
        try (CapturingServer stub = new CapturingServer().answering(200);
                LegacyEventsPublisher publisher = new LegacyEventsPublisher(PublisherConfig.builder(stub.url(path)).build(), APP)) {
            CapturingServer.Captured request = publishAndCapture(stub, publisher);

            assertThat(request.bodyText()).isEqualTo("{" + (form == Form.LEGACY_SOURCE_ID ? "\"source-id\":\"mkt-test\"," : "")
                    + "\"event-type\":\"bo.marketingpermission.changed\",\"event-type-version\":\"v1\","
                    + "\"event-id\":\"6a1c9b2e-7d4f-4b8a-9c3e-2f1d0e9b8a7c\",\"event-time\":\"2024-05-01T10:15:30.25+02:00\","
                    + "\"data\":" + EXACT_DATA + "}");
            assertThat(request.header("accept")).isEqualTo("application/json");
        }
    }

    enum Form { LEGACY_SOURCE_ID, LEGACY_PATH }

    @Test
    void anApplicationNameIsWrittenAsAJsonString() throws Exception {
        try (CapturingServer stub = new CapturingServer().answering(200);
                LegacyEventsPublisher publisher = new LegacyEventsPublisher(PublisherConfig.builder(stub.url("/v1/events")).build(),
                        "odd\"name\\é")) {
            JsonNode body = TestEvents.JSON.readTree(publishAndCapture(stub, publisher).body());

            assertThat(body.path("source-id").asText()).isEqualTo("odd\"name\\é");
        }
    }

    @Test
    void writesTimesExactlyAsIsoOffsetDateTimeDoes() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextLong() % 400_000_000_000L;
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            int offsetSeconds = switch (i % 5) {
                case 0 -> 0;
                case 1 -> (random.nextInt(37) - 18) * 3600;
                case 2 -> (random.nextInt(2 * 18 * 4) - 18 * 4) * 900;
                case 3 -> random.nextInt(2 * 64_800) - 64_800;
                default -> -3 * 3600 - 30 * 60;
            };
            OffsetDateTime time = OffsetDateTime.ofInstant(Instant.ofEpochSecond(seconds, nanos), ZoneOffset.ofTotalSeconds(offsetSeconds));
            ByteBuf out = Unpooled.buffer();
            EventRequest.writeTime(out, time);
            String expected = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time);
            assertThat(out.toString(StandardCharsets.US_ASCII)).as(time.toString()).isEqualTo(expected);
            assertThat(EventRequest.timeLength(time)).as(time.toString()).isEqualTo(expected.length());
        }
    }

    @Test
    void writesUuidsAsTheirCanonicalText() {
        Random random = new Random(7);
        for (int i = 0; i < 1000; i++) {
            UUID id = new UUID(random.nextLong(), random.nextLong());
            ByteBuf out = Unpooled.buffer();
            EventRequest.writeUuid(out, id);
            assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo(id.toString());
        }
    }
}
