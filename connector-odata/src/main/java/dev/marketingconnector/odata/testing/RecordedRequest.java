package dev.marketingconnector.odata.testing;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A request as {@link MockMarketingSystem} received it. Header names are lower case; the value of
 * {@code Authorization} is masked, so a recorded request never shows a password.
 *
 * @param method     {@code GET}, {@code POST}, ...
 * @param path       the raw path, matrix parameters included, e.g. {@code /sap/opu/odata/sap/API_MKT_CONTACT_SRV;v=0002/$metadata}
 * @param query      the raw query, empty when there is none
 * @param headers    the request headers by lower-case name
 * @param body       the request body as UTF-8 text, empty when there is none
 * @param user       the user of a Basic {@code Authorization} header, whether or not its password was right
 * @param serviceKey the catalog key of the service addressed (e.g. {@code API_MKT_CONTACT_SRV;v=0002}), if any
 */
public record RecordedRequest(String method, String path, String query, Map<String, List<String>> headers, String body,
        Optional<String> user, Optional<String> serviceKey) {

    /**
     * Checks the components.
     *
     * @param method {@code GET}, {@code POST}, ...
     * @param path the raw path, matrix parameters included, e.g. {@code /sap/opu/odata/sap/API_MKT_CONTACT_SRV;v=0002/$metadata}
     * @param query the raw query, empty when there is none
     * @param headers the request headers by lower-case name
     * @param body the request body as UTF-8 text, empty when there is none
     * @param user the user of a Basic {@code Authorization} header, whether or not its password was right
     * @param serviceKey the catalog key of the service addressed (e.g. {@code API_MKT_CONTACT_SRV;v=0002}), if any
     */
    public RecordedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(query, "query");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(serviceKey, "serviceKey");
    }

    /**
     * The first value of a header, by any case of its name.
     *
     * @param name the name
     * @return the first value of a header, by any case of its name
     */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /**
     * True when the path ends in {@code /$metadata}.
     *
     * @return true when the path ends in {@code /$metadata}
     */
    public boolean isMetadata() {
        return path.endsWith("/$metadata");
    }

    @Override
    public String toString() {
        return method + " " + path + (query.isEmpty() ? "" : "?" + query) + user.map(u -> " (user " + u + ")").orElse("");
    }
}
