package dev.marketingconnector.kyma.events;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A JDK HTTP server on loopback that answers every request with a fixed status and keeps each request's raw bytes. */
final class CapturingServer implements AutoCloseable {

    /** One request: its method, path, headers (names lower-cased) and body exactly as sent. */
    record Captured(String method, String path, Map<String, String> headers, byte[] body) {

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final HttpServer server;
    private final BlockingQueue<Captured> captured = new LinkedBlockingQueue<>();
    private volatile int status = 204;

    CapturingServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                byte[] body = in.readAllBytes();
                Map<String, String> headers = new TreeMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
                captured.add(new Captured(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), headers, body));
                int answer = status;
                exchange.sendResponseHeaders(answer, answer == 204 ? -1 : 0);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    CapturingServer answering(int status) {
        this.status = status;
        return this;
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    Captured take() throws InterruptedException {
        Captured next = captured.poll(10, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("no request arrived within 10 s");
        }
        return next;
    }

    List<Captured> drain() {
        List<Captured> all = new java.util.ArrayList<>();
        captured.drainTo(all);
        return all;
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    static Duration timeout() {
        return Duration.ofSeconds(10);
    }
}
