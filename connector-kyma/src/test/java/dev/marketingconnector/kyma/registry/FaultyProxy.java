package dev.marketingconnector.kyma.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy on loopback that makes a server flaky: a seeded fraction of requests answer 503 without
 * reaching it, are forwarded and then cut off without an answer, or are forwarded and answered only after
 * a stall. It stands in front of an API server stand-in the way a struggling load balancer would.
 */
final class FaultyProxy implements AutoCloseable {

    enum Fault {
        UNAVAILABLE,
        CUT_AFTER_FORWARDING,
        STALL_AFTER_FORWARDING
    }

    static {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "upgrade", "http2-settings",
            "expect", "keep-alive", "transfer-encoding", "te");

    private final URI target;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(daemon("faulty-proxy"));
    private final ScheduledExecutorService stalls = Executors.newSingleThreadScheduledExecutor(daemon("faulty-proxy-stall"));
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Map<Fault, AtomicInteger> injected = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final Random random;
    private final double fraction;
    private final Duration stall;
    private final java.util.Deque<String[]> nextFaults = new java.util.concurrent.ConcurrentLinkedDeque<>();

    FaultyProxy(URI target, double fraction, long seed, Duration stall) {
        this.target = target;
        this.fraction = fraction;
        this.random = new Random(seed);
        this.stall = stall;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    int injected(Fault fault) {
        return injected.getOrDefault(fault, new AtomicInteger()).get();
    }

    int requests() {
        return requests.get();
    }

    /** The next request with this method whose path contains {@code pathPart} fails this way. */
    FaultyProxy failNext(Fault fault, String method, String pathPart) {
        nextFaults.add(new String[] {fault.name(), method, pathPart});
        return this;
    }

    private Fault pick(HttpExchange exchange) {
        for (String[] next : nextFaults) {
            if (next[1].equals(exchange.getRequestMethod()) && exchange.getRequestURI().getPath().contains(next[2]) && nextFaults.remove(next)) {
                return Fault.valueOf(next[0]);
            }
        }
        synchronized (random) {
            if (random.nextDouble() >= fraction) {
                return null;
            }
            return Fault.values()[random.nextInt(Fault.values().length)];
        }
    }

    private void handle(HttpExchange exchange) {
        requests.incrementAndGet();
        Fault fault = pick(exchange);
        if (fault != null) {
            injected.computeIfAbsent(fault, f -> new AtomicInteger()).incrementAndGet();
        }
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (fault == Fault.UNAVAILABLE) {
                respond(exchange, 503, "{\"kind\":\"Status\",\"code\":503,\"message\":\"injected: unavailable\"}".getBytes(), "application/json");
                return;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI().toString()))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(value -> request.header(name, value));
                }
            });
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (fault == Fault.CUT_AFTER_FORWARDING) {
                exchange.close();
                return;
            }
            String type = response.headers().firstValue("Content-Type").orElse(null);
            if (fault == Fault.STALL_AFTER_FORWARDING) {
                stalls.schedule(() -> respond(exchange, response.statusCode(), response.body(), type), stall.toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            respond(exchange, response.statusCode(), response.body(), type);
        } catch (IOException | InterruptedException e) {
            exchange.close();
        }
    }

    private static void respond(HttpExchange exchange, int status, byte[] body, String contentType) {
        try (exchange) {
            if (contentType != null) {
                exchange.getResponseHeaders().set("Content-Type", contentType);
            }
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            // the client gave up waiting
        }
    }

    @Override
    public void close() {
        server.stop(0);
        stalls.shutdownNow();
        executor.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
