package dev.marketingconnector.core.spool;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.EventType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.UUID;

/**
 * How spools write events and dead letters: one JSON object each, the same on disk and on JetStream.
 * The event's {@code data} is written exactly as the event holds it and read back with
 * {@code BigDecimal}s, so no number changes on the way through a spool ({@code 1e400} stays
 * {@code 1E+400}, {@code 0.1000000000000000055511151231257827} keeps every digit).
 *
 * <pre>
 * event:       {"v":1,"id":"…","type":"bo.marketingpermission.changed","version":"v1","time":"2026-01-15T10:30:00Z","data":…}
 * dead letter: {"v":1,"time":"…","reason":"not_json","detail":"…","topic":"…","clientId":"…","kind":"MQTT_PAYLOAD","payload":"base64…"}
 * </pre>
 */
public final class SpoolCodec {

    /** The format version written into every record. */
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private SpoolCodec() {
    }

    public static byte[] encodeEvent(BusinessEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", VERSION);
            g.writeStringField("id", event.id().toString());
            g.writeStringField("type", event.type().name());
            g.writeStringField("version", event.type().version());
            g.writeStringField("time", event.time().toString());
            g.writeFieldName("data");
            JSON.writeTree(g, event.data());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * @throws IllegalArgumentException when the bytes are not an event this codec wrote (the message names the field)
     */
    public static BusinessEvent decodeEvent(byte[] bytes) {
        JsonNode tree = tree(bytes, "event");
        try {
            UUID id = UUID.fromString(text(tree, "id"));
            EventType type = new EventType(text(tree, "type"), text(tree, "version"));
            OffsetDateTime time = OffsetDateTime.parse(text(tree, "time"));
            JsonNode data = tree.get("data");
            return new BusinessEvent(id, type, time, data);
        } catch (RuntimeException e) {
            throw e instanceof IllegalArgumentException i && i.getMessage() != null && i.getMessage().startsWith("not a spooled")
                    ? i : new IllegalArgumentException("not a spooled event: " + e.getMessage(), e);
        }
    }

    public static byte[] encodeDeadLetter(DeadLetterEntry entry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + entry.payloadBytes() * 4 / 3);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", VERSION);
            g.writeStringField("time", entry.time().toString());
            g.writeStringField("reason", entry.reason());
            g.writeStringField("detail", entry.detail());
            g.writeStringField("topic", entry.topic());
            g.writeStringField("clientId", entry.clientId());
            g.writeStringField("kind", entry.kind().name());
            g.writeStringField("payload", Base64.getEncoder().encodeToString(entry.payload()));
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * @throws IllegalArgumentException when the bytes are not a dead letter this codec wrote
     */
    public static DeadLetterEntry decodeDeadLetter(byte[] bytes) {
        JsonNode tree = tree(bytes, "dead letter");
        try {
            return new DeadLetterEntry(Instant.parse(text(tree, "time")), text(tree, "reason"), text(tree, "detail"),
                    text(tree, "topic"), text(tree, "clientId"), DeadLetterEntry.PayloadKind.valueOf(text(tree, "kind")),
                    Base64.getDecoder().decode(text(tree, "payload")));
        } catch (DateTimeException | IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("not a spooled dead letter: " + e.getMessage(), e);
        }
    }

    /** Parses JSON keeping every number exact (BigDecimal), as the codec does; for payloads read back from a spool. */
    public static JsonNode readExact(byte[] json) throws IOException {
        try (JsonParser p = JSON.createParser(json)) {
            JsonNode node = JSON.readTree(p);
            if (p.nextToken() != null) {
                throw new IOException("content after the JSON value");
            }
            return node;
        }
    }

    private static JsonNode tree(byte[] bytes, String what) {
        JsonNode tree;
        try {
            tree = readExact(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a spooled " + what + ": not JSON", e);
        }
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("not a spooled " + what + ": not a JSON object");
        }
        JsonNode version = tree.get("v");
        if (version == null || !version.canConvertToInt() || version.intValue() != VERSION) {
            throw new IllegalArgumentException("not a spooled " + what + ": format version " + version + ", expected " + VERSION);
        }
        return tree;
    }

    private static String text(JsonNode tree, String field) {
        JsonNode value = tree.get(field);
        if (value == null || value.getNodeType() != com.fasterxml.jackson.databind.node.JsonNodeType.STRING) {
            throw new IllegalArgumentException("not a spooled record: '" + field + "' is missing or not a string");
        }
        return value.textValue();
    }
}
