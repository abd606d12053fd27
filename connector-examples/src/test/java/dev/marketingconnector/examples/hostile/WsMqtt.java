package dev.marketingconnector.examples.hostile;

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
 * A minimal MQTT 3.1.1 client over a WebSocket (RFC 6455, masked client frames), written from the
 * specifications so that a test sends exactly the packets it wants: a CONNECT with another
 * protocol level, QoS 2 without PUBREL, a client id with control characters.
 */
final class WsMqtt implements AutoCloseable {

    static final int CONNACK = 2;
    static final int PUBACK = 4;
    static final int PUBREC = 5;
    static final int PUBCOMP = 7;
    static final int PINGRESP = 13;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private WsMqtt(Socket socket, InputStream in) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = in;
    }

    /** Upgrades to a WebSocket with the bearer token; throws when the answer is not 101. */
    static WsMqtt connect(int port, String token) throws IOException {
        return connect("127.0.0.1", port, token);
    }

    /** The same from a source address of the caller's choice (any 127.x.y.z on loopback). */
    static WsMqtt connect(String source, int port, String token) throws IOException {
        Socket socket = new Socket();
        socket.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName(source), 0));
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String request = "GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: mqtt\r\nAuthorization: Bearer " + token + "\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        InputStream raw = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = raw.read();
            if (b < 0) {
                socket.close();
                throw new EOFException("closed during the upgrade: " + head);
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("upgrade refused: " + head.toString().lines().findFirst().orElse(""));
        }
        return new WsMqtt(socket, new Frames(raw));
    }

    /** Sends MQTT bytes in one masked binary frame. */
    WsMqtt send(byte[] mqtt) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(0x82);
        int length = mqtt.length;
        if (length < 126) {
            f.write(0x80 | length);
        } else {
            f.write(0x80 | 126);
            f.write(length >>> 8);
            f.write(length);
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        f.write(mask);
        for (int i = 0; i < length; i++) {
            f.write(mqtt[i] ^ mask[i % 4]);
        }
        out.write(f.toByteArray());
        out.flush();
        return this;
    }

    /** Reads one packet and returns its type; {@code body} receives its bytes. */
    int read(ByteArrayOutputStream body) throws IOException {
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
                throw new EOFException("connection closed");
            }
            length += (b & 0x7f) * multiplier;
            multiplier *= 128;
        } while ((b & 0x80) != 0);
        byte[] bytes = in.readNBytes(length);
        if (body != null) {
            body.writeBytes(bytes);
        }
        return first >>> 4;
    }

    /** Reads the next packet, which must be of {@code type}; returns its body. */
    byte[] expect(int type) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int got = read(body);
        if (got != type) {
            throw new IOException("expected packet type " + type + " but got " + got);
        }
        return body.toByteArray();
    }

    /** Whether the bridge closes the connection within {@code timeout} (packets before that are skipped). */
    boolean awaitClosed(Duration timeout) throws IOException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            socket.setSoTimeout((int) Math.max(1, Math.min(500, (end - System.nanoTime()) / 1_000_000)));
            try {
                read(null);
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

    static byte[] connect(int level, String clientId, int keepAliveSeconds) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        string(v, level == 3 ? "MQIsdp" : "MQTT");
        v.write(level);
        v.write(0x02);
        v.write(keepAliveSeconds >>> 8);
        v.write(keepAliveSeconds);
        if (level == 5) {
            // MQTT 5 properties, as a real v5 client sends them: session expiry 0, receive maximum 100
            v.write(8);
            v.write(0x11);
            v.writeBytes(new byte[] {0, 0, 0, 0});
            v.write(0x21);
            v.write(0);
            v.write(100);
        }
        string(v, clientId);
        return packet(0x10, v.toByteArray());
    }

    static byte[] pubrel(int packetId) {
        return packet(0x62, new byte[] {(byte) (packetId >>> 8), (byte) packetId});
    }

    static byte[] pingreq() {
        return new byte[] {(byte) 0xC0, 0};
    }

    static byte[] publish(String topic, int qos, int packetId, byte[] payload) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        string(v, topic);
        if (qos > 0) {
            v.write(packetId >>> 8);
            v.write(packetId);
        }
        v.writeBytes(payload);
        return packet(0x30 | (qos << 1), v.toByteArray());
    }

    private static byte[] packet(int firstByte, byte[] body) {
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

    /** The MQTT bytes inside the server's unmasked frames; a close frame ends them. */
    private static final class Frames extends InputStream {

        private final InputStream raw;
        private long remaining;
        private boolean closed;

        Frames(InputStream raw) {
            this.raw = raw;
        }

        @Override
        public int read() throws IOException {
            while (remaining == 0) {
                if (closed || !next()) {
                    return -1;
                }
            }
            int b = raw.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        private boolean next() throws IOException {
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
