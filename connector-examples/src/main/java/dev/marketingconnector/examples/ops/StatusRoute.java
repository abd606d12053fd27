package dev.marketingconnector.examples.ops;

import dev.marketingconnector.mqtt.HttpRoute;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code GET /status}: JSON unless the client prefers {@code text/html} (a browser does), or asks
 * with {@code ?format=html|json}. Served on the bridge's port or by {@link StatusServer}.
 */
final class StatusRoute implements HttpRoute {

    static final String PATH = "/status";
    static final String JSON = "application/json";
    static final String HTML = "text/html; charset=utf-8";

    private final Supplier<StatusReport> status;

    StatusRoute(Supplier<StatusReport> status) {
        this.status = status;
    }

    @Override
    public Response handle(Request request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return Response.json(405, "{\"error\":\"method_not_allowed\",\"error_description\":\"use GET\"}");
        }
        StatusReport report = status.get();
        return wantsHtml(request.query(), request.header("accept"))
                ? Response.of(200, HTML, StatusHtml.render(report))
                : Response.json(200, StatusJson.render(report));
    }

    static boolean wantsHtml(String query, String accept) {
        for (String parameter : query.split("&")) {
            if (parameter.equalsIgnoreCase("format=html")) {
                return true;
            }
            if (parameter.equalsIgnoreCase("format=json")) {
                return false;
            }
        }
        return prefersHtml(accept);
    }

    /** Whether {@code accept} rates {@code text/html} above {@code application/json}; ties go to JSON. */
    static boolean prefersHtml(String accept) {
        if (accept == null || accept.isBlank()) {
            return false;
        }
        return quality(accept, "text", "html") > quality(accept, "application", "json");
    }

    /** The q of the most specific range in {@code accept} that matches {@code type/subtype} (RFC 9110 §12.5.1); 0 if none. */
    private static double quality(String accept, String type, String subtype) {
        int bestSpecificity = -1;
        double q = 0;
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String media = parts[0].strip().toLowerCase(Locale.ROOT);
            int slash = media.indexOf('/');
            if (slash < 0) {
                continue;
            }
            String rangeType = media.substring(0, slash);
            String rangeSubtype = media.substring(slash + 1);
            int specificity;
            if (rangeType.equals(type) && rangeSubtype.equals(subtype)) {
                specificity = 2;
            } else if (rangeType.equals(type) && rangeSubtype.equals("*")) {
                specificity = 1;
            } else if (rangeType.equals("*") && rangeSubtype.equals("*")) {
                specificity = 0;
            } else {
                continue;
            }
            if (specificity > bestSpecificity) {
                bestSpecificity = specificity;
                q = qValue(parts);
            }
        }
        return q;
    }

    private static double qValue(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip();
            if (parameter.regionMatches(true, 0, "q=", 0, 2)) {
                try {
                    double q = Double.parseDouble(parameter.substring(2).strip());
                    return q >= 0 && q <= 1 ? q : 0;
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
