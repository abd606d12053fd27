package dev.marketingconnector.core.spool;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
 * The event's {@code data} is written as the JSON text the event holds and read back as that same
 * text, byte for byte, so no number changes on the way through a spool ({@code 1e400} stays
 * {@code 1e400}, {@code 0.1000000000000000055511151231257827} keeps every digit).
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

    /**
     * Writes an event as one JSON object, its {@code data} copied as the JSON text the event holds.
     *
     * @param event the event to write
     * @return the UTF-8 JSON bytes, which {@link #decodeEvent} reads back
     */
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
            g.writeRawValue(event.dataText());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Reads back an event {@link #encodeEvent} wrote, with the same id and its {@code data} byte for byte.
     *
     * @param bytes a record {@link #encodeEvent} wrote
     * @return the event
     * @throws IllegalArgumentException when the bytes are not an event this codec wrote (the message names the field)
     */
    public static BusinessEvent decodeEvent(byte[] bytes) {
        String id = null;
        String type = null;
        String version = null;
        String time = null;
        int dataStart = -1;
        int dataEnd = -1;
        Integer format = null;
        try (JsonParser p = JSON.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a spooled event: not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "v" -> format = value == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : null;
                    case "id" -> id = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "type" -> type = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "version" -> version = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "time" -> time = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "data" -> {
                        dataStart = (int) p.currentTokenLocation().getByteOffset();
                        p.skipChildren();
                        dataEnd = (int) p.currentLocation().getByteOffset();
                    }
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a spooled event: not JSON", e);
        }
        if (format == null || format != VERSION) {
            throw new IllegalArgumentException("not a spooled event: format version " + format + ", expected " + VERSION);
        }
        try {
            UUID eventId = UUID.fromString(required(id, "id"));
            EventType eventType = new EventType(required(type, "type"), required(version, "version"));
            OffsetDateTime eventTime = OffsetDateTime.parse(required(time, "time"));
            if (dataStart < 0) {
                throw new IllegalArgumentException("not a spooled event: 'data' is missing");
            }
            return BusinessEvent.ofJson(eventId, eventType, eventTime, bytes, dataStart, dataEnd - dataStart);
        } catch (RuntimeException e) {
            throw e instanceof IllegalArgumentException i && i.getMessage() != null && i.getMessage().startsWith("not a spooled")
                    ? i : new IllegalArgumentException("not a spooled event: " + e.getMessage(), e);
        }
    }

    private static String required(String value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("not a spooled record: '" + field + "' is missing or not a string");
        }
        return value;
    }

    /**
     * Writes a dead letter as one JSON object, its payload in Base64.
     *
     * @param entry the dead letter to write
     * @return the UTF-8 JSON bytes, which {@link #decodeDeadLetter} reads back
     */
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
     * Reads back a dead letter {@link #encodeDeadLetter} wrote.
     *
     * @param bytes a record {@link #encodeDeadLetter} wrote
     * @return the dead letter, its payload decoded
     * @throws IllegalArgumentException when the bytes are not a dead letter this codec wrote (the message names the field)
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

    /**
     * Parses JSON keeping every number exact (BigDecimal), as the codec does; for payloads read back from a spool.
     *
     * @param json one JSON value, UTF-8
     * @return the parsed tree (null when {@code json} holds no value at all)
     * @throws IOException when {@code json} is not JSON, or has content after the value
     */
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
