package dev.marketingconnector.mqtt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests no well-behaved client sends (other versions,
 * pipelining, trickled heads) and for choosing the source address (any 127.x.y.z on loopback).
 */
final class RawHttp implements AutoCloseable {

    /** A response: status, headers (lower-case names), body. */
    record Response(int status, Map<String, String> headers, String body) {
    }

    final Socket socket;
    private final InputStream in;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    /** Connects from {@code source} (e.g. "127.0.0.2") to the bridge's port. */
    static RawHttp connect(String source, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(5000);
        return new RawHttp(socket);
    }

    static RawHttp connect(int port) throws IOException {
        return connect("127.0.0.1", port);
    }

    RawHttp write(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /** One complete request and its response on a fresh connection from {@code source}. */
    static Response exchange(String source, int port, String request) throws IOException {
        try (RawHttp http = connect(source, port)) {
            return http.write(request).read();
        }
    }

    static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: bridge\r\n\r\n";
    }

    static String postForm(String path, String form, String... headerLines) {
        StringBuilder request = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: bridge\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length() + "\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        return request.append("\r\n").append(form).toString();
    }

    /** Reads one response (Content-Length bodies only, as the bridge sends them). */
    Response read() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("closed before a response: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
            }
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        return new Response(status, headers, new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }

    /** True when the bridge closes the connection within {@code timeout} (bytes before that are skipped). */
    boolean awaitClosed(Duration timeout) throws IOException {
        long end = System.nanoTime() + timeout.toNanos();
        byte[] buffer = new byte[8192];
        while (System.nanoTime() < end) {
            socket.setSoTimeout((int) Math.max(1, Math.min(500, (end - System.nanoTime()) / 1_000_000)));
            try {
                if (in.read(buffer) < 0) {
                    return true;
                }
            } catch (SocketException e) {
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
}
