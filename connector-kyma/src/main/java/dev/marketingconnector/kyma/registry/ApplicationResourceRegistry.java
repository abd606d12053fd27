package dev.marketingconnector.kyma.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.marketingconnector.core.registration.ApiRegistration;
import dev.marketingconnector.core.registration.BasicCredentials;
import dev.marketingconnector.core.registration.ConnectorLabels;
import dev.marketingconnector.core.registration.EventCatalogRegistration;
import dev.marketingconnector.core.registration.OAuthCredentials;
import dev.marketingconnector.core.registration.Credentials;
import dev.marketingconnector.core.registration.Registration;
import dev.marketingconnector.core.registry.ApplicationRegistry;
import dev.marketingconnector.core.registry.LiveContent;
import dev.marketingconnector.core.registry.RegisteredEntry;
import dev.marketingconnector.core.registry.RegistrationField;
import dev.marketingconnector.core.registry.RegistryException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ApplicationRegistry} of current Kyma (2.3 and later): one cluster-scoped
 * {@code Application} resource ({@code applicationconnector.kyma-project.io/v1alpha1}) whose
 * {@code spec.services[]} hold the entries, and one credential Secret per API service in
 * {@code kyma-system}.
 *
 * <ul>
 *   <li>A service's {@code id} is a UUID derived from the Application and the registration's
 *       identifier, so it is the same on every run; {@code name} is the display name in Kyma's normal
 *       form, unique in the Application (a short suffix is added on a collision).</li>
 *   <li>An API becomes an {@code API} entry with {@code targetUrl}, {@code specificationUrl},
 *       {@code apiType}, {@code centralGatewayUrl} and {@code credentials{type, secretName, …}}; its
 *       Secret {@code <application>-<service name>} holds {@code username}/{@code password} (Basic) or
 *       {@code clientId}/{@code clientSecret} (OAuth), and carries the label
 *       {@code app.kubernetes.io/managed-by=marketing-connector}.</li>
 *   <li>The event catalog becomes an {@code Events} entry whose {@code specificationUrl} is
 *       {@link ApplicationResourceConfig#eventsSpecificationUrl()}.</li>
 *   <li>Writes are read-modify-write with the resource version, retried when somebody else changed
 *       the Application in between; services the connector did not write stay as they are. The
 *       Application is created when missing. A deleted or renamed service's Secret is removed.</li>
 *   <li>Every request is retried on 429, 5xx, time-outs and connection errors
 *       ({@link ApplicationResourceConfig#retry()}); a write of the Application that fails so is tried
 *       again from a fresh read. {@link #connect} turns fabric8's own per-request retries off, so a write
 *       is never re-sent blind against a resource version that may have moved. A create whose earlier
 *       attempt went through (its answer lost) finds its service (the id is derived from the
 *       identifier) and updates it in place: no duplicate.</li>
 *   <li>{@link #read} shows each service as stored and the data of its Secret, so a display name,
 *       target URL or password changed by hand is found and repaired.</li>
 * </ul>
 *
 * <p>Every write rewrites the one Application, so {@link #maxConcurrentWrites()} stays at the port's
 * default of 1; concurrent writers (several replicas, say) are still safe through the conflict retries.
 *
 * <p>Needs RBAC for {@code applications.applicationconnector.kyma-project.io} (get, create, update)
 * and for {@code secrets} in the credentials namespace (get, create, update, delete).
 */
public final class ApplicationResourceRegistry implements ApplicationRegistry, AutoCloseable {

    /** The group. */
    public static final String GROUP = "applicationconnector.kyma-project.io";
    /** The version. */
    public static final String VERSION = "v1alpha1";
    /** The kind. */
    public static final String KIND = "Application";
    /** Label on every Secret the registry writes; only Secrets with it are ever deleted. */
    public static final String SECRET_APPLICATION_LABEL = "marketingconnector.dev/application";

    static final ResourceDefinitionContext APPLICATIONS = new ResourceDefinitionContext.Builder()
            .withGroup(GROUP).withVersion(VERSION).withKind(KIND).withPlural("applications").withNamespaced(false).build();

    private static final Logger LOG = LoggerFactory.getLogger(ApplicationResourceRegistry.class);
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

    private final ApplicationResourceConfig config;
    private final KubernetesClient client;
    private final boolean ownsClient;
    private final RegistryRetry retry;

    ApplicationResourceRegistry(ApplicationResourceConfig config, KubernetesClient client, boolean ownsClient) {
        this.config = Objects.requireNonNull(config, "config");
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.retry = new RegistryRetry("kyma-application", config.retry());
    }

    /**
     * A registry talking to the API server of {@link ApplicationResourceConfig#apiServerUrl()}, or else
     * to the cluster found in the environment: the pod's service account, or {@code KUBECONFIG} /
     * {@code ~/.kube/config}. Close it to release the connections.
     *
     * @param config the settings
     * @return the application resource registry
     */
    public static ApplicationResourceRegistry connect(ApplicationResourceConfig config) {
        Objects.requireNonNull(config, "config");
        try {
            Config kubernetes = config.apiServerUrl()
                    .map(url -> {
                        ConfigBuilder builder = new ConfigBuilder(Config.empty()).withMasterUrl(url.toString());
                        config.bearerToken().ifPresent(token -> builder.withOauthToken(token.reveal()));
                        return builder.build();
                    })
                    .orElseGet(() -> Config.autoConfigure(null));
            // The registry retries whole read-modify-write operations; fabric8 re-sending one request would not help.
            kubernetes.setRequestRetryBackoffLimit(0);
            return new ApplicationResourceRegistry(config, new KubernetesClientBuilder().withConfig(kubernetes).build(), true);
        } catch (KubernetesClientException e) {
            throw new RegistryException(config.apiServerUrl().map(Object::toString).orElse("in-cluster API server"), e.getCode(),
                    "Cannot set up the Kubernetes client: " + e.getMessage(), e);
        }
    }

    /** {@return the config} */
    public ApplicationResourceConfig config() {
        return config;
    }

    @Override
    public List<RegisteredEntry> list() {
        Snapshot snapshot = read();
        List<RegisteredEntry> entries = new ArrayList<>();
        for (JsonNode service : snapshot.services()) {
            String id = text(service, "id").orElseGet(() -> text(service, "name").orElse(""));
            String name = text(service, "displayName").filter(s -> !s.isBlank()).orElseGet(() -> text(service, "name").orElse(id));
            Map<String, String> labels = new LinkedHashMap<>();
            JsonNode node = service.get("labels");
            if (node != null && node.isObject()) {
                node.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
            }
            entries.add(new RegisteredEntry(id, name, text(service, "identifier").filter(s -> !s.isBlank()), labels));
        }
        return entries;
    }

    /**
     * Each service and its Secret as stored: the service's display name, description, provider and
     * labels, its entry's target and specification URL, API type and credentials (the Secret's data),
     * plus drift in what only this registry writes (an entry's {@code centralGatewayUrl}, Secret name, the
     * Events entry's URL). The Application is read once; Secrets at most
     * {@link ApplicationResourceConfig#maxConcurrentReads()} at once.
     */
    @Override
    public Map<String, LiveContent> read(Collection<String> ids) {
        Snapshot snapshot = read();
        Map<String, JsonNode> services = new LinkedHashMap<>();
        for (String id : ids) {
            snapshot.find(id).ifPresent(index -> services.put(id, snapshot.services().get(index)));
        }
        List<String> secretNames = services.values().stream().flatMap(service -> secretNames(service).stream()).distinct().toList();
        Map<String, Secret> secrets = BoundedReads.read(secretNames, config.maxConcurrentReads(), "application-secret-read",
                name -> Optional.ofNullable(getSecret(name)));
        Map<String, LiveContent> contents = new LinkedHashMap<>();
        services.forEach((id, service) -> contents.put(id, live(id, service, secrets)));
        return contents;
    }

    /** {@return 0: a service's id follows from its identifier, so a create sent again finds it instead of adding one} */
    @Override
    public OptionalLong resentCreates() {
        return OptionalLong.of(0);
    }

    @Override
    public String create(Registration registration) {
        Objects.requireNonNull(registration, "registration");
        requireEventsUrl(registration);
        String id = ServiceNames.serviceId(config.applicationName(), registration.identifier());
        AtomicBoolean mayHaveCreated = new AtomicBoolean();
        return retry.call(() -> {
            try {
                return createOnce(registration, id, mayHaveCreated.get());
            } catch (RegistryRetry.TransientFailure failure) {
                mayHaveCreated.set(true);
                throw failure;
            }
        });
    }

    /** @param mayHaveCreated an earlier attempt failed in a way that leaves open whether it added the service */
    private String createOnce(Registration registration, String id, boolean mayHaveCreated) {
        String writtenSecret = null;
        for (int attempt = 0; ; attempt++) {
            Snapshot snapshot = read();
            Optional<Integer> existing = snapshot.find(id);
            if (existing.isPresent()) {
                if (!mayHaveCreated
                        || !text(snapshot.services().get(existing.get()), "identifier").equals(Optional.of(registration.identifier()))) {
                    throw new RegistryException(applicationEndpoint(), 409, "Application '" + config.applicationName()
                            + "' already has the service '" + registration.identifier() + "' (id " + id + ")");
                }
                // An earlier attempt went through (its answer was lost): make that service what it should be.
                LOG.info("Application '{}' already has the service '{}' (an earlier attempt went through); updating it in place",
                        config.applicationName(), registration.identifier());
                updateOnce(id, registration);
                return id;
            }
            String name = ServiceNames.uniqueServiceName(registration.name(), id, snapshot.names(null));
            Optional<String> secret = secretNameFor(registration, name, id);
            ObjectNode service = render(registration, id, name, secret);
            try {
                secret.ifPresent(s -> writeSecret(s, registration));
                if (writtenSecret != null && !secret.equals(Optional.of(writtenSecret))) {
                    deleteSecretIfOwned(writtenSecret);
                }
                writtenSecret = secret.orElse(null);
                ArrayNode services = snapshot.services().deepCopy();
                services.add(service);
                write(snapshot, services);
                LOG.debug("Added service '{}' ({}) to Application '{}'", name, registration.identifier(), config.applicationName());
                return id;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409 && attempt < config.maxConflictRetries()) {
                    continue;
                }
                RuntimeException failure = failure("add '" + registration.identifier() + "' to", e);
                if (writtenSecret != null && !(failure instanceof RegistryRetry.TransientFailure)) {
                    deleteSecretQuietly(writtenSecret);
                }
                throw failure;
            } catch (RegistryException e) {
                if (writtenSecret != null) {
                    deleteSecretQuietly(writtenSecret);
                }
                throw e;
            }
        }
    }

    @Override
    public void update(String id, Registration registration) {
        Objects.requireNonNull(registration, "registration");
        requireEventsUrl(registration);
        retry.call(() -> {
            updateOnce(id, registration);
            return id;
        });
    }

    private void updateOnce(String id, Registration registration) {
        for (int attempt = 0; ; attempt++) {
            Snapshot snapshot = read();
            int index = snapshot.find(id).orElseThrow(() -> notFound(id));
            JsonNode old = snapshot.services().get(index);
            String name = ServiceNames.uniqueServiceName(registration.name(), id, snapshot.names(index));
            Optional<String> secret = secretNameFor(registration, name, id);
            ObjectNode service = render(registration, id, name, secret);
            try {
                secret.ifPresent(s -> writeSecret(s, registration));
                ArrayNode services = snapshot.services().deepCopy();
                services.set(index, service);
                write(snapshot, services);
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409 && attempt < config.maxConflictRetries()) {
                    continue;
                }
                RuntimeException failure = failure("update '" + registration.identifier() + "' in", e);
                if (!(failure instanceof RegistryRetry.TransientFailure)) {
                    secret.filter(s -> !secretNames(old).contains(s)).ifPresent(this::deleteSecretQuietly);
                }
                throw failure;
            }
            for (String previous : secretNames(old)) {
                if (!secret.equals(Optional.of(previous))) {
                    deleteSecretIfOwned(previous);
                }
            }
            return;
        }
    }

    /**
     * Deletes the service and its Secret; when a retry finds the service gone, the attempt whose answer
     * was lost removed it, and only its Secret is left to delete.
     */
    @Override
    public void delete(String id) {
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<JsonNode> removed = new AtomicReference<>();
        retry.call(() -> {
            boolean retrying = attempts.incrementAndGet() > 1;
            try {
                deleteOnce(id, removed);
            } catch (RegistryException e) {
                if (!(retrying && e.status() == 404 && removed.get() != null)) {
                    throw e;
                }
                secretNames(removed.get()).forEach(this::deleteSecretIfOwned);
            }
            return id;
        });
    }

    private void deleteOnce(String id, AtomicReference<JsonNode> removed) {
        for (int attempt = 0; ; attempt++) {
            Snapshot snapshot = read();
            int index = snapshot.find(id).orElseThrow(() -> notFound(id));
            JsonNode old = snapshot.services().get(index);
            removed.set(old);
            try {
                ArrayNode services = snapshot.services().deepCopy();
                services.remove(index);
                write(snapshot, services);
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409 && attempt < config.maxConflictRetries()) {
                    continue;
                }
                throw failure("delete service " + id + " from", e);
            }
            secretNames(old).forEach(this::deleteSecretIfOwned);
            return;
        }
    }

    /** Closes the Kubernetes client if this registry created it. */
    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    // --- the Application resource ---

    private record Snapshot(GenericKubernetesResource resource, ArrayNode services) {

        Optional<Integer> find(String id) {
            for (int i = 0; i < services.size(); i++) {
                if (id != null && id.equals(services.get(i).path("id").asText(null))) {
                    return Optional.of(i);
                }
            }
            return Optional.empty();
        }

        List<String> names(Integer except) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < services.size(); i++) {
                if (except == null || i != except) {
                    names.add(services.get(i).path("name").asText(""));
                }
            }
            return names;
        }
    }

    /** The Application as it is now, read with retries. */
    private Snapshot read() {
        return retry.call(this::readOnce);
    }

    private Snapshot readOnce() {
        GenericKubernetesResource resource;
        try {
            resource = client.genericKubernetesResources(APPLICATIONS).withName(config.applicationName()).get();
        } catch (KubernetesClientException e) {
            throw failure("read", e);
        }
        if (resource == null) {
            return new Snapshot(null, ServiceDetails.JSON.createArrayNode());
        }
        JsonNode services = spec(resource).get("services");
        return new Snapshot(resource, services != null && services.isArray() ? (ArrayNode) services : ServiceDetails.JSON.createArrayNode());
    }

    private static ObjectNode spec(GenericKubernetesResource resource) {
        Object spec = resource.getAdditionalProperties().get("spec");
        return spec == null ? ServiceDetails.JSON.createObjectNode() : ServiceDetails.JSON.valueToTree(spec);
    }

    private void write(Snapshot snapshot, ArrayNode services) {
        if (snapshot.resource() == null) {
            GenericKubernetesResource created = new GenericKubernetesResource();
            created.setApiVersion(GROUP + "/" + VERSION);
            created.setKind(KIND);
            created.setMetadata(new ObjectMetaBuilder().withName(config.applicationName()).build());
            ObjectNode spec = ServiceDetails.JSON.createObjectNode();
            spec.put("description", config.description());
            config.displayName().ifPresent(d -> spec.put("displayName", d));
            spec.put("providerDisplayName", config.providerDisplayName());
            spec.put("skipVerify", false);
            ObjectNode labels = spec.putObject("labels");
            new TreeMap<>(config.labels()).forEach(labels::put);
            spec.set("services", services);
            created.setAdditionalProperty("spec", ServiceDetails.JSON.convertValue(spec, Map.class));
            client.genericKubernetesResources(APPLICATIONS).resource(created).create();
            LOG.info("Created Application '{}'", config.applicationName());
            return;
        }
        GenericKubernetesResource changed = snapshot.resource();
        ObjectNode spec = spec(changed);
        spec.set("services", services);
        changed.setAdditionalProperty("spec", ServiceDetails.JSON.convertValue(spec, Map.class));
        // update() sends the resource version read above: a concurrent change answers 409 and is retried.
        client.genericKubernetesResources(APPLICATIONS).resource(changed).update();
    }

    private ObjectNode render(Registration registration, String id, String name, Optional<String> secret) {
        ObjectNode service = ServiceDetails.JSON.createObjectNode();
        service.put("id", id);
        service.put("identifier", registration.identifier());
        service.put("name", name);
        service.put("displayName", registration.name());
        service.put("providerDisplayName", registration.provider());
        service.put("description", registration.description());
        ObjectNode labels = service.putObject("labels");
        new TreeMap<>(registration.labels()).forEach(labels::put);
        ObjectNode entry = service.putArray("entries").addObject();
        if (registration instanceof ApiRegistration api) {
            entry.put("type", "API");
            entry.put("targetUrl", api.targetUrl().toString());
            entry.put("specificationUrl", api.specificationUrl().toString());
            entry.put("apiType", api.apiType());
            entry.put("centralGatewayUrl", stripSlash(config.centralGatewayUrl().toString()) + "/" + config.applicationName() + "/" + name);
            ObjectNode credentials = entry.putObject("credentials");
            if (api.credentials() instanceof BasicCredentials basic) {
                credentials.put("type", "Basic");
                credentials.put("secretName", secret.orElseThrow());
                basic.csrfTokenEndpoint().ifPresent(csrf -> credentials.putObject("csrfInfo").put("tokenEndpointURL", csrf.toString()));
            } else if (api.credentials() instanceof OAuthCredentials oauth) {
                credentials.put("type", "OAuth");
                credentials.put("secretName", secret.orElseThrow());
                credentials.put("authenticationUrl", oauth.tokenUrl().toString());
            }
        } else if (registration instanceof EventCatalogRegistration) {
            entry.put("type", "Events");
            entry.put("specificationUrl", config.eventsSpecificationUrl().orElseThrow().toString());
        }
        return service;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    // --- credential Secrets ---

    private Optional<String> secretNameFor(Registration registration, String serviceName, String id) {
        return registration instanceof ApiRegistration
                ? Optional.of(ServiceNames.secretName(config.applicationName(), serviceName, id))
                : Optional.empty();
    }

    private static List<String> secretNames(JsonNode service) {
        List<String> names = new ArrayList<>();
        service.path("entries").forEach(entry -> {
            String name = entry.path("credentials").path("secretName").asText("");
            if (!name.isBlank()) {
                names.add(name);
            }
        });
        return names;
    }

    /**
     * Creates or replaces the Secret, one request at a time, each retried on its own: a read, then a
     * create (when missing) or a replace on the read's resource version (when its data or labels differ).
     * A 409 (created or changed meanwhile, perhaps by this very write whose answer was lost) reads again.
     */
    private void writeSecret(String name, Registration registration) {
        Secret wanted = secret(name, registration);
        for (int attempt = 0; ; attempt++) {
            Secret existing = getSecret(name);
            try {
                if (existing == null) {
                    retry.call(() -> secretRequest(name, registration, s -> s.resource(wanted).create()));
                } else if (!holds(existing, wanted)) {
                    Secret replacement = new SecretBuilder(wanted).editMetadata()
                            .withResourceVersion(existing.getMetadata().getResourceVersion()).endMetadata().build();
                    retry.call(() -> secretRequest(name, registration, s -> s.resource(replacement).update()));
                }
                return;
            } catch (RegistryException e) {
                if (e.status() != 409 || attempt >= config.maxConflictRetries()) {
                    throw e;
                }
            }
        }
    }

    private Secret secretRequest(String name, Registration registration,
            java.util.function.Function<io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<Secret, io.fabric8.kubernetes.api.model.SecretList,
                    io.fabric8.kubernetes.client.dsl.Resource<Secret>>, Secret> request) {
        try {
            return request.apply(client.secrets().inNamespace(config.credentialsNamespace()));
        } catch (KubernetesClientException e) {
            throw classify(new RegistryException(secretEndpoint(name), e.getCode(), "Cannot write the credentials Secret of '"
                    + registration.identifier() + "': " + reason(e), e), e);
        }
    }

    /** True when the Secret already holds this data and carries these labels. */
    private static boolean holds(Secret existing, Secret wanted) {
        Map<String, String> labels = existing.getMetadata().getLabels() == null ? Map.of() : existing.getMetadata().getLabels();
        return Objects.equals(existing.getData(), wanted.getData()) && Objects.equals(existing.getType(), wanted.getType())
                && labels.entrySet().containsAll(wanted.getMetadata().getLabels().entrySet());
    }

    private Secret secret(String name, Registration registration) {
        ApiRegistration api = (ApiRegistration) registration;
        Map<String, String> data = new LinkedHashMap<>();
        if (api.credentials() instanceof BasicCredentials basic) {
            data.put("username", basic.username());
            data.put("password", basic.password().reveal());
        } else if (api.credentials() instanceof OAuthCredentials oauth) {
            data.put("clientId", oauth.clientId());
            data.put("clientSecret", oauth.clientSecret().reveal());
        }
        Map<String, String> encoded = new LinkedHashMap<>();
        data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(ConnectorLabels.MANAGED_BY, ConnectorLabels.MANAGED_BY_VALUE);
        if (config.applicationName().length() <= 63) {
            labels.put(SECRET_APPLICATION_LABEL, config.applicationName());
        }
        String owner = registration.labels().get(ConnectorLabels.OWNER);
        if (owner != null && owner.length() <= 63 && LABEL_VALUE.matcher(owner).matches()) {
            labels.put(ConnectorLabels.OWNER, owner);
        }
        return new SecretBuilder()
                .withNewMetadata().withName(name).withNamespace(config.credentialsNamespace()).withLabels(labels).endMetadata()
                .withType("Opaque")
                .withData(encoded)
                .build();
    }

    /** Deletes the Secret if the connector wrote it (it has the managed-by label); a read and a delete, each retried. */
    private void deleteSecretIfOwned(String name) {
        Secret secret = getSecret(name);
        if (secret == null) {
            return;
        }
        Map<String, String> labels = secret.getMetadata().getLabels();
        if (labels == null || !ConnectorLabels.MANAGED_BY_VALUE.equals(labels.get(ConnectorLabels.MANAGED_BY))) {
            LOG.info("Leaving Secret {}/{} in place: it was not written by the connector", config.credentialsNamespace(), name);
            return;
        }
        retry.call(() -> {
            try {
                return client.secrets().inNamespace(config.credentialsNamespace()).withName(name).delete();
            } catch (KubernetesClientException e) {
                throw classify(new RegistryException(secretEndpoint(name), e.getCode(), "Cannot delete the credentials Secret: "
                        + reason(e), e), e);
            }
        });
    }

    private void deleteSecretQuietly(String name) {
        try {
            deleteSecretIfOwned(name);
        } catch (RegistryException | RegistryRetry.TransientFailure e) {
            LOG.warn("Could not remove Secret {}/{} after a failed write: {}", config.credentialsNamespace(), name, e.getMessage());
        }
    }

    private Secret getSecret(String name) {
        return retry.call(() -> getSecretOnce(name));
    }

    private Secret getSecretOnce(String name) {
        try {
            return client.secrets().inNamespace(config.credentialsNamespace()).withName(name).get();
        } catch (KubernetesClientException e) {
            throw classify(new RegistryException(secretEndpoint(name), e.getCode(), "Cannot read the credentials Secret: " + reason(e), e), e);
        }
    }

    // --- reading back ---

    /** A service as stored, as a registration, with its Secret's data and drift in the fields only this registry writes. */
    private LiveContent live(String id, JsonNode service, Map<String, Secret> secrets) {
        String identifier = text(service, "identifier").orElse(id);
        String displayName = text(service, "displayName").orElse("");
        String description = text(service, "description").orElse("");
        String provider = text(service, "providerDisplayName").orElse("");
        String serviceName = text(service, "name").orElse("");
        Map<String, String> labels = new LinkedHashMap<>();
        JsonNode labelNode = service.get("labels");
        if (labelNode != null && labelNode.isObject()) {
            labelNode.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        }
        List<String> drift = new ArrayList<>();
        JsonNode entries = service.path("entries");
        if (entries.size() != 1) {
            drift.add("entries");
        }
        JsonNode entry = entries.path(0);
        if ("Events".equals(text(entry, "type").orElse(""))) {
            if (!text(entry, "specificationUrl").equals(config.eventsSpecificationUrl().map(URI::toString))) {
                drift.add("entry.specificationUrl");
            }
            return new LiveContent(new EventCatalogRegistration(identifier, displayName, description, provider,
                    ServiceDetails.JSON.createObjectNode(), labels), Set.of(RegistrationField.EVENTS_SPEC), drift);
        }
        URI target = ServiceDetails.uri(text(entry, "targetUrl").orElse(""));
        URI specification = ServiceDetails.uri(text(entry, "specificationUrl").orElse(""));
        String gateway = stripSlash(config.centralGatewayUrl().toString()) + "/" + config.applicationName() + "/" + serviceName;
        if (!text(entry, "centralGatewayUrl").equals(Optional.of(gateway))) {
            drift.add("entry.centralGatewayUrl");
        }
        JsonNode credentials = entry.path("credentials");
        String secretName = text(credentials, "secretName").orElse("");
        if (!secretName.equals(ServiceNames.secretName(config.applicationName(), serviceName, id))) {
            drift.add("entry.credentials.secretName");
        }
        Map<String, String> data = secretData(secrets.get(secretName));
        Credentials stored;
        if ("OAuth".equals(text(credentials, "type").orElse(""))) {
            stored = new OAuthCredentials(ServiceDetails.uri(text(credentials, "authenticationUrl").orElse("")),
                    data.getOrDefault("clientId", ""), dev.marketingconnector.core.config.Secret.of(data.getOrDefault("clientSecret", "")));
        } else {
            Optional<URI> csrf = text(credentials.path("csrfInfo"), "tokenEndpointURL").map(ServiceDetails::uri);
            stored = new BasicCredentials(data.getOrDefault("username", ""),
                    dev.marketingconnector.core.config.Secret.of(data.getOrDefault("password", "")), csrf);
            if (!"Basic".equals(text(credentials, "type").orElse(""))) {
                drift.add("entry.credentials.type");
            }
        }
        return new LiveContent(new ApiRegistration(identifier, displayName, description, provider, target, specification,
                text(entry, "apiType").orElse(""), stored, labels), Set.of(), drift);
    }

    /** A Secret's data, decoded; none when it is missing (so its fields show as drift). */
    private static Map<String, String> secretData(Secret secret) {
        Map<String, String> data = new LinkedHashMap<>();
        if (secret == null || secret.getData() == null) {
            return data;
        }
        secret.getData().forEach((key, value) -> {
            try {
                data.put(key, new String(Base64.getDecoder().decode(value == null ? "" : value), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException notBase64) {
                data.put(key, "");
            }
        });
        return data;
    }

    // --- errors ---

    private void requireEventsUrl(Registration registration) {
        if (registration instanceof EventCatalogRegistration && config.eventsSpecificationUrl().isEmpty()) {
            throw new RegistryException(applicationEndpoint(), 0, "Cannot register the event catalog '" + registration.identifier()
                    + "': eventsSpecificationUrl (where the connector serves /asyncapi.json) is not configured");
        }
    }

    private RegistryException notFound(String id) {
        return new RegistryException(applicationEndpoint(), 404, "Application '" + config.applicationName() + "' has no service with id '" + id + "'");
    }

    private RuntimeException failure(String what, KubernetesClientException e) {
        return classify(new RegistryException(applicationEndpoint(), e.getCode(), "Cannot " + what + " Application '"
                + config.applicationName() + "': " + reason(e), e), e);
    }

    /** A failure that may pass (429, 5xx, a time-out or connection error) as a transient one the retry repeats. */
    private static RuntimeException classify(RegistryException failure, KubernetesClientException e) {
        return isTransient(e) ? new RegistryRetry.TransientFailure(failure, Optional.empty(), true) : failure;
    }

    static boolean isTransient(KubernetesClientException e) {
        if (RegistryRetry.TRANSIENT_STATUSES.contains(e.getCode())) {
            return true;
        }
        if (e.getCode() > 0) {
            return false;
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof javax.net.ssl.SSLException) {
                return false;
            }
            if (cause instanceof java.io.IOException || cause instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String reason(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return e.getStatus().getMessage();
        }
        return e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : String.valueOf(e.getMessage());
    }

    private String applicationEndpoint() {
        return stripSlash(String.valueOf(client.getMasterUrl())) + "/apis/" + GROUP + "/" + VERSION + "/applications/" + config.applicationName();
    }

    private String secretEndpoint(String name) {
        return stripSlash(String.valueOf(client.getMasterUrl())) + "/api/v1/namespaces/" + config.credentialsNamespace() + "/secrets/" + name;
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || !value.isValueNode() ? Optional.empty() : Optional.of(value.asText());
    }
}
