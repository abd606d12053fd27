package dev.marketingconnector.kyma.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.registration.ApiRegistration;
import dev.marketingconnector.core.registration.BasicCredentials;
import dev.marketingconnector.core.registration.Credentials;
import dev.marketingconnector.core.registration.EventCatalogRegistration;
import dev.marketingconnector.core.registration.OAuthCredentials;
import dev.marketingconnector.core.registration.Registration;
import dev.marketingconnector.core.registry.RegisteredEntry;
import dev.marketingconnector.core.registry.RegistrationField;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Kyma 1.x ServiceDetails JSON of a registration, and back. Field names follow the Application
 * Registry's contract: {@code api.SpecificationUrl} and {@code api.ApiType} as the registry documents
 * them (its decoder ignores case); reading accepts any case.
 */
final class ServiceDetails {

    static final ObjectMapper JSON = new ObjectMapper();

    private ServiceDetails() {
    }

    static ObjectNode toJson(Registration registration) {
        ObjectNode details = JSON.createObjectNode();
        details.put("provider", registration.provider());
        details.put("name", registration.name());
        details.put("description", registration.description());
        details.put("identifier", registration.identifier());
        ObjectNode labels = details.putObject("labels");
        new java.util.TreeMap<>(registration.labels()).forEach(labels::put);
        if (registration instanceof ApiRegistration api) {
            ObjectNode node = details.putObject("api");
            node.put("targetUrl", api.targetUrl().toString());
            ObjectNode credentials = node.putObject("credentials");
            if (api.credentials() instanceof BasicCredentials basic) {
                ObjectNode b = credentials.putObject("basic");
                b.put("username", basic.username());
                b.put("password", basic.password().reveal());
                basic.csrfTokenEndpoint().ifPresent(csrf -> b.putObject("csrfInfo").put("tokenEndpointURL", csrf.toString()));
            } else if (api.credentials() instanceof OAuthCredentials oauth) {
                ObjectNode o = credentials.putObject("oauth");
                o.put("url", oauth.tokenUrl().toString());
                o.put("clientId", oauth.clientId());
                o.put("clientSecret", oauth.clientSecret().reveal());
            }
            node.put("SpecificationUrl", api.specificationUrl().toString());
            node.put("ApiType", api.apiType());
        } else if (registration instanceof EventCatalogRegistration events) {
            details.putObject("events").set("spec", events.asyncApi());
        }
        return details;
    }

    /** A ServiceDetails document as a registration; secrets the registry masks come back masked. */
    static Registration fromJson(String id, JsonNode details) {
        String name = text(details, "name").orElse("");
        String identifier = text(details, "identifier").filter(s -> !s.isBlank()).orElse(id);
        String description = text(details, "description").orElse("");
        String provider = text(details, "provider").orElse("");
        Map<String, String> labels = labels(details);
        JsonNode api = field(details, "api");
        if (api != null && api.isObject()) {
            URI target = uri(text(api, "targetUrl").orElse(""));
            URI specification = text(api, "specificationUrl").map(ServiceDetails::uri).orElse(target);
            String apiType = text(api, "apiType").orElse("");
            return new ApiRegistration(identifier, name, description, provider, target, specification, apiType,
                    credentials(field(api, "credentials")), labels);
        }
        JsonNode events = field(details, "events");
        JsonNode spec = events == null ? null : field(events, "spec");
        ObjectNode asyncApi = spec != null && spec.isObject() ? (ObjectNode) spec : JSON.createObjectNode();
        return new EventCatalogRegistration(identifier, name, description, provider, asyncApi, labels);
    }

    /** One item of the services list: id, name, identifier and labels. */
    static RegisteredEntry entry(JsonNode service) {
        String id = text(service, "id").orElse("");
        return new RegisteredEntry(id, text(service, "name").orElse(""),
                text(service, "identifier").filter(s -> !s.isBlank()), labels(service));
    }

    /** Credentials as stored; none at all read as empty basic credentials, so every credentials field shows as drift. */
    private static Credentials credentials(JsonNode credentials) {
        JsonNode oauth = credentials == null ? null : field(credentials, "oauth");
        if (oauth != null && oauth.isObject()) {
            return new OAuthCredentials(uri(text(oauth, "url").orElse("")), text(oauth, "clientId").orElse(""),
                    Secret.of(text(oauth, "clientSecret").orElse("")));
        }
        JsonNode basic = credentials == null ? null : field(credentials, "basic");
        JsonNode csrf = basic == null || !basic.isObject() ? null : field(basic, "csrfInfo");
        Optional<URI> csrfUrl = csrf == null ? Optional.empty() : text(csrf, "tokenEndpointURL").map(ServiceDetails::uri);
        return new BasicCredentials(basic == null ? "" : text(basic, "username").orElse(""),
                Secret.of(basic == null ? "" : text(basic, "password").orElse("")), csrfUrl);
    }

    /**
     * The secret fields a ServiceDetails answer does not show: the registry masks them (a value of only
     * {@code *}) or leaves them out. They cannot be compared, so they are never drift.
     */
    static Set<RegistrationField> maskedFields(JsonNode details) {
        Set<RegistrationField> masked = EnumSet.noneOf(RegistrationField.class);
        JsonNode api = field(details, "api");
        JsonNode credentials = api == null ? null : field(api, "credentials");
        if (credentials == null || !credentials.isObject()) {
            return masked;
        }
        JsonNode basic = field(credentials, "basic");
        if (basic != null && basic.isObject() && isMasked(text(basic, "password"))) {
            masked.add(RegistrationField.PASSWORD);
        }
        JsonNode oauth = field(credentials, "oauth");
        if (oauth != null && oauth.isObject() && isMasked(text(oauth, "clientSecret"))) {
            masked.add(RegistrationField.CLIENT_SECRET);
        }
        return masked;
    }

    private static boolean isMasked(Optional<String> value) {
        return value.isEmpty() || value.get().isEmpty() || value.get().chars().allMatch(c -> c == '*');
    }

    /** A URL as stored; one that does not parse (edited by hand) becomes a URN no wanted URL equals. */
    static URI uri(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            return URI.create("urn:marketing-connector:unparseable-url");
        }
    }

    private static Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new LinkedHashMap<>();
        JsonNode value = field(node, "labels");
        if (value != null && value.isObject()) {
            value.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        }
        return labels;
    }

    private static Optional<String> text(JsonNode node, String name) {
        JsonNode value = field(node, name);
        return value == null || value.isNull() || !value.isValueNode() ? Optional.empty() : Optional.of(value.asText());
    }

    /** The field with this name in any case, as Go's JSON decoder matches it. */
    static JsonNode field(JsonNode node, String name) {
        JsonNode exact = node.get(name);
        if (exact != null) {
            return exact;
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String candidate = names.next();
            if (candidate.equalsIgnoreCase(name)) {
                return node.get(candidate);
            }
        }
        return null;
    }
}
