package dev.marketingconnector.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marketingconnector.kyma.events.CloudEventsPublisher;
import dev.marketingconnector.mqtt.testing.MarketingEventSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The one event every benchmark sends: an SAP Marketing {@code BO.MarketingPermission.Changed} in the
 * legacy SAP shape on MQTT, and the same event as the binary-mode CloudEvent the bridge's publisher
 * posts, for the direct-POST ceiling. The event id is also the contact id in {@code data.KEY[0]},
 * so that a bridge that drops the SAP event id (the seed's Node bridge sends no {@code event-id})
 * still delivers something the sink can attribute to exactly one event. Payloads are stamped from a
 * template (only the id differs), so the load generator spends next to nothing producing them.
 */
final class EventPayloads {

    static final String TOPIC_SPACE = "sap/mkt/bench";
    static final String SAP_EVENT_TYPE = "BO.MarketingPermission.Changed";
    static final String TOPIC = MarketingEventSimulator.legacyTopic(TOPIC_SPACE, SAP_EVENT_TYPE);
    /** What the bridge makes of {@link #SAP_EVENT_TYPE}: type and version, as the publisher writes {@code ce-type}. */
    static final String CLOUD_EVENT_TYPE = "bo.marketingpermission.changed.v1";
    static final String APPLICATION_NAME = "mkt-bench";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UUID PLACEHOLDER = new UUID(0x0123456789abcdefL, 0x7edcba9876543210L);
    private static final byte[] PLACEHOLDER_TEXT = PLACEHOLDER.toString().getBytes(StandardCharsets.US_ASCII);

    private final Instant time = Instant.parse("2026-01-15T10:30:00Z");
    private final Template legacy;
    private final Template cloudEventData;
    private final String source = CloudEventsPublisher.eventingSource(APPLICATION_NAME);

    EventPayloads() {
        JsonNode data = MarketingEventSimulator.marketingPermissionData(PLACEHOLDER.toString());
        this.legacy = new Template(MarketingEventSimulator.legacyPayload(SAP_EVENT_TYPE, PLACEHOLDER, time, data));
        try {
            this.cloudEventData = new Template(JSON.writeValueAsBytes(data));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The SAP MQTT payload of the event with this id. */
    byte[] legacy(UUID id) {
        return legacy.stamp(id);
    }

    int legacySize() {
        return legacy.bytes.length;
    }

    /** The {@code data} of the event with this id, as the CloudEvents publisher sends it (the body in binary mode). */
    byte[] cloudEventData(UUID id) {
        return cloudEventData.stamp(id);
    }

    String source() {
        return source;
    }

    Instant time() {
        return time;
    }

    /** The request the bridge's CloudEvents publisher (binary mode) would send for the event with this id. */
    HttpRequest cloudEvent(URI endpoint, UUID id, Duration timeout) {
        return HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("ce-specversion", "1.0")
                .header("ce-id", id.toString())
                .header("ce-source", source)
                .header("ce-type", CLOUD_EVENT_TYPE)
                .header("ce-time", time.toString())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(cloudEventData(id)))
                .build();
    }

    /** A payload with the placeholder id at one or more places. */
    private static final class Template {

        private final byte[] bytes;
        private final int[] offsets;

        Template(byte[] bytes) {
            this.bytes = bytes;
            this.offsets = indexesOf(bytes, PLACEHOLDER_TEXT);
            if (offsets.length == 0) {
                throw new IllegalStateException("the payload template holds no event id");
            }
        }

        byte[] stamp(UUID id) {
            byte[] payload = bytes.clone();
            byte[] text = id.toString().getBytes(StandardCharsets.US_ASCII);
            for (int offset : offsets) {
                System.arraycopy(text, 0, payload, offset, text.length);
            }
            return payload;
        }

        private static int[] indexesOf(byte[] haystack, byte[] needle) {
            java.util.List<Integer> found = new java.util.ArrayList<>();
            outer:
            for (int i = 0; i <= haystack.length - needle.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (haystack[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                found.add(i);
            }
            return found.stream().mapToInt(Integer::intValue).toArray();
        }
    }
}
