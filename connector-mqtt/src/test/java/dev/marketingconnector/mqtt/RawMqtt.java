package dev.marketingconnector.mqtt;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * A deliberately dumb MQTT client written from the specifications (MQTT 3.1.1, RFC 6455), so tests
 * can send exactly the bytes they want: garbage, truncated packets, protocol violations. Speaks
 * over a WebSocket (client frames masked) or plain TCP.
 */
final class RawMqtt implements AutoCloseable {

    /** The WebSocket upgrade was answered with something other than 101. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String response;

        Refused(int status, String response) {
            super("upgrade refused with " + status);
            this.status = status;
            this.response = response;
        }
    }

    record Packet(int type, int flags, byte[] body) {
        int packetId() {
            return ((body[0] & 0xff) << 8) | (body[1] & 0xff);
        }
    }

    static final int CONNACK = 2;
    static final int PUBACK = 4;
    static final int PUBREC = 5;
    static final int PUBCOMP = 7;
    static final int SUBACK = 9;
    static final int UNSUBACK = 11;
    static final int PINGRESP = 13;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final boolean webSocket;

    private RawMqtt(Socket socket, InputStream in, boolean webSocket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = in;
        this.webSocket = webSocket;
    }

    static RawMqtt tcp(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5000);
        return new RawMqtt(socket, socket.getInputStream(), false);
    }

    static RawMqtt webSocket(int port, String bearerToken) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5000);
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String request = "GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: mqtt\r\n"
                + (bearerToken == null ? "" : "Authorization: Bearer " + bearerToken + "\r\n") + "\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        InputStream raw = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = raw.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String response = head.toString(StandardCharsets.US_ASCII);
        int status = response.length() >= 12 ? Integer.parseInt(response.substring(9, 12)) : -1;
        if (status != 101) {
            socket.close();
            throw new Refused(status, response);
        }
        return new RawMqtt(socket, new FrameInput(raw), true);
    }

    // ---------------------------------------------------------------- sending

    /** Sends MQTT bytes, in one binary frame on a WebSocket. */
    RawMqtt send(byte[] mqtt) throws IOException {
        if (webSocket) {
            frame(0x2, mqtt, true);
        } else {
            out.write(mqtt);
            out.flush();
        }
        return this;
    }

    /** Writes bytes to the socket as they are, no WebSocket framing. */
    RawMqtt sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Sends one masked WebSocket frame. */
    RawMqtt frame(int opcode, byte[] payload, boolean fin) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write((fin ? 0x80 : 0) | opcode);
        int length = payload.length;
        if (length < 126) {
            f.write(0x80 | length);
        } else if (length < 65536) {
            f.write(0x80 | 126);
            f.write(length >>> 8);
            f.write(length);
        } else {
            f.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                f.write((int) ((long) length >>> shift));
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        f.write(mask);
        for (int i = 0; i < length; i++) {
            f.write(payload[i] ^ mask[i % 4]);
        }
        out.write(f.toByteArray());
        out.flush();
        return this;
    }

    // ---------------------------------------------------------------- receiving

