package dev.marketingconnector.kyma.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marketingconnector.core.registration.ApiRegistration;
import dev.marketingconnector.core.registration.BasicCredentials;
import dev.marketingconnector.core.registration.OAuthCredentials;
import dev.marketingconnector.core.registration.Registration;
import dev.marketingconnector.core.registry.ApplicationRegistry;
import dev.marketingconnector.core.registry.RegisteredEntry;
import dev.marketingconnector.core.registry.RegistryException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ApplicationRegistry} of Kyma 1.x: the REST Application Registry at
 * {@code …/{application}/v1/metadata/services}. Each registration becomes one service (ServiceDetails):
 * an API with its target URL, basic or OAuth credentials, {@code SpecificationUrl} and {@code ApiType},
 * or the event catalog with its AsyncAPI document inline as {@code events.spec}. The registration's
 * identifier and labels are stored with the service and listed back, so the connector finds its own
 * entries by them.
 *
 * <pre>{@code
 * ApplicationRegistry registry = new RestApplicationRegistry(RestRegistryConfig.builder(
 *         URI.create("http://application-registry-external-api.kyma-integration.svc.cluster.local:8081/mkt-prod/v1/metadata/services"))
 *         .build());
 * }</pre>
 *
 * <p>Every failure is a {@link RegistryException} with the URL, the HTTP status and the registry's
 * error text; credentials never appear in it.
 */
public final class RestApplicationRegistry implements ApplicationRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(RestApplicationRegistry.class);
    private static final int MAX_ERROR_TEXT = 500;

    private final RestRegistryConfig config;
    private final HttpClient http;

    /**
     * Creates a RestApplicationRegistry.
     *
     * @param config the settings
     */
    public RestApplicationRegistry(RestRegistryConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1);
        config.tls().ifPresent(tls -> builder.sslContext(tls.sslContext()));
        this.http = builder.build();
    }

    /**
     * A registry at this base URL with the default settings.
     *
     * @param baseUrl the base URL
     */
    public RestApplicationRegistry(URI baseUrl) {
        this(RestRegistryConfig.builder(baseUrl).build());
    }

    /** {@return the config} */
    public RestRegistryConfig config() {
        return config;
    }

    @Override
    public List<RegisteredEntry> list() {
        URI url = config.baseUrl();
        JsonNode body = send("list the services", url, request(url).GET(), null, 200);
        if (body == null || !body.isArray()) {
            throw new RegistryException(url.toString(), 200, "Application Registry answered the service list with something other than a JSON array");
        }
        List<RegisteredEntry> entries = new ArrayList<>();
        body.forEach(service -> entries.add(ServiceDetails.entry(service)));
        return entries;
    }

    @Override
    public String create(Registration registration) {
        Objects.requireNonNull(registration, "registration");
        URI url = config.baseUrl();
        JsonNode body = send("register '" + registration.identifier() + "'", url, request(url)
                .header("Content-Type", "application/json")
                .POST(json(registration)), registration, 200);
        JsonNode id = body == null ? null : body.get("id");
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            throw new RegistryException(url.toString(), 200, "Application Registry registered '" + registration.identifier()
                    + "' but answered without an id");
        }
        LOG.debug("Registered '{}' as service {}", registration.identifier(), id.asText());
        return id.asText();
    }

    @Override
    public void update(String id, Registration registration) {
        Objects.requireNonNull(registration, "registration");
        URI url = serviceUrl(id);
        send("update '" + registration.identifier() + "'", url, request(url)
                .header("Content-Type", "application/json")
                .PUT(json(registration)), registration, 200);
    }

    @Override
    public void delete(String id) {
        URI url = serviceUrl(id);
        send("delete service " + id, url, request(url).DELETE(), null, 204);
    }

    /** Each service is its own resource in the registry: {@link RestRegistryConfig#maxConcurrentWrites()} at once. */
    @Override
    public int maxConcurrentWrites() {
        return config.maxConcurrentWrites();
    }

    /**
     * The service with this id as a registration, or empty when the registry does not know it.
     *
     * @param id the id
     * @return the service with this id as a registration, or empty when the registry does not know it
     */
    public Optional<Registration> get(String id) {
        URI url = serviceUrl(id);
        try {
            JsonNode body = send("read service " + id, url, request(url).GET(), null, 200);
            return Optional.of(ServiceDetails.fromJson(id, body));
        } catch (RegistryException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private HttpRequest.Builder request(URI url) {
        return HttpRequest.newBuilder(url).timeout(config.requestTimeout()).header("Accept", "application/json");
    }

    private static HttpRequest.BodyPublisher json(Registration registration) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(ServiceDetails.JSON.writeValueAsBytes(ServiceDetails.toJson(registration)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the ServiceDetails of '" + registration.identifier() + "'", e);
        }
    }

    private URI serviceUrl(String id) {
        if (id == null || id.isBlank()) {
            throw new RegistryException(config.baseUrl().toString(), 0, "a service id is required");
        }
        return URI.create(config.baseUrl() + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    /** Sends, and returns the parsed JSON body (null when empty) of a 2xx answer; anything else throws. */
    private JsonNode send(String what, URI url, HttpRequest.Builder request, Registration registration, int expected) {
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RegistryException(url.toString(), 0, "Cannot " + what + ": the Application Registry is unreachable ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + redact(e.getMessage(), registration)) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(url.toString(), 0, "Interrupted while trying to " + what, e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw new RegistryException(url.toString(), status, "Application Registry refused to " + what + ": "
                    + redact(errorText(response.body()), registration));
        }
        if (status != expected) {
            LOG.debug("{} answered {} (expected {})", url, status, expected);
        }
        String body = response.body();
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return ServiceDetails.JSON.readTree(body);
        } catch (IOException e) {
            throw new RegistryException(url.toString(), status, "Application Registry answered " + what + " with invalid JSON", e);
        }
    }

    /** The registry's {@code {code, error}} text, or the body itself (shortened). */
    private static String errorText(String body) {
        if (body == null || body.isBlank()) {
            return "(no error text)";
        }
        try {
            JsonNode node = ServiceDetails.JSON.readTree(body);
            for (String field : new String[] {"error", "message"}) {
                JsonNode text = node.get(field);
                if (text != null && text.isTextual()) {
                    return shorten(text.asText());
                }
            }
        } catch (IOException e) {
            // not JSON: fall through to the raw body
        }
        return shorten(body.strip());
    }

    private static String shorten(String text) {
        return text.length() <= MAX_ERROR_TEXT ? text : text.substring(0, MAX_ERROR_TEXT) + "…";
    }

    /** Masks the registration's secrets, in case the server echoes them. */
    private static String redact(String text, Registration registration) {
        if (registration instanceof ApiRegistration api) {
            String secret = null;
            if (api.credentials() instanceof BasicCredentials basic) {
                secret = basic.password().reveal();
            } else if (api.credentials() instanceof OAuthCredentials oauth) {
                secret = oauth.clientSecret().reveal();
            }
            if (secret != null && !secret.isEmpty()) {
                return text.replace(secret, "******");
            }
        }
        return text;
    }
}
