package dev.marketingconnector.core.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * One business event on its way to Kyma. The id is stable: a redelivered SAP message maps to the
 * same id, so subscribers can recognise the duplicate.
 *
 * <p>The data travels as JSON text, exactly as it arrived ({@link #ofJson}): publishers copy those
 * bytes into the request, so numbers such as {@code 1e400} or
 * {@code 12345678901234567890.123456789} reach Kyma digit for digit. {@link #data()} is a tree view
 * of the same text for code that wants to look inside; it keeps every number's value
 * ({@code BigInteger}, {@code BigDecimal}) and is built on first use.
 */
public final class BusinessEvent {

    private static final JsonFactory FACTORY = new JsonFactory();
    /** Exact numbers in the tree view: integers as int, long or BigInteger, decimals as BigDecimal with their scale. */
    private static final ObjectMapper EXACT = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();
    private static final int MAX_DATA_IN_TO_STRING = 200;

    private final UUID id;
    private final EventType type;
    private final OffsetDateTime time;
    private final byte[] dataJson;
    private volatile JsonNode data;

    /**
     * An event whose data is a JSON tree (serialised once, here).
     *
     * @param id   the event id
     * @param type the Kyma event type and version
     * @param time when the event happened (or, if the payload does not say, when it was received)
     * @param data the event's data, any JSON value but null
     */
    public BusinessEvent(UUID id, EventType type, OffsetDateTime time, JsonNode data) {
        this(id, type, time, serialize(id, type, data), data);
    }

    private BusinessEvent(UUID id, EventType type, OffsetDateTime time, byte[] dataJson, JsonNode data) {
        this.id = Objects.requireNonNull(id, "id");
        this.type = Objects.requireNonNull(type, "type");
        this.time = Objects.requireNonNull(time, "time");
        this.dataJson = dataJson;
        this.data = data;
    }

    /**
     * An event whose data is the JSON text in {@code json[offset, offset + length)} (UTF-8), copied
     * and kept as it is.
     *
     * @throws IllegalArgumentException when that text is not exactly one JSON value, or is {@code null}
     * @param id the id
     * @param type the type
     * @param time the time
     * @param json the data as JSON text
     * @param offset the offset
     * @param length the length
     * @return the event
     */
    public static BusinessEvent ofJson(UUID id, EventType type, OffsetDateTime time, byte[] json, int offset, int length) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(json, "json");
        Objects.checkFromIndexSize(offset, length, json.length);
        String problem = problem(json, offset, length);
        if (problem != null) {
            throw new IllegalArgumentException("event " + id + " (" + type + "): data " + problem);
        }
        return new BusinessEvent(id, type, time, Arrays.copyOfRange(json, offset, offset + length), null);
    }

    /**
     * {@link #ofJson(UUID, EventType, OffsetDateTime, byte[], int, int)} of a whole array.
     *
     * @param id the id
     * @param type the type
     * @param time the time
     * @param json the data as JSON text
     * @return the event
     */
    public static BusinessEvent ofJson(UUID id, EventType type, OffsetDateTime time, byte[] json) {
        return ofJson(id, type, time, json, 0, json.length);
    }

    /**
     * {@link #ofJson(UUID, EventType, OffsetDateTime, byte[], int, int)} of a string's UTF-8 bytes.
     *
     * @param id the id
     * @param type the type
     * @param time the time
     * @param json the data as JSON text
     * @return the event
     */
    public static BusinessEvent ofJson(UUID id, EventType type, OffsetDateTime time, String json) {
        Objects.requireNonNull(json, "json");
        return ofJson(id, type, time, json.getBytes(StandardCharsets.UTF_8));
    }

    /** {@return the event id} */
    public UUID id() {
        return id;
    }

    /** {@return the Kyma event type and version} */
    public EventType type() {
        return type;
    }

    /** {@return when the event happened (or, if the payload does not say, when it was received)} */
    public OffsetDateTime time() {
        return time;
    }

    /** {@return the data as JSON text (UTF-8), exactly as given: a read-only view, not a copy} */
    public ByteBuffer dataJson() {
        return ByteBuffer.wrap(dataJson).asReadOnlyBuffer();
    }

    /** {@return how many bytes the data's JSON text has} */
    public int dataSize() {
        return dataJson.length;
    }

    /** {@return the data as JSON text} */
    public String dataText() {
        return new String(dataJson, StandardCharsets.UTF_8);
    }

    /**
     * The data as a JSON tree, with exact numbers. Built from {@link #dataJson()} on first use; do not
     * modify it (publishers send {@link #dataJson()}, not this tree).
     *
     * @return the data as a tree with exact numbers
     */
    public JsonNode data() {
        JsonNode tree = data;
        if (tree == null) {
            try {
                tree = EXACT.readTree(dataJson);
            } catch (IOException e) {
                throw new UncheckedIOException("event " + id + ": its data is no longer readable JSON", e);
            }
            data = tree;
        }
        return tree;
    }

    private static byte[] serialize(UUID id, EventType type, JsonNode data) {
        if (data == null || data.isNull() || data.isMissingNode()) {
            throw new IllegalArgumentException("event " + id + " (" + type + "): data must be a JSON value, not null");
        }
        try {
            return EXACT.writeValueAsBytes(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event " + id + " (" + type + "): data cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** What is wrong with the text as one non-null JSON value, or null when nothing is. */
    private static String problem(byte[] json, int offset, int length) {
        try (JsonParser parser = FACTORY.createParser(json, offset, length)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return "is empty; it must be a JSON value";
            }
            if (first == JsonToken.VALUE_NULL) {
                return "must be a JSON value, not null";
            }
            parser.skipChildren();
            if (first == JsonToken.VALUE_STRING) {
                parser.finishToken();
            }
            if (parser.nextToken() != null) {
                return "has content after its JSON value";
            }
            return null;
        } catch (JsonProcessingException e) {
            return "is not valid JSON (at byte " + e.getLocation().getByteOffset() + ")";
        } catch (IOException e) {
            return "cannot be read: " + e.getMessage();
        }
    }

    /** Equal when id, type, time and the data's JSON text are equal. */
    @Override
    public boolean equals(Object other) {
        return other instanceof BusinessEvent that && id.equals(that.id) && type.equals(that.type) && time.equals(that.time)
                && Arrays.equals(dataJson, that.dataJson);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, type, time, Arrays.hashCode(dataJson));
    }

    @Override
    public String toString() {
        String text = dataJson.length <= MAX_DATA_IN_TO_STRING ? dataText()
                : new String(dataJson, 0, MAX_DATA_IN_TO_STRING, StandardCharsets.UTF_8) + "… (" + dataJson.length + " bytes)";
        return "BusinessEvent[id=" + id + ", type=" + type + ", time=" + time + ", data=" + text + "]";
    }
}