    /** Reads the next packet. */
    Packet read() throws IOException {
        int first = in.read();
        if (first < 0) {
            throw new EOFException("connection closed");
        }
        int length = 0;
        int multiplier = 1;
        int b;
        do {
            b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed in a header");
            }
            length += (b & 0x7f) * multiplier;
            multiplier *= 128;
        } while ((b & 0x80) != 0);
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new EOFException("connection closed in a packet");
        }
        return new Packet(first >>> 4, first & 0x0f, body);
    }

    /** Reads the next packet, expecting the given type. */
    Packet expect(int type) throws IOException {
        Packet packet = read();
        if (packet.type() != type) {
            throw new AssertionError("expected packet type " + type + " but got " + packet.type());
        }
        return packet;
    }

    /** True when the bridge closes the connection within the timeout (packets before that are skipped). */
    boolean awaitClosed(Duration timeout) throws IOException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            socket.setSoTimeout((int) Math.max(1, Math.min(500, (end - System.nanoTime()) / 1_000_000)));
            try {
                read();
            } catch (EOFException | SocketException e) {
                return true;
            } catch (SocketTimeoutException e) {
                // keep waiting
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    // ---------------------------------------------------------------- packet encoders

    static byte[] connect(String clientId, int keepAliveSeconds, boolean cleanSession, String password) {
        return connect("MQTT", 4, clientId, keepAliveSeconds, cleanSession, password);
    }

    static byte[] connect(String protocolName, int level, String clientId, int keepAliveSeconds, boolean cleanSession,
            String password) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        string(v, protocolName);
        v.write(level);
        int flags = (cleanSession ? 0x02 : 0) | (password != null ? 0xC0 : 0);
        v.write(flags);
        v.write(keepAliveSeconds >>> 8);
        v.write(keepAliveSeconds);
        if (level == 5) {
            v.write(0); // MQTT 5: no properties
        }
        string(v, clientId);
        if (password != null) {
            string(v, "user");
            string(v, password);
        }
        return packet(0x10, v.toByteArray());
    }

    static byte[] publish(String topic, int qos, int packetId, byte[] payload, boolean dup) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        string(v, topic);
        if (qos > 0) {
            v.write(packetId >>> 8);
            v.write(packetId);
        }
        v.writeBytes(payload);
        return packet(0x30 | (dup ? 0x08 : 0) | (qos << 1), v.toByteArray());
    }

    static byte[] pubrel(int packetId) {
        return packet(0x62, new byte[] {(byte) (packetId >>> 8), (byte) packetId});
    }

    static byte[] subscribe(int packetId, String filter, int qos) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        v.write(packetId >>> 8);
        v.write(packetId);
        string(v, filter);
        v.write(qos);
        return packet(0x82, v.toByteArray());
    }

    static byte[] unsubscribe(int packetId, String filter) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        v.write(packetId >>> 8);
        v.write(packetId);
        string(v, filter);
        return packet(0xA2, v.toByteArray());
    }

    static byte[] pingreq() {
        return new byte[] {(byte) 0xC0, 0};
    }

    static byte[] disconnect() {
        return new byte[] {(byte) 0xE0, 0};
    }

    static byte[] packet(int firstByte, byte[] body) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(firstByte);
        int length = body.length;
        do {
            int digit = length % 128;
            length /= 128;
            p.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        p.writeBytes(body);
        return p.toByteArray();
    }

    private static void string(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >>> 8);
        out.write(bytes.length);
        out.writeBytes(bytes);
    }

    /** The MQTT byte stream inside the server's (unmasked) WebSocket frames; a close frame ends it. */
    private static final class FrameInput extends InputStream {

        private final InputStream raw;
        private long remaining;
        private boolean closed;

        FrameInput(InputStream raw) {
            this.raw = raw;
        }

        @Override
        public int read() throws IOException {
            while (remaining == 0) {
                if (closed || !nextFrame()) {
                    return -1;
                }
            }
            int b = raw.read();
            if (b < 0) {
                return -1;
            }
            remaining--;
            return b;
        }

        private boolean nextFrame() throws IOException {
            int b0 = raw.read();
            int b1 = raw.read();
            if (b0 < 0 || b1 < 0) {
                return false;
            }
            long length = b1 & 0x7f;
            if (length == 126) {
                length = (raw.read() << 8) | raw.read();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | raw.read();
                }
            }
            int opcode = b0 & 0x0f;
            if (opcode == 0x8) {
                raw.readNBytes((int) length);
                closed = true;
                return false;
            }
            if (opcode == 0x9 || opcode == 0xA) {
                raw.readNBytes((int) length);
                return true;
            }
            remaining = length;
            return true;
        }
    }
}
