package dev.marketingconnector.kyma.events;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.EventType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes one event as a complete HTTP/1.1 request (request line, headers, body) into a pooled
 * buffer, without building an intermediate tree or header map: the constant parts are encoded once
 * per publisher, the event's data is copied in as the JSON text it arrived as. Thread-safe.
 */
abstract class EventRequest {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] CONTENT_LENGTH = ascii("content-length: ");
    /** Room for the per-event part of the head: id, type (at most 253 + 5), time, length, separators. */
    private static final int PER_EVENT_HEAD_ROOM = 512;

    private final byte[] head;

    /**
     * @param constantHeaders header lines that are the same for every event, each ending in CRLF
     */
    EventRequest(URI endpoint, String constantHeaders) {
        String path = endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath();
        if (endpoint.getRawQuery() != null) {
            path += "?" + endpoint.getRawQuery();
        }
        this.head = ascii("POST " + path + " HTTP/1.1\r\nhost: " + hostHeader(endpoint) + "\r\n" + constantHeaders);
    }

    /** {@code host[:port]}, the port only when it is not the scheme's default. */
    static String hostHeader(URI endpoint) {
        String host = endpoint.getHost();
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        int port = endpoint.getPort();
        boolean defaultPort = port == -1 || ("http".equals(endpoint.getScheme()) && port == 80)
                || ("https".equals(endpoint.getScheme()) && port == 443);
        return defaultPort ? host : host + ":" + port;
    }

    /** The size of the body this event makes. */
    abstract int bodyBytes(BusinessEvent event);

    /** Writes the headers that depend on the event, each line ending in CRLF. */
    abstract void writeEventHeaders(ByteBuf out, BusinessEvent event);

    /** Writes the body, exactly {@link #bodyBytes} bytes. */
    abstract void writeBody(ByteBuf out, BusinessEvent event);

    /** The whole request, in a buffer the caller releases. */
    final ByteBuf encode(ByteBufAllocator alloc, BusinessEvent event, int bodyBytes) {
        ByteBuf out = alloc.directBuffer(head.length + PER_EVENT_HEAD_ROOM + bodyBytes);
        try {
            out.writeBytes(head);
            writeEventHeaders(out, event);
            out.writeBytes(CONTENT_LENGTH);
            writeInt(out, bodyBytes);
            out.writeBytes(CRLF).writeBytes(CRLF);
            int bodyStart = out.writerIndex();
            writeBody(out, event);
            if (out.writerIndex() - bodyStart != bodyBytes) {
                throw new IllegalStateException("body of " + (out.writerIndex() - bodyStart) + " bytes, announced " + bodyBytes);
            }
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    static void writeData(ByteBuf out, BusinessEvent event) {
        ByteBuffer data = event.dataJson();
        out.writeBytes(data);
    }

    /** {@code <name>.<version>}, without making that string. */
    static void writeQualifiedType(ByteBuf out, EventType type) {
        ByteBufUtil.writeAscii(out, type.name());
        out.writeByte('.');
        ByteBufUtil.writeAscii(out, type.version());
    }

    static int qualifiedTypeLength(EventType type) {
        return type.name().length() + 1 + type.version().length();
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code "text"} as a JSON string, UTF-8. */
    static byte[] jsonString(String text) {
        byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(text);
        byte[] out = new byte[quoted.length + 2];
        out[0] = '"';
        System.arraycopy(quoted, 0, out, 1, quoted.length);
        out[out.length - 1] = '"';
        return out;
    }

    static void writeInt(ByteBuf out, int value) {
        if (value < 10) {
            out.writeByte('0' + value);
            return;
        }
        ByteBufUtil.writeAscii(out, Integer.toString(value));
    }

    static int intLength(int value) {
        int length = 1;
        while (value >= 10) {
            value /= 10;
            length++;
        }
        return length;
    }

    /** A UUID's 36 characters. */
    static void writeUuid(ByteBuf out, java.util.UUID id) {
        long high = id.getMostSignificantBits();
        long low = id.getLeastSignificantBits();
        writeHex(out, high >>> 32, 8);
        out.writeByte('-');
        writeHex(out, high >>> 16, 4);
        out.writeByte('-');
        writeHex(out, high, 4);
        out.writeByte('-');
        writeHex(out, low >>> 48, 4);
        out.writeByte('-');
        writeHex(out, low, 12);
    }

    private static final byte[] HEX = ascii("0123456789abcdef");

    private static void writeHex(ByteBuf out, long value, int digits) {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            out.writeByte(HEX[(int) (value >>> shift) & 0xF]);
        }
    }

    static final int UUID_LENGTH = 36;

    /**
     * The time exactly as {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME} writes it (what the
     * CloudEvents SDK sent before): seconds always, the fraction without trailing zeros, {@code Z}
     * for UTC. The common case is written digit by digit; years beyond 0–9999 and offsets with
     * seconds go through the formatter.
     */
    static void writeTime(ByteBuf out, OffsetDateTime time) {
        ZoneOffset offset = time.getOffset();
        int year = time.getYear();
        if (year < 0 || year > 9999 || offset.getTotalSeconds() % 60 != 0) {
            ByteBufUtil.writeAscii(out, DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time));
            return;
        }
        writeDigits(out, year, 4);
        out.writeByte('-');
        writeDigits(out, time.getMonthValue(), 2);
        out.writeByte('-');
        writeDigits(out, time.getDayOfMonth(), 2);
        out.writeByte('T');
        writeDigits(out, time.getHour(), 2);
        out.writeByte(':');
        writeDigits(out, time.getMinute(), 2);
        out.writeByte(':');
        writeDigits(out, time.getSecond(), 2);
        int nano = time.getNano();
        if (nano != 0) {
            int digits = 9;
            while (nano % 10 == 0) {
                nano /= 10;
                digits--;
            }
            out.writeByte('.');
            writeDigits(out, nano, digits);
        }
        int seconds = offset.getTotalSeconds();
        if (seconds == 0) {
            out.writeByte('Z');
        } else {
            out.writeByte(seconds < 0 ? '-' : '+');
            int minutes = Math.abs(seconds) / 60;
            writeDigits(out, minutes / 60, 2);
            out.writeByte(':');
            writeDigits(out, minutes % 60, 2);
        }
    }

    /** The length {@link #writeTime} writes. */
    static int timeLength(OffsetDateTime time) {
        ZoneOffset offset = time.getOffset();
        int year = time.getYear();
        if (year < 0 || year > 9999 || offset.getTotalSeconds() % 60 != 0) {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time).length();
        }
        int length = 19 + (offset.getTotalSeconds() == 0 ? 1 : 6);
        int nano = time.getNano();
        if (nano != 0) {
            int digits = 9;
            while (nano % 10 == 0) {
                nano /= 10;
                digits--;
            }
            length += 1 + digits;
        }
        return length;
    }

    private static void writeDigits(ByteBuf out, int value, int digits) {
        int divisor = 1;
        for (int i = 1; i < digits; i++) {
            divisor *= 10;
        }
        for (; divisor > 0; divisor /= 10) {
            out.writeByte('0' + (value / divisor) % 10);
        }
    }

    /**
     * A header value as the CloudEvents HTTP binding wants it: printable ASCII as is, space, {@code "}
     * and {@code %} and everything else percent-encoded as UTF-8.
     */
    static String percentEncode(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c > 0x20 && c < 0x7F && c != '"' && c != '%') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }
}
