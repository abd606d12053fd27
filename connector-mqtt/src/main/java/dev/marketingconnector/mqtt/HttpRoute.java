package dev.marketingconnector.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An extra route on the bridge's HTTP port, such as {@code /metrics} or {@code /status} added by
 * the runnable connector. Routes run on an I/O thread: answer quickly from data already at hand.
 * An exception becomes a 500 answer and a log line.
 */
@FunctionalInterface
public interface HttpRoute {

    /**
     * Answers one request.
     *
     * @param request the request
     * @return the answer
     */
    Response handle(Request request);

    /**
     * An incoming request.
     *
     * @param method  the HTTP method, upper case
     * @param path    the decoded path, without the query
     * @param query   the raw query string, empty when there is none
     * @param headers the request headers, names in lower case (first value of each)
     */
    record Request(String method, String path, String query, Map<String, String> headers) {

        /**
         * Checks the components.
         *
         * @param method the HTTP method, upper case
         * @param path the decoded path, without the query
         * @param query the raw query string, empty when there is none
         * @param headers the request headers, names in lower case (first value of each)
         */
        public Request {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(query, "query");
            headers = Map.copyOf(headers);
        }

        /**
         * A header by case-insensitive name, or null.
         *
         * @param name the name
         * @return a header by case-insensitive name, or null
         */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * The answer.
     *
     * @param status      the HTTP status
     * @param contentType the media type, with charset where it applies
     * @param body        the body bytes (not copied: do not change them afterwards)
     */
    record Response(int status, String contentType, byte[] body) {

        /**
         * Checks the components.
         *
         * @param status      the HTTP status (100 to 599)
         * @param contentType the media type, with charset where it applies
         * @param body        the body bytes (not copied: do not change them afterwards)
         */
        public Response {
            if (status < 100 || status > 599) {
                throw new IllegalArgumentException("status must be 100..599, got " + status);
            }
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(body, "body");
        }

        /**
         * An answer with this status, media type and body.
         *
         * @param status the HTTP status
         * @param contentType the content type
         * @param body the body
         * @return the response
         */
        public static Response of(int status, String contentType, String body) {
            return new Response(status, contentType, body.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * A JSON answer.
         *
         * @param status the HTTP status
         * @param json the JSON
         * @return the response
         */
        public static Response json(int status, String json) {
            return of(status, "application/json", json);
        }

        /**
         * A plain-text answer.
         *
         * @param status the HTTP status
         * @param text the text
         * @return the response
         */
        public static Response text(int status, String text) {
            return of(status, "text/plain; charset=utf-8", text);
        }
    }
}
