package dev.marketingconnector.kyma.registry;

import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.internal.OptionalDependency;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What {@link ApplicationResourceRegistry} writes and where: the Application's name and the
 * descriptive fields it gets when the registry has to create it, the namespace of the credential
 * Secrets, the URL where the connector serves the AsyncAPI document, and, optionally, which API
 * server to talk to (by default the cluster the process runs in: service account or {@code KUBECONFIG}).
 */
public final class ApplicationResourceConfig {

    /** Where Kyma's Application Gateway looks for credential Secrets. */
    public static final String DEFAULT_CREDENTIALS_NAMESPACE = "kyma-system";
    /** The default central gateway URL. */
    public static final URI DEFAULT_CENTRAL_GATEWAY_URL = URI.create("http://central-application-gateway.kyma-system:8080");
    /** The default description. */
    public static final String DEFAULT_DESCRIPTION = "Created by the Marketing Connector";
    /** The default provider display name. */
    public static final String DEFAULT_PROVIDER_DISPLAY_NAME = "SAP";
    /** How often a write is retried when somebody else changed the Application in between. */
    public static final int DEFAULT_MAX_CONFLICT_RETRIES = 5;
    /** Credential Secrets read at once when the reconciler compares the entries with what should be there. */
    public static final int DEFAULT_MAX_CONCURRENT_READS = 8;

    private static final Pattern RESOURCE_NAME = Pattern.compile("[a-z0-9]([-.a-z0-9]*[a-z0-9])?");
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private final String applicationName;
    private final Optional<URI> eventsSpecificationUrl;
    private final String credentialsNamespace;
    private final URI centralGatewayUrl;
    private final String description;
    private final Optional<String> displayName;
    private final String providerDisplayName;
    private final Map<String, String> labels;
    private final int maxConflictRetries;
    private final Optional<URI> apiServerUrl;
    private final Optional<Secret> bearerToken;
    private final RegistryRetryConfig retry;
    private final int maxConcurrentReads;

    private ApplicationResourceConfig(Builder b) {
        this.applicationName = b.applicationName;
        this.eventsSpecificationUrl = Optional.ofNullable(b.eventsSpecificationUrl);
        this.credentialsNamespace = b.credentialsNamespace;
        this.centralGatewayUrl = b.centralGatewayUrl;
        this.description = b.description;
        this.displayName = Optional.ofNullable(b.displayName);
        this.providerDisplayName = b.providerDisplayName;
        this.labels = Map.copyOf(b.labels);
        this.maxConflictRetries = b.maxConflictRetries;
        this.apiServerUrl = Optional.ofNullable(b.apiServerUrl);
        this.bearerToken = Optional.ofNullable(b.bearerToken);
        this.retry = b.retry;
        this.maxConcurrentReads = b.maxConcurrentReads;
    }

    /**
     * Starts the settings of a registry for one Application.
     *
     * @param applicationName the Application resource's name (a DNS subdomain, e.g. {@code mkt-prod})
     * @return a builder with the defaults
     * @throws dev.marketingconnector.core.MissingDependencyException when fabric8 (an optional dependency of
     *         this module) is not on the class path; checked here, before {@link ApplicationResourceRegistry} is linked
     */
    public static Builder builder(String applicationName) {
        OptionalDependency.require(ApplicationResourceConfig.class, "ApplicationResourceRegistry",
                "io.fabric8.kubernetes.client.KubernetesClient", "kubernetes-client", "kubernetes-httpclient-jdk");
        return new Builder(applicationName);
    }

    /** {@return the application name} */
    public String applicationName() {
        return applicationName;
    }

    /** {@return where the connector serves the AsyncAPI document ({@code …/asyncapi.json}); needed to register the event catalog} */
    public Optional<URI> eventsSpecificationUrl() {
        return eventsSpecificationUrl;
    }

    /** {@return the credentials namespace} */
    public String credentialsNamespace() {
        return credentialsNamespace;
    }

    /** {@return the central gateway URL} */
    public URI centralGatewayUrl() {
        return centralGatewayUrl;
    }

    /** {@return the description} */
    public String description() {
        return description;
    }

    /** {@return the display name} */
    public Optional<String> displayName() {
        return displayName;
    }

    /** {@return the provider display name} */
    public String providerDisplayName() {
        return providerDisplayName;
    }

    /**
     * Labels the Application gets when the registry creates it.
     *
     * @return the labels
     */
    public Map<String, String> labels() {
        return labels;
    }

    /** {@return the max conflict retries} */
    public int maxConflictRetries() {
        return maxConflictRetries;
    }

    /** {@return the API server URL} */
    public Optional<URI> apiServerUrl() {
        return apiServerUrl;
    }

    /** {@return the bearer token} */
    public Optional<Secret> bearerToken() {
        return bearerToken;
    }

    /** {@return how each operation is retried on 429, 5xx, time-outs and connection errors (conflicts have {@link #maxConflictRetries()})} */
    public RegistryRetryConfig retry() {
        return retry;
    }

    /** {@return how many credential Secrets are read at once when the entries are read back} */
    public int maxConcurrentReads() {
        return maxConcurrentReads;
    }

    @Override
    public String toString() {
        return "ApplicationResourceConfig[application=" + applicationName + ", credentialsNamespace=" + credentialsNamespace
                + ", eventsSpecificationUrl=" + eventsSpecificationUrl.map(URI::toString).orElse("none")
                + ", apiServer=" + apiServerUrl.map(URI::toString).orElse("in-cluster/KUBECONFIG")
                + (bearerToken.isPresent() ? ", bearerToken=******" : "") + "]";
    }

