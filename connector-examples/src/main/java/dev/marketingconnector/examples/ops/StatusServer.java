package dev.marketingconnector.examples.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.marketingconnector.core.ConnectorException;
import dev.marketingconnector.mqtt.HttpRoute;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code /status} alone on a port of its own ({@code STATUS_PORT}), so it need not be reachable
 * where the public MQTT host is. The JDK's HTTP server on one daemon thread is plenty for a page
 * an operator opens now and then.
 */
final class StatusServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    private StatusServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** @throws ConnectorException naming the address when the port cannot be bound */
    static StatusServer start(String host, int port, Map<String, HttpRoute> routes) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new ConnectorException("Cannot serve /status on " + host + ":" + port + " (" + StatusEndpoint.SETTING + "): "
                    + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "status-server");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> handle(exchange, routes));
        server.start();
        return new StatusServer(server, executor);
    }

    private static void handle(HttpExchange exchange, Map<String, HttpRoute> routes) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            HttpRoute.Response response;
            HttpRoute route = routes.get(path);
            if (route == null) {
                response = HttpRoute.Response.json(404, "{\"error\":\"not_found\",\"error_description\":\"only /status is served here\"}");
            } else {
                Map<String, String> headers = new HashMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> {
                    if (!values.isEmpty()) {
                        headers.put(name.toLowerCase(Locale.ROOT), values.get(0));
                    }
                });
                String query = exchange.getRequestURI().getRawQuery();
                try {
                    response = route.handle(new HttpRoute.Request(exchange.getRequestMethod().toUpperCase(Locale.ROOT), path,
                            query == null ? "" : query, headers));
                } catch (RuntimeException e) {
                    response = HttpRoute.Response.json(500, "{\"error\":\"internal_error\",\"error_description\":\"the route failed\"}");
                }
            }
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = exchange.getRequestMethod().equalsIgnoreCase("HEAD");
            exchange.sendResponseHeaders(response.status(), head ? -1 : response.body().length == 0 ? -1 : response.body().length);
            if (!head && response.body().length > 0) {
                try (OutputStream body = exchange.getResponseBody()) {
                    body.write(response.body());
                }
            }
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
