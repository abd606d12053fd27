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
 * posts, for the direct-POST ceiling. Payloads are stamped from a template (only the id differs), so
 * the load generator spends next to nothing producing them.
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

    private final Instant time = Instant.parse("2026-01-15T10:30:00Z");
    private final JsonNode data = MarketingEventSimulator.marketingPermissionData("4711");
    private final byte[] template;
    private final int idOffset;
    private final byte[] cloudEventData;
    private final String source = CloudEventsPublisher.eventingSource(APPLICATION_NAME);

    EventPayloads() {
        this.template = MarketingEventSimulator.legacyPayload(SAP_EVENT_TYPE, PLACEHOLDER, time, data);
        this.idOffset = indexOf(template, PLACEHOLDER.toString().getBytes(StandardCharsets.US_ASCII));
        try {
            this.cloudEventData = JSON.writeValueAsBytes(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The SAP MQTT payload of the event with this id. */
    byte[] legacy(UUID id) {
        byte[] payload = template.clone();
        byte[] text = id.toString().getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, payload, idOffset, text.length);
        return payload;
    }

    int legacySize() {
        return template.length;
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
                .POST(HttpRequest.BodyPublishers.ofByteArray(cloudEventData))
                .build();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("the payload template holds no event id");
    }
}
