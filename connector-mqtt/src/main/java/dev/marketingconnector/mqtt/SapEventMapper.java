package dev.marketingconnector.mqtt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.EventType;
import dev.marketingconnector.core.events.EventTypeMapper;
import dev.marketingconnector.core.events.InvalidEventTypeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps the JSON payload of an SAP event message to a {@link BusinessEvent}. Pure and thread-safe.
 *
 * <p>Two payload shapes are accepted: the legacy CloudEvents-0.1-like one
 * ({@code eventType}, {@code eventID}, {@code eventTime}, {@code data}) and CloudEvents 1.0
 * structured JSON ({@code specversion}, {@code type}, {@code id}, {@code time}, {@code data}).
 * <ul>
 *   <li>Type: {@code eventType} / {@code type}; when absent, the topic minus a configured topic
 *       space (or the {@code ce/} prefix), {@code /} becoming {@code .}. Then lower-cased, a
 *       trailing {@code .vN} taken as the version, else {@code v1} ({@link EventTypeMapper}).</li>
 *   <li>Id: {@code eventID} / {@code id} when it is a UUID (canonical, or SAP's 32 hex digits);
 *       otherwise a name-based UUID of the topic, a NUL byte and the payload bytes, so a
 *       redelivered message keeps its id.</li>
 *   <li>Time: {@code eventTime} / {@code time} (RFC 3339; without an offset it is taken as UTC),
 *       else the receive time.</li>
 *   <li>Data: {@code data} (for CloudEvents also {@code data_base64}, as a string), kept as the JSON text
 *       it arrived as ({@link BusinessEvent#ofJson}): numbers keep every digit on their way to Kyma.</li>
 * </ul>
 * A payload that cannot be mapped raises an {@link EventMappingException} whose reason says why.
 */
public final class SapEventMapper {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final int TYPE_CACHE_LIMIT = 1024;
    private static final String CLOUD_EVENTS_TOPIC_PREFIX = "ce/";

    private final List<String> topicSpacePrefixes;
    private final ConcurrentHashMap<String, EventType> typeCache = new ConcurrentHashMap<>();

    /** A mapper that knows no topic spaces (a topic-derived type then uses the whole topic). */
    public SapEventMapper() {
        this(List.of());
    }

    /**
     * @param topicSpaces the topic spaces of the SAP communication arrangements, such as
     *                    {@code sap/mkt/tenant1}; stripped from topics when a type is derived from the topic
     */
    public SapEventMapper(Collection<String> topicSpaces) {
        Objects.requireNonNull(topicSpaces, "topicSpaces");
        this.topicSpacePrefixes = topicSpaces.stream()
                .map(space -> normalizeTopicSpace(Objects.requireNonNull(space, "topic space")))
                .distinct()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
    }

    static String normalizeTopicSpace(String space) {
        String s = space.strip();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty() || s.indexOf('+') >= 0 || s.indexOf('#') >= 0) {
            throw new IllegalArgumentException("topic space '" + space + "' must be a non-empty topic without wildcards");
        }
        return s + "/";
    }

    /** {@return the topic spaces this mapper strips, each with a trailing {@code /}} */
    public List<String> topicSpaces() {
        return topicSpacePrefixes;
    }

    /**
     * Maps a whole payload array.
     *
     * @param topic the MQTT topic
     * @param payload the payload
     * @param receivedAt the received at
     * @return the business event
     */
    public BusinessEvent map(String topic, byte[] payload, Instant receivedAt) {
        return map(topic, payload, 0, payload.length, receivedAt);
    }

    /**
     * Maps {@code length} payload bytes starting at {@code offset}.
     *
     * @param topic the MQTT topic
     * @param payload the payload
     * @param offset the offset
     * @param length the length
     * @param receivedAt the event time to use when the payload has none
     * @return the business event
     * @throws EventMappingException when the payload can never become an event
     */
    public BusinessEvent map(String topic, byte[] payload, int offset, int length, Instant receivedAt) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.checkFromIndexSize(offset, length, payload.length);
        Fields f = parse(topic, payload, offset, length);

        String typeText = f.ce ? first(f.type, f.eventType) : first(f.eventType, f.type);
        String idText = f.ce ? first(f.id, f.eventId) : first(f.eventId, f.id);
        String timeText = f.ce ? first(f.time, f.eventTime) : first(f.eventTime, f.time);

        EventType type = typeText == null || typeText.isBlank() ? typeFromTopic(topic) : eventType(typeText, topic);
        int dataStart = f.dataStart;
        int dataEnd = f.dataEnd;
        if (dataStart < 0 && f.base64Start >= 0) {
            dataStart = f.base64Start;
            dataEnd = f.base64End;
        }
        if (dataStart < 0) {
            throw new EventMappingException(DeadLetter.Reason.INVALID_EVENT, topic,
                    "The payload on topic '" + topic + "' has no 'data'");
        }
        UUID id = idText == null ? null : parseUuid(idText);
        if (id == null) {
            id = nameBasedId(topic, payload, offset, length);
        }
        OffsetDateTime time = timeText == null ? OffsetDateTime.ofInstant(receivedAt, ZoneOffset.UTC) : parseTime(timeText, topic);
        // The data goes on as the very bytes that came: numbers keep every digit, nothing is re-encoded.
        return BusinessEvent.ofJson(id, type, time, payload, offset + dataStart, dataEnd - dataStart);
    }

    /**
     * The event type a topic alone gives (used when the payload names none).
     *
     * @param topic the MQTT topic
     * @return the event type a topic alone gives (used when the payload names none)
     */
    public EventType typeFromTopic(String topic) {
        String rest = null;
        for (String prefix : topicSpacePrefixes) {
            if (topic.startsWith(prefix)) {
                rest = topic.substring(prefix.length());
                break;
            }
        }
        if (rest == null) {
            rest = topic.startsWith(CLOUD_EVENTS_TOPIC_PREFIX) ? topic.substring(CLOUD_EVENTS_TOPIC_PREFIX.length()) : topic;
        }
        int start = 0;
        int end = rest.length();
        while (start < end && rest.charAt(start) == '/') {
            start++;
        }
        while (end > start && rest.charAt(end - 1) == '/') {
            end--;
        }
        String name = rest.substring(start, end).replace('/', '.');
        if (name.isEmpty()) {
            throw new EventMappingException(DeadLetter.Reason.INVALID_EVENT_TYPE, topic,
                    "The payload on topic '" + topic + "' names no event type and the topic gives none");
        }
        return eventType(name, topic);
    }

    private EventType eventType(String text, String topic) {
        EventType cached = typeCache.get(text);
        if (cached != null) {
            return cached;
        }
        EventType type;
        try {
            type = EventTypeMapper.map(text);
        } catch (InvalidEventTypeException e) {
            throw new EventMappingException(DeadLetter.Reason.INVALID_EVENT_TYPE, topic,
                    "Topic '" + topic + "': " + e.getMessage());
        }
        if (typeCache.size() < TYPE_CACHE_LIMIT) {
            typeCache.putIfAbsent(text, type);
        }
        return type;
    }

    private static final class Fields {
        boolean ce;
        String eventType;
        String type;
        String eventId;
        String id;
        String eventTime;
        String time;
        /** Where the JSON value of {@code data} lies, relative to the parsed range; -1 when absent or null. */
        int dataStart = -1;
        int dataEnd = -1;
        /** Where the JSON string of {@code data_base64} lies; -1 when absent. */
        int base64Start = -1;
        int base64End = -1;
    }

    private static Fields parse(String topic, byte[] payload, int offset, int length) {
        Fields f = new Fields();
        try (JsonParser p = FACTORY.createParser(payload, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new EventMappingException(DeadLetter.Reason.INVALID_EVENT, topic,
                        "The payload on topic '" + topic + "' is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "eventType" -> f.eventType = string(p, value, name, topic);
                    case "type" -> f.type = string(p, value, name, topic);
                    case "eventID" -> f.eventId = lenientString(p, value);
                    case "id" -> f.id = lenientString(p, value);
                    case "eventTime" -> f.eventTime = string(p, value, name, topic);
                    case "time" -> f.time = string(p, value, name, topic);
                    case "specversion" -> {
                        f.ce = true;
                        p.skipChildren();
                    }
                    case "data" -> {
                        int start = (int) p.currentTokenLocation().getByteOffset();
                        skipValue(p, value);
                        boolean present = value != JsonToken.VALUE_NULL;
                        f.dataStart = present ? start : -1;
                        f.dataEnd = present ? (int) p.currentLocation().getByteOffset() : -1;
                    }
                    case "data_base64" -> {
                        int start = (int) p.currentTokenLocation().getByteOffset();
                        if (string(p, value, name, topic) != null) {
                            f.base64Start = start;
                            f.base64End = (int) p.currentLocation().getByteOffset();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new EventMappingException(DeadLetter.Reason.NOT_JSON, topic,
                        "The payload on topic '" + topic + "' has content after the JSON object");
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            // Jackson's own message quotes payload text, so only the position is reported.
            throw new EventMappingException(DeadLetter.Reason.NOT_JSON, topic,
                    "The payload on topic '" + topic + "' is not valid JSON" + where);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return f;
    }

    /** Moves past the value just read, checking it (UTF-8 included), so that the parser stands right after it. */
    private static void skipValue(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            p.finishToken();
        } else {
            p.skipChildren();
        }
    }

    private static String string(JsonParser p, JsonToken value, String field, String topic) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        throw new EventMappingException(DeadLetter.Reason.INVALID_EVENT, topic,
                "The payload on topic '" + topic + "' has a non-string '" + field + "'");
    }

    private static String lenientString(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }

    private static final int[] NANO_SCALE = {0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

    private static OffsetDateTime parseTime(String text, String topic) {
        OffsetDateTime fast = parseRfc3339(text);
        if (fast != null) {
            return fast;
        }
        try {
            return OffsetDateTime.parse(text);
        } catch (DateTimeParseException notOffset) {
            try {
                return LocalDateTime.parse(text).atOffset(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw new EventMappingException(DeadLetter.Reason.INVALID_EVENT, topic,
                        "The payload on topic '" + topic + "' has an event time that is not an RFC 3339 date-time: '"
                                + abbreviate(text) + "'");
            }
        }
    }

    /**
     * The common {@code yyyy-MM-ddTHH:mm:ss[.fraction](Z|±HH:MM)} form without the formatter's cost
     * (this runs for every event); null for anything else, which the formatter then decides on.
     */
    static OffsetDateTime parseRfc3339(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || (s.charAt(10) != 'T' && s.charAt(10) != 't')
                || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int i = 19;
        int nano = 0;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            int length = i - start;
            if (length == 0 || length > 9) {
                return null;
            }
            nano = digits(s, start, length) * NANO_SCALE[length];
        }
        if (i >= n) {
            return null;
        }
        char c = s.charAt(i);
        ZoneOffset offset;
        if ((c == 'Z' || c == 'z') && i + 1 == n) {
            offset = ZoneOffset.UTC;
        } else if ((c == '+' || c == '-') && i + 6 == n && s.charAt(i + 3) == ':') {
            int hours = digits(s, i + 1, 2);
            int minutes = digits(s, i + 4, 2);
            if ((hours | minutes) < 0 || hours > 18 || minutes > 59) {
                return null;
            }
            int seconds = hours * 3600 + minutes * 60;
            offset = ZoneOffset.ofTotalSeconds(c == '-' ? -seconds : seconds);
        } else {
            return null;
        }
        try {
            return OffsetDateTime.of(year, month, day, hour, minute, second, nano, offset);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "…";
    }

    /** A UUID in canonical form or as 32 hex digits (as SAP writes GUIDs), else null. */
    static UUID parseUuid(String text) {
        int length = text.length();
        if (length == 36) {
            for (int i = 0; i < 36; i++) {
                char c = text.charAt(i);
                boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
                if (dash ? c != '-' : hex(c) < 0) {
                    return null;
                }
            }
            return UUID.fromString(text);
        }
        if (length == 32) {
            long high = 0;
            long low = 0;
            for (int i = 0; i < 32; i++) {
                int digit = hex(text.charAt(i));
                if (digit < 0) {
                    return null;
                }
                if (i < 16) {
                    high = (high << 4) | digit;
                } else {
                    low = (low << 4) | digit;
                }
            }
            return new UUID(high, low);
        }
        return null;
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    static UUID nameBasedId(String topic, byte[] payload, int offset, int length) {
        byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
        byte[] name = Arrays.copyOf(topicBytes, topicBytes.length + 1 + length);
        System.arraycopy(payload, offset, name, topicBytes.length + 1, length);
        return UUID.nameUUIDFromBytes(name);
    }
}