    /** Collects the settings; every setter checks its value at once. */
    public static final class Builder {

        private final String applicationName;
        private URI eventsSpecificationUrl;
        private String credentialsNamespace = DEFAULT_CREDENTIALS_NAMESPACE;
        private URI centralGatewayUrl = DEFAULT_CENTRAL_GATEWAY_URL;
        private String description = DEFAULT_DESCRIPTION;
        private String displayName;
        private String providerDisplayName = DEFAULT_PROVIDER_DISPLAY_NAME;
        private Map<String, String> labels = Map.of();
        private int maxConflictRetries = DEFAULT_MAX_CONFLICT_RETRIES;
        private URI apiServerUrl;
        private Secret bearerToken;
        private RegistryRetryConfig retry = RegistryRetryConfig.defaults();
        private int maxConcurrentReads = DEFAULT_MAX_CONCURRENT_READS;

        private Builder(String applicationName) {
            Objects.requireNonNull(applicationName, "applicationName");
            if (applicationName.length() > 253 || !RESOURCE_NAME.matcher(applicationName).matches()) {
                throw new IllegalArgumentException("applicationName '" + applicationName
                        + "' must be a Kubernetes resource name: lower-case letters, digits, '-' and '.', at most 253");
            }
            this.applicationName = applicationName;
        }

        /**
         * Sets the events specification URL.
         *
         * @param url the URL
         * @return this builder
         */
        public Builder eventsSpecificationUrl(URI url) {
            this.eventsSpecificationUrl = absolute(url, "eventsSpecificationUrl");
            return this;
        }

        /**
         * Sets the credentials namespace.
         *
         * @param namespace the namespace
         * @return this builder
         */
        public Builder credentialsNamespace(String namespace) {
            Objects.requireNonNull(namespace, "credentialsNamespace");
            if (namespace.length() > 63 || !NAMESPACE.matcher(namespace).matches()) {
                throw new IllegalArgumentException("credentialsNamespace '" + namespace + "' is not a valid namespace name");
            }
            this.credentialsNamespace = namespace;
            return this;
        }

        /**
         * Sets the central gateway URL.
         *
         * @param url the URL
         * @return this builder
         */
        public Builder centralGatewayUrl(URI url) {
            this.centralGatewayUrl = absolute(url, "centralGatewayUrl");
            return this;
        }

        /**
         * Sets the description.
         *
         * @param description the description
         * @return this builder
         */
        public Builder description(String description) {
            this.description = notBlank(description, "description");
            return this;
        }

        /**
         * Sets the display name.
         *
         * @param displayName the display name
         * @return this builder
         */
        public Builder displayName(String displayName) {
            this.displayName = notBlank(displayName, "displayName");
            return this;
        }

        /**
         * Sets the provider display name.
         *
         * @param providerDisplayName the provider display name
         * @return this builder
         */
        public Builder providerDisplayName(String providerDisplayName) {
            this.providerDisplayName = notBlank(providerDisplayName, "providerDisplayName");
            return this;
        }

        /**
         * Sets the labels.
         *
         * @param labels the labels
         * @return this builder
         */
        public Builder labels(Map<String, String> labels) {
            this.labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
            return this;
        }

        /**
         * Sets the max conflict retries.
         *
         * @param retries the retries
         * @return this builder
         */
        public Builder maxConflictRetries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("maxConflictRetries must be >= 0, got " + retries);
            }
            this.maxConflictRetries = retries;
            return this;
        }

        /**
         * Talks to this API server instead of the one found in the environment (service account, {@code KUBECONFIG}).
         *
         * @param url the URL
         * @return this builder
         */
        public Builder apiServerUrl(URI url) {
            this.apiServerUrl = absolute(url, "apiServerUrl");
            return this;
        }

        /**
         * The bearer token for {@link #apiServerUrl(URI)}.
         *
         * @param token the token
         * @return this builder
         */
        public Builder bearerToken(Secret token) {
            this.bearerToken = Objects.requireNonNull(token, "bearerToken");
            return this;
        }

        /**
         * Retries of transient failures ({@link RegistryRetryConfig#defaults()}; {@link RegistryRetryConfig#none()} for none).
         *
         * @param retry the retry
         * @return this builder
         */
        public Builder retry(RegistryRetryConfig retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /**
         * How many reads (GETs of single entries, for drift checks) may run at once.
         *
         * @param reads at least 1
         * @return this builder
         */
        public Builder maxConcurrentReads(int reads) {
            if (reads < 1) {
                throw new IllegalArgumentException("maxConcurrentReads must be >= 1, got " + reads);
            }
            this.maxConcurrentReads = reads;
            return this;
        }

        /** {@return the build} */
        public ApplicationResourceConfig build() {
            if (bearerToken != null && apiServerUrl == null) {
                throw new IllegalArgumentException("bearerToken is set but apiServerUrl is not");
            }
            return new ApplicationResourceConfig(this);
        }

        private static URI absolute(URI url, String field) {
            Objects.requireNonNull(url, field);
            if (!url.isAbsolute() || url.getHost() == null) {
                throw new IllegalArgumentException(field + " '" + url + "' must be an absolute URL");
            }
            return url;
        }

        private static String notBlank(String value, String field) {
            Objects.requireNonNull(value, field);
            if (value.isBlank()) {
                throw new IllegalArgumentException(field + " must not be blank");
            }
            return value;
        }
    }
}
