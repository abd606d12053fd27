package dev.marketingconnector.examples.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An event service on loopback that keeps every request byte for byte and can misbehave the way a
 * flaky event bus does: a share of requests answered 503 after the event was taken (so redeliveries
 * show), or an outage in which every request is answered 503. Written from the HTTP contract only.
 */
final class EventServiceStub implements AutoCloseable {

    /** One request as it arrived, and what it was answered. */
    record Request(String path, Map<String, String> headers, byte[] body, int status) {

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        boolean accepted() {
            return status / 100 == 2;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final List<Request> requests = new ArrayList<>();
    private final Random random = new Random(20240501);
    private final AtomicInteger unavailableAnswers = new AtomicInteger();
    private final int okStatus;
    private double faultRatio;
    private boolean outage;

    /** @param okStatus what an accepted event is answered: 204 for CloudEvents, 200 for events v1 */
    EventServiceStub(int okStatus) {
        this.okStatus = okStatus;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                byte[] body = in.readAllBytes();
                Map<String, String> headers = new TreeMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
                int status;
                synchronized (this) {
                    status = outage || random.nextDouble() < faultRatio ? 503 : okStatus;
                    requests.add(new Request(exchange.getRequestURI().getRawPath(), headers, body, status));
                    notifyAll();
                }
                if (status == 503) {
                    unavailableAnswers.incrementAndGet();
                }
                byte[] answer = status == 200 ? "{}".getBytes(StandardCharsets.UTF_8) : new byte[0];
                exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
                exchange.getResponseBody().write(answer);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** From now on this share of requests is answered 503, after the event was taken in. */
    synchronized EventServiceStub faultRatio(double ratio) {
        this.faultRatio = ratio;
        return this;
    }

    synchronized EventServiceStub outage(boolean on) {
        this.outage = on;
        return this;
    }

    /** How many requests were answered 503. */
    int unavailableAnswers() {
        return unavailableAnswers.get();
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Waits until {@code count} requests were accepted. */
    synchronized List<Request> awaitAccepted(int count, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (requests.stream().filter(Request::accepted).count() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + count + " accepted requests within " + timeout + ", got "
                        + requests.stream().filter(Request::accepted).count());
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return requests.stream().filter(Request::accepted).toList();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
