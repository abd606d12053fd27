package dev.marketingconnector.kyma.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marketingconnector.core.registration.ApiRegistration;
import dev.marketingconnector.core.registration.BasicCredentials;
import dev.marketingconnector.core.registration.OAuthCredentials;
import dev.marketingconnector.core.registration.Registration;
import dev.marketingconnector.core.registry.ApplicationRegistry;
import dev.marketingconnector.core.registry.LiveContent;
import dev.marketingconnector.core.registry.RegisteredEntry;
import dev.marketingconnector.core.registry.RegistryException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
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
 * <p>Every call is retried on connection errors, time-outs, 429 and 5xx ({@link RestRegistryConfig#retry()});
 * a create whose outcome stayed unknown is looked up before it is sent again, so it never leaves a
 * duplicate. Every failure is a {@link RegistryException} with the URL, the HTTP status and the
 * registry's error text; credentials never appear in it.
 */
public final class RestApplicationRegistry implements ApplicationRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(RestApplicationRegistry.class);
    private static final int MAX_ERROR_TEXT = 500;

    private final RestRegistryConfig config;
    private final AtomicLong resentCreates = new AtomicLong();
    private final HttpClient http;
    private final RegistryRetry retry;

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
        this.retry = new RegistryRetry("kyma-registry", config.retry());
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

    /** The resilience4j retry of every call (named {@code kyma-registry}). */
    io.github.resilience4j.retry.Retry retry() {
        return retry.retry();
    }

    @Override
    public List<RegisteredEntry> list() {
        URI url = config.baseUrl();
        return retry.call(() -> {
            JsonNode body = attempt("list the services", url, request(url).GET(), null);
            if (body == null || !body.isArray()) {
                throw new RegistryException(url.toString(), 200,
                        "Application Registry answered the service list with something other than a JSON array");
            }
            List<RegisteredEntry> entries = new ArrayList<>();
            body.forEach(service -> entries.add(ServiceDetails.entry(service)));
            return entries;
        });
    }

    /**
     * Reads each service with {@code GET …/{id}}, at most {@link RestRegistryConfig#maxConcurrentReads()}
     * at once. The registry masks secrets, so the password and client secret are {@link LiveContent#hidden()}.
     */
    @Override
    public Map<String, LiveContent> read(Collection<String> ids) {
        return BoundedReads.read(ids, config.maxConcurrentReads(), "registry-read", id -> getDetails(id).map(details -> {
            Registration registration = ServiceDetails.fromJson(id, details);
            return new LiveContent(registration, ServiceDetails.maskedFields(details), List.of());
        }));
    }

    /**
     * Registers the service. When an attempt's outcome is unknown (the request was sent, but a time-out,
     * a cut connection or a 5xx left open whether the registry stored it), the identifier is looked up
     * before the next attempt, and an entry found with this registration's identifier and labels is taken
     * as the one the earlier attempt created: a retried create never leaves a duplicate.
     */
    @Override
    public String create(Registration registration) {
        Objects.requireNonNull(registration, "registration");
        URI url = config.baseUrl();
        String what = "register '" + registration.identifier() + "'";
        AtomicBoolean mayHaveCreated = new AtomicBoolean();
        return retry.call(() -> {
            if (mayHaveCreated.get()) {
                Optional<String> earlier = findCreated(registration);
                if (earlier.isPresent()) {
                    LOG.info("An earlier attempt to {} went through (service {}); not sending it again", what, earlier.get());
                    return earlier.get();
                }
                resentCreates.incrementAndGet();
            }
            JsonNode body;
            try {
                body = attempt(what, url, request(url).header("Content-Type", "application/json").POST(json(registration)), registration);
            } catch (RegistryRetry.TransientFailure failure) {
                if (failure.outcomeUnknown()) {
                    mayHaveCreated.set(true);
                }
                throw failure;
            } catch (RegistryException refused) {
                if (refused.status() == 409 && mayHaveCreated.get()) {
                    Optional<String> earlier = findCreated(registration);
                    if (earlier.isPresent()) {
                        return earlier.get();
                    }
                }
                throw refused;
            }
            JsonNode id = body == null ? null : body.get("id");
            if (id == null || !id.isTextual() || id.asText().isBlank()) {
                throw new RegistryException(url.toString(), 200, "Application Registry registered '" + registration.identifier()
                        + "' but answered without an id");
            }
            LOG.debug("Registered '{}' as service {}", registration.identifier(), id.asText());
            return id.asText();
        });
    }

    @Override
    public void update(String id, Registration registration) {
        Objects.requireNonNull(registration, "registration");
        URI url = serviceUrl(id);
        retry.call(() -> attempt("update '" + registration.identifier() + "'", url, request(url)
                .header("Content-Type", "application/json")
                .PUT(json(registration)), registration));
    }

    /** Deletes the service; a 404 after an attempt whose outcome is unknown means that attempt deleted it. */
    @Override
    public void delete(String id) {
        URI url = serviceUrl(id);
        AtomicBoolean mayHaveDeleted = new AtomicBoolean();
        retry.call(() -> {
            try {
                return attempt("delete service " + id, url, request(url).DELETE(), null);
            } catch (RegistryRetry.TransientFailure failure) {
                if (failure.outcomeUnknown()) {
                    mayHaveDeleted.set(true);
                }
                throw failure;
            } catch (RegistryException refused) {
                if (refused.status() == 404 && mayHaveDeleted.get()) {
                    return null;
                }
                throw refused;
            }
        });
    }

    /**
     * Counts the creates sent again after an attempt whose answer was lost and whose service the
     * registry did not list yet: the earlier attempt may still land.
     */
    @Override
    public OptionalLong resentCreates() {
        return OptionalLong.of(resentCreates.get());
    }

    /** Each service is its own resource in the registry: {@link RestRegistryConfig#maxConcurrentWrites()} at once. */
    @Override
    public int maxConcurrentWrites() {
        return config.maxConcurrentWrites();
    }

    /**
     * The service with this id as a registration (secrets as the registry masks them), or empty when the registry does not know it.
     *
     * @param id the registry id of the service
     * @return the service as a registration, or empty
     */
    public Optional<Registration> get(String id) {
        return getDetails(id).map(details -> ServiceDetails.fromJson(id, details));
    }

    private Optional<JsonNode> getDetails(String id) {
        URI url = serviceUrl(id);
        try {
            return Optional.ofNullable(retry.call(() -> attempt("read service " + id, url, request(url).GET(), null)));
        } catch (RegistryException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The id of a listed service with this registration's identifier and all of its labels (so its fingerprint), if any. */
    private Optional<String> findCreated(Registration registration) {
        return list().stream()
                .filter(e -> e.identifier().equals(Optional.of(registration.identifier())))
                .filter(e -> e.labels().entrySet().containsAll(registration.labels().entrySet()))
                .map(RegisteredEntry::id)
                .findFirst();
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

    /**
     * One attempt: the parsed JSON body (null when empty) of a 2xx answer. A connection error, a time-out,
     * 429 or 5xx throws {@link RegistryRetry.TransientFailure}; any other answer a {@link RegistryException}.
     */
    private JsonNode attempt(String what, URI url, HttpRequest.Builder request, Registration registration) {
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            RegistryException failure = new RegistryException(url.toString(), 0, "Cannot " + what
                    + ": the Application Registry is unreachable (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + redact(e.getMessage(), registration)) + ")", e);
            if (e instanceof SSLException) {
                throw failure;
            }
            // Only a refused or timed-out connect proves the request never reached the registry.
            boolean sent = !(e instanceof ConnectException || e instanceof HttpConnectTimeoutException);
            throw new RegistryRetry.TransientFailure(failure, Optional.empty(), sent);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(url.toString(), 0, "Interrupted while trying to " + what, e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            RegistryException failure = new RegistryException(url.toString(), status, "Application Registry refused to " + what + ": "
                    + redact(errorText(response.body()), registration));
            if (RegistryRetry.TRANSIENT_STATUSES.contains(status)) {
                throw new RegistryRetry.TransientFailure(failure,
                        RegistryRetry.retryAfter(response.headers().firstValue("Retry-After"), Clock.systemUTC()), status != 429);
            }
            throw failure;
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
