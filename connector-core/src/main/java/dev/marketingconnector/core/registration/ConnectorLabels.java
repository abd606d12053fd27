package dev.marketingconnector.core.registration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The labels that mark an entry as the connector's own. An entry without them, or with another
 * owner, is never updated or deleted. The fingerprint label holds a digest of the registered
 * content, so an unchanged entry is recognised without reading its details back.
 */
public final class ConnectorLabels {

    /** The managed by. */
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    /** The managed by value. */
    public static final String MANAGED_BY_VALUE = "marketing-connector";
    /** The owner. */
    public static final String OWNER = "marketingconnector.dev/owner";
    /** The fingerprint. */
    public static final String FINGERPRINT = "marketingconnector.dev/fingerprint";

    private static final ObjectMapper CANONICAL = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private ConnectorLabels() {
    }

    /**
     * True when the labels say the entry was created by a connector with this owner.
     *
     * @param labels the labels
     * @param owner the owner (usually the catalog's product)
     * @return true when the labels say the entry was created by a connector with this owner
     */
    public static boolean isOwnedBy(Map<String, String> labels, String owner) {
        return MANAGED_BY_VALUE.equals(labels.get(MANAGED_BY)) && owner.equals(labels.get(OWNER));
    }

    /**
     * The registration with its own labels plus the connector's: managed-by, owner and fingerprint.
     *
     * @param registration the registration
     * @param owner the owner (usually the catalog's product)
     * @return the registration with its own labels plus the connector's: managed-by, owner and fingerprint
     */
    public static Registration mark(Registration registration, String owner) {
        Map<String, String> labels = new HashMap<>(withoutConnectorLabels(registration.labels()));
        String fingerprint = fingerprint(registration);
        labels.put(MANAGED_BY, MANAGED_BY_VALUE);
        labels.put(OWNER, owner);
        labels.put(FINGERPRINT, fingerprint);
        return registration.withLabels(labels);
    }

    /**
     * A digest of everything the registration says (its own labels included, the connector's excluded).
     *
     * @param registration the registration
     * @return a digest of everything the registration says (its own labels included, the connector's excluded)
     */
    public static String fingerprint(Registration registration) {
        ObjectNode node = CANONICAL.createObjectNode();
        node.put("identifier", registration.identifier());
        node.put("name", registration.name());
        node.put("description", registration.description());
        node.put("provider", registration.provider());
        node.set("labels", CANONICAL.valueToTree(new TreeMap<>(withoutConnectorLabels(registration.labels()))));
        if (registration instanceof ApiRegistration api) {
            node.put("kind", "api");
            node.put("targetUrl", api.targetUrl().toString());
            node.put("specificationUrl", api.specificationUrl().toString());
            node.put("apiType", api.apiType());
            ObjectNode credentials = node.putObject("credentials");
            if (api.credentials() instanceof BasicCredentials basic) {
                credentials.put("username", basic.username());
                credentials.put("password", basic.password().reveal());
                credentials.put("csrf", basic.csrfTokenEndpoint().map(Object::toString).orElse(""));
            } else if (api.credentials() instanceof OAuthCredentials oauth) {
                credentials.put("tokenUrl", oauth.tokenUrl().toString());
                credentials.put("clientId", oauth.clientId());
                credentials.put("clientSecret", oauth.clientSecret().reveal());
            }
        } else if (registration instanceof EventCatalogRegistration events) {
            node.put("kind", "events");
            node.set("asyncApi", events.asyncApiView());
        }
        try {
            byte[] canonical = CANONICAL.writeValueAsBytes(CANONICAL.treeToValue(node, Object.class));
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical);
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException | java.io.IOException e) {
            throw new IllegalStateException("cannot compute a registration fingerprint", e);
        }
    }

    /**
     * The labels without the connector's own keys.
     *
     * @param labels the labels
     * @return the labels without the connector's own keys
     */
    public static Map<String, String> withoutConnectorLabels(Map<String, String> labels) {
        Map<String, String> copy = new HashMap<>(labels);
        copy.remove(MANAGED_BY);
        copy.remove(OWNER);
        copy.remove(FINGERPRINT);
        return copy;
    }
}
