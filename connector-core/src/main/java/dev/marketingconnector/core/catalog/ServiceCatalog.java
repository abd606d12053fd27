package dev.marketingconnector.core.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.marketingconnector.core.communication.CommunicationScenario;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What one SAP product offers: its communication scenarios, the OData services they open, and the
 * catalog of business events (an AsyncAPI document). Loaded from a JSON file; the Marketing catalog
 * ships with the core ({@link #marketing()}), another connector brings its own file and reuses
 * everything else.
 *
 * <p>File format: {@code product}, {@code displayName}, {@code provider}, {@code description},
 * {@code servicePathPrefix}, {@code eventCatalog} (a file name next to the catalog),
 * {@code scenarios[] {id, name, services[], events}} and
 * {@code services[] {name, version?, path?, displayName, description}}. The JSON Schema at
 * {@link #SCHEMA_RESOURCE} describes each field (editors use it to complete and check a catalog);
 * the parser enforces the same rules, naming the JSON path of the first problem, and also what a
 * schema cannot say: every service belongs to exactly one scenario, scenarios name known services,
 * no service is listed twice, and the event catalog is an AsyncAPI document next to the file.
 */
public final class ServiceCatalog {

    /** The classpath location of the bundled SAP Marketing Cloud catalog. */
    public static final String MARKETING_RESOURCE = "/dev/marketingconnector/core/catalog/marketing-cloud.json";
    /** The classpath location of the catalog format's JSON Schema (draft 2020-12). */
    public static final String SCHEMA_RESOURCE = "/dev/marketingconnector/core/catalog/service-catalog.schema.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PRODUCT = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9_]+");
    private static final Pattern VERSION = Pattern.compile("[0-9]{4}");

    private final String product;
    private final String displayName;
    private final String provider;
    private final String description;
    private final List<CatalogService> services;
    private final Map<String, CatalogService> servicesByKey;
    private final List<CommunicationScenario> scenarios;
    private final ObjectNode eventCatalog;

    private ServiceCatalog(String product, String displayName, String provider, String description,
            List<CatalogService> services, List<CommunicationScenario> scenarios, ObjectNode eventCatalog) {
        this.product = product;
        this.displayName = displayName;
        this.provider = provider;
        this.description = description;
        this.services = List.copyOf(services);
        Map<String, CatalogService> byKey = new LinkedHashMap<>();
        services.forEach(s -> byKey.put(s.key(), s));
        this.servicesByKey = Collections.unmodifiableMap(byKey);
        this.scenarios = List.copyOf(scenarios);
        this.eventCatalog = eventCatalog;
    }

    /** {@return the SAP Marketing Cloud catalog bundled with the core: 29 services, 8 scenarios, the Marketing events} */
    public static ServiceCatalog marketing() {
        return fromClasspath(MARKETING_RESOURCE);
    }

    /**
     * Loads a catalog from the classpath; its {@code eventCatalog} file is looked up next to it.
     *
     * @param resource the resource
     * @return the service catalog
     * @throws CatalogException naming the resource and the JSON path of any problem
     */
    public static ServiceCatalog fromClasspath(String resource) {
        Objects.requireNonNull(resource, "resource");
        String absolute = resource.startsWith("/") ? resource : "/" + resource;
        String folder = absolute.substring(0, absolute.lastIndexOf('/') + 1);
        return parse(absolute, () -> ServiceCatalog.class.getResourceAsStream(absolute),
                name -> ServiceCatalog.class.getResourceAsStream(folder + name));
    }

    /**
     * Loads a catalog file; its {@code eventCatalog} file is looked up in the same folder.
     *
     * @param file the file
     * @return the service catalog
     * @throws CatalogException naming the file and the JSON path of any problem
     */
    public static ServiceCatalog fromFile(Path file) {
        Objects.requireNonNull(file, "file");
        Path folder = file.toAbsolutePath().getParent();
        return parse(file.toString(), () -> open(file), name -> open(folder.resolve(name)));
    }

    private static InputStream open(Path file) {
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface Opener {
        InputStream open();
    }

    private interface Resolver {
        InputStream open(String name);
    }

    private static ServiceCatalog parse(String source, Opener opener, Resolver resolver) {
        JsonNode root = readJson(source, opener.open());
        Reader reader = new Reader(source);
        String product = reader.text(root, "$", "product");
        if (!PRODUCT.matcher(product).matches()) {
            throw new CatalogException(source, "$.product", "'" + product + "' must be a lower-case name of letters, digits and '-'");
        }
        String displayName = reader.text(root, "$", "displayName");
        String provider = reader.text(root, "$", "provider");
        String description = reader.optionalText(root, "description").orElse(displayName);
        String prefix = reader.optionalText(root, "servicePathPrefix").orElse("/");
        if (!prefix.startsWith("/")) {
            throw new CatalogException(source, "$.servicePathPrefix", "must start with '/', got '" + prefix + "'");
        }
        String prefixWithSlash = prefix.endsWith("/") ? prefix : prefix + "/";

        // Scenarios first: each service learns which scenario opens it.
        JsonNode scenarioArray = reader.array(root, "$", "scenarios");
        List<CommunicationScenario> scenarios = new ArrayList<>();
        Map<String, String> scenarioOfService = new HashMap<>();
        Map<String, String> scenarioPathOfService = new HashMap<>();
        for (int i = 0; i < scenarioArray.size(); i++) {
            String path = "$.scenarios[" + i + "]";
            JsonNode node = reader.object(scenarioArray.get(i), path);
            String id = reader.text(node, path, "id");
            String name = reader.text(node, path, "name");
            boolean events = node.path("events").asBoolean(false);
            List<String> keys = new ArrayList<>();
            JsonNode serviceKeys = node.get("services");
            if (serviceKeys != null) {
                if (!serviceKeys.isArray()) {
                    throw new CatalogException(source, path + ".services", "must be an array of service keys");
                }
                for (int j = 0; j < serviceKeys.size(); j++) {
                    JsonNode key = serviceKeys.get(j);
                    String keyPath = path + ".services[" + j + "]";
                    if (!key.isTextual() || key.asText().isBlank()) {
                        throw new CatalogException(source, keyPath, "must be a service key such as 'API_MKT_CONTACT_SRV;v=0002'");
                    }
                    String previous = scenarioOfService.putIfAbsent(key.asText(), id);
                    if (previous != null) {
                        throw new CatalogException(source, keyPath, "service '" + key.asText() + "' is already in scenario " + previous);
                    }
                    scenarioPathOfService.put(key.asText(), keyPath);
                    keys.add(key.asText());
                }
            }
            scenarios.add(new CommunicationScenario(id, name, keys, events));
        }

        JsonNode serviceArray = reader.array(root, "$", "services");
        List<CatalogService> services = new ArrayList<>();
        Map<String, String> pathOfKey = new HashMap<>();
        for (int i = 0; i < serviceArray.size(); i++) {
            String path = "$.services[" + i + "]";
            JsonNode node = reader.object(serviceArray.get(i), path);
            String name = reader.text(node, path, "name");
            if (!SERVICE_NAME.matcher(name).matches()) {
                throw new CatalogException(source, path + ".name", "'" + name + "' is not a technical service name (letters, digits, '_')");
            }
            Optional<String> version = reader.optionalText(node, "version");
            if (version.isPresent() && !VERSION.matcher(version.get()).matches()) {
                throw new CatalogException(source, path + ".version", "'" + version.get() + "' must be four digits, e.g. '0002'");
            }
            String servicePath = reader.optionalText(node, "path")
                    .orElse(prefixWithSlash + name + version.map(v -> ";v=" + v).orElse(""));
            if (!servicePath.startsWith("/")) {
                throw new CatalogException(source, path + ".path", "must start with '/', got '" + servicePath + "'");
            }
            while (servicePath.endsWith("/")) {
                servicePath = servicePath.substring(0, servicePath.length() - 1);
            }
            String serviceDisplayName = reader.text(node, path, "displayName");
            String serviceDescription = reader.text(node, path, "description");
            String key = name + version.map(v -> ";v=" + v).orElse("");
            if (pathOfKey.putIfAbsent(key, path) != null) {
                throw new CatalogException(source, path + ".name", "service '" + key + "' is listed twice (first at " + pathOfKey.get(key) + ")");
            }
            String scenario = scenarioOfService.get(key);
            if (scenario == null) {
                throw new CatalogException(source, path, "service '" + key + "' belongs to no scenario");
            }
            services.add(new CatalogService(name, version, servicePath, serviceDisplayName, serviceDescription, scenario));
        }
        for (Map.Entry<String, String> entry : scenarioPathOfService.entrySet()) {
            if (!pathOfKey.containsKey(entry.getKey())) {
                throw new CatalogException(source, entry.getValue(), "scenario names service '" + entry.getKey() + "', which is not in $.services");
            }
        }

        String eventCatalogName = reader.text(root, "$", "eventCatalog");
        InputStream eventStream;
        try {
            eventStream = resolver.open(eventCatalogName);
        } catch (UncheckedIOException e) {
            throw new CatalogException(source, "$.eventCatalog", "cannot read '" + eventCatalogName + "'", e.getCause());
        }
        if (eventStream == null) {
            throw new CatalogException(source, "$.eventCatalog", "file '" + eventCatalogName + "' not found next to the catalog");
        }
        JsonNode events = readJson(eventCatalogName, eventStream);
        if (!events.isObject()) {
            throw new CatalogException(eventCatalogName, "$", "an AsyncAPI document must be a JSON object");
        }
        if (!events.path("asyncapi").isTextual()) {
            throw new CatalogException(eventCatalogName, "$.asyncapi", "missing: not an AsyncAPI document");
        }
        if (!events.path("topics").isObject() && !events.path("channels").isObject()) {
            throw new CatalogException(eventCatalogName, "$.topics", "missing: the document lists no events");
        }
        return new ServiceCatalog(product, displayName, provider, description, services, scenarios, (ObjectNode) events);
    }

    private static JsonNode readJson(String source, InputStream in) {
        if (in == null) {
            throw new CatalogException(source, "$", "not found");
        }
        try (InputStream stream = in) {
            JsonNode node = JSON.readTree(stream);
            if (node == null || node.isMissingNode()) {
                throw new CatalogException(source, "$", "empty document");
            }
            return node;
        } catch (JsonProcessingException e) {
            var location = e.getLocation();
            String where = location == null ? "$" : "$ (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
            throw new CatalogException(source, where, "not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new CatalogException(source, "$", "cannot be read: " + e.getMessage(), e);
        }
    }

    /** Reads required fields and reports the JSON path of whatever is missing or of the wrong kind. */
    private record Reader(String source) {

        JsonNode object(JsonNode node, String path) {
            if (node == null || !node.isObject()) {
                throw new CatalogException(source, path, "must be an object");
            }
            return node;
        }

        JsonNode array(JsonNode node, String path, String field) {
            object(node, path);
            JsonNode value = node.get(field);
            if (value == null) {
                throw new CatalogException(source, path + "." + field, "missing");
            }
            if (!value.isArray()) {
                throw new CatalogException(source, path + "." + field, "must be an array");
            }
            return value;
        }

        String text(JsonNode node, String path, String field) {
            object(node, path);
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                throw new CatalogException(source, path + "." + field, "missing");
            }
            if (!value.isTextual() || value.asText().isBlank()) {
                throw new CatalogException(source, path + "." + field, "must be a non-empty string");
            }
            return value.asText();
        }

        Optional<String> optionalText(JsonNode node, String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() || value.asText().isBlank() ? Optional.empty() : Optional.of(value.asText());
        }
    }

    /**
     * A short lower-case product name, e.g. {@code sap-marketing-cloud}; part of every entry's identifier.
     *
     * @return a short lower-case product name, e.g
     */
    public String product() {
        return product;
    }

    /** {@return the display name} */
    public String displayName() {
        return displayName;
    }

    /**
     * The provider name shown in Kyma, e.g. {@code SAP}.
     *
     * @return the provider name shown in Kyma, e.g
     */
    public String provider() {
        return provider;
    }

    /** {@return the description} */
    public String description() {
        return description;
    }

    /** {@return the services} */
    public List<CatalogService> services() {
        return services;
    }

    /**
     * The service with this key.
     *
     * @param key the key
     * @return the service
     */
    public Optional<CatalogService> service(String key) {
        return Optional.ofNullable(servicesByKey.get(key));
    }

    /** {@return the scenarios} */
    public List<CommunicationScenario> scenarios() {
        return scenarios;
    }

    /**
     * The scenario with this id.
     *
     * @param id the id
     * @return the scenario
     */
    public Optional<CommunicationScenario> scenario(String id) {
        return scenarios.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** {@return the AsyncAPI document of the product's business events (a copy; callers may change it)} */
    public ObjectNode eventCatalog() {
        return eventCatalog.deepCopy();
    }

    /**
     * The event types the catalog lists, e.g. {@code bo.marketingpermission.changed.v1}.
     *
     * @return the event types the catalog lists, e.g
     */
    public List<String> eventTopics() {
        List<String> topics = new ArrayList<>();
        JsonNode node = eventCatalog.has("topics") ? eventCatalog.get("topics") : eventCatalog.get("channels");
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            topics.add(names.next());
        }
        return topics;
    }

    /**
     * The stable identity of a service's registration: product and service path, never the display name.
     *
     * @param service the catalog service
     * @return the stable identity of a service's registration: product and service path, never the display name
     */
    public String identifierFor(CatalogService service) {
        return product + ":" + service.path();
    }

    /** {@return the stable identity of the event catalog's registration} */
    public String eventCatalogIdentifier() {
        return product + ":events";
    }

    @Override
    public String toString() {
        return "ServiceCatalog[" + product + ", " + services.size() + " services, " + scenarios.size() + " scenarios]";
    }
}
