package dev.marketingconnector.examples.ops;

import dev.marketingconnector.mqtt.HttpRoute;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** {@code GET /metrics}: the Prometheus text exposition format (0.0.4) of every meter. */
final class MetricsRoute implements HttpRoute {

    static final String PATH = "/metrics";
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    MetricsRoute(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Response handle(Request request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return Response.json(405, "{\"error\":\"method_not_allowed\",\"error_description\":\"use GET\"}");
        }
        return Response.of(200, CONTENT_TYPE, registry.scrape());
    }
}
