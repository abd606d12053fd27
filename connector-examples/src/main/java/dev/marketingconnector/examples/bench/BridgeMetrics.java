package dev.marketingconnector.examples.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalDouble;

/** Reads counters from a bridge's {@code GET /metrics} (Prometheus text format). */
final class BridgeMetrics {

    static final String RETRIED_TOTAL = "connector_events_retried_total";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private BridgeMetrics() {
    }

    /** The sum of every series of {@code name} at {@code base/metrics}; empty when unreachable or absent. */
    static OptionalDouble counter(URI base, String name) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(base.resolve("/metrics")).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? sum(response.body(), name) : OptionalDouble.empty();
        } catch (IOException e) {
            return OptionalDouble.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalDouble.empty();
        }
    }

    /** Whether the exposition names a metric that starts with {@code prefix} (e.g. {@code connector_spool}). */
    static boolean mentions(URI base, String prefix) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(base.resolve("/metrics")).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().lines().anyMatch(line -> line.startsWith(prefix));
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The sum of every sample of {@code name} (with or without labels) in a Prometheus text exposition. */
    static OptionalDouble sum(String exposition, String name) {
        double total = 0;
        boolean found = false;
        for (String line : (Iterable<String>) exposition.lines()::iterator) {
            if (line.startsWith("#") || !line.startsWith(name)) {
                continue;
            }
            String rest = line.substring(name.length());
            if (!(rest.startsWith("{") || rest.startsWith(" "))) {
                continue;
            }
            int end = rest.startsWith("{") ? rest.indexOf('}') + 1 : 0;
            String[] value = rest.substring(end).strip().split("\\s+");
            try {
                total += Double.parseDouble(value[0]);
                found = true;
            } catch (NumberFormatException e) {
                // not a sample line
            }
        }
        return found ? OptionalDouble.of(total) : OptionalDouble.empty();
    }
}
