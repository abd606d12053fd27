package dev.marketingconnector.examples.cli;

import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.config.ConfigurationException;
import dev.marketingconnector.core.config.ConfigurationProblem;
import dev.marketingconnector.core.config.ConnectorConfiguration;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.registry.ApplicationRegistry;
import dev.marketingconnector.examples.ops.Operations;
import dev.marketingconnector.examples.ops.StatusEndpoint;
import dev.marketingconnector.kyma.events.CloudEventsPublisher;
import dev.marketingconnector.kyma.events.LegacyEventsPublisher;
import dev.marketingconnector.kyma.events.PublisherConfig;
import dev.marketingconnector.kyma.registry.ApplicationResourceConfig;
import dev.marketingconnector.kyma.registry.ApplicationResourceRegistry;
import dev.marketingconnector.kyma.registry.RestApplicationRegistry;
import dev.marketingconnector.kyma.registry.RestRegistryConfig;
import dev.marketingconnector.kyma.transport.TlsConfig;
import dev.marketingconnector.mqtt.BridgeConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Everything a command needs, checked at once: the seven core settings plus the runnable's own
 * (registry, events, ports, signing key). {@link #from(Settings)} reports every problem together,
 * each by its environment name.
 */
final class ConnectorSetup {

    enum EventsFormat {
        CLOUDEVENTS("cloudevents"),
        KYMA_V1("kyma-v1");

        final String value;

        EventsFormat(String value) {
            this.value = value;
        }
    }

    static final String DEFAULT_CLOUDEVENTS_URL = "http://eventing-publisher-proxy.kyma-system/publish";
    static final String DEFAULT_KYMA_V1_URL = "http://eventing-publisher-proxy.kyma-system/{app}/v1/events";
    static final String REGISTRY_PATH_SUFFIX = "/v1/metadata/services";

    final ConnectorConfiguration configuration;
    final Optional<URI> registryUrl;
    final EventsFormat eventsFormat;
    final URI eventsUrl;
    final int httpPort;
    final Optional<Integer> mqttTcpPort;
    final Optional<Secret> tokenSigningKey;
    final URI asyncApiUrl;
    final StatusEndpoint statusEndpoint;
    /** Trust store and client certificate for the Kyma registry and events (the 1.x gateway wants a client certificate). */
    final Optional<TlsConfig> kymaTls;
    final ServiceCatalog catalog;
    private Operations operations;

    private ConnectorSetup(ConnectorConfiguration configuration, Optional<URI> registryUrl, EventsFormat eventsFormat, URI eventsUrl,
            int httpPort, Optional<Integer> mqttTcpPort, Optional<Secret> tokenSigningKey, URI asyncApiUrl, StatusEndpoint statusEndpoint,
            Optional<TlsConfig> kymaTls) {
        this.configuration = configuration;
        this.registryUrl = registryUrl;
        this.eventsFormat = eventsFormat;
        this.eventsUrl = eventsUrl;
        this.httpPort = httpPort;
        this.mqttTcpPort = mqttTcpPort;
        this.tokenSigningKey = tokenSigningKey;
        this.asyncApiUrl = asyncApiUrl;
        this.statusEndpoint = statusEndpoint;
        this.kymaTls = kymaTls;
        this.catalog = ServiceCatalog.marketing();
    }

    /** The setup of a command's settings, or empty after printing every problem (the caller exits with 2). */
    static Optional<ConnectorSetup> resolve(SettingsOptions options, MarketingConnectorCli cli) {
        try {
            return Optional.of(from(options.resolve(cli.environment())));
        } catch (ConfigurationException e) {
            cli.out().println(e.getMessage());
            return Optional.empty();
        }
    }

    /** @throws ConfigurationException listing every problem of every setting */
    static ConnectorSetup from(Settings settings) {
        List<ConfigurationProblem> problems = new ArrayList<>();
        ConnectorConfiguration configuration = null;
        try {
            configuration = ConnectorConfiguration.fromEnvironment(settings.asMap());
        } catch (ConfigurationException e) {
            problems.addAll(e.problems());
        }

        Optional<URI> registryUrl = settings.get(Settings.REGISTRY_URL).flatMap(raw -> {
            Optional<URI> url = httpUrl(Settings.REGISTRY_URL, raw, problems);
            url.filter(u -> !trimSlash(u.getPath()).endsWith(REGISTRY_PATH_SUFFIX)).ifPresent(u -> problems.add(new ConfigurationProblem(
                    Settings.REGISTRY_URL, "'" + raw + "' must end in /{application}" + REGISTRY_PATH_SUFFIX)));
            return url;
        });

        String formatValue = settings.get(Settings.EVENTS_FORMAT).orElse(EventsFormat.CLOUDEVENTS.value).toLowerCase(Locale.ROOT);
        EventsFormat format = null;
        for (EventsFormat candidate : EventsFormat.values()) {
            if (candidate.value.equals(formatValue)) {
                format = candidate;
            }
        }
        if (format == null) {
            problems.add(new ConfigurationProblem(Settings.EVENTS_FORMAT, "'" + formatValue + "' is neither 'cloudevents' nor 'kyma-v1'"));
        }
        String application = configuration == null ? settings.get(ConnectorConfiguration.APPLICATION_NAME).orElse("app")
                : configuration.applicationName();
        String defaultEventsUrl = (format == EventsFormat.KYMA_V1 ? DEFAULT_KYMA_V1_URL : DEFAULT_CLOUDEVENTS_URL).replace("{app}", application);
        URI eventsUrl = httpUrl(Settings.EVENTS_URL, settings.get(Settings.EVENTS_URL).orElse(defaultEventsUrl), problems).orElse(null);

        int httpPort = settings.port(Settings.HTTP_PORT, problems).orElse(Settings.DEFAULT_HTTP_PORT);
        Optional<Integer> tcpPort = settings.port(Settings.MQTT_TCP_PORT, problems);

        Optional<Secret> signingKey = settings.get(Settings.TOKEN_SIGNING_KEY).map(Secret::of);
        signingKey.filter(k -> k.reveal().getBytes(StandardCharsets.UTF_8).length < BridgeConfig.MIN_SIGNING_KEY_BYTES)
                .ifPresent(k -> problems.add(new ConfigurationProblem(Settings.TOKEN_SIGNING_KEY,
                        "too short: use at least " + BridgeConfig.MIN_SIGNING_KEY_BYTES + " bytes (e.g. `openssl rand -base64 48`)")));

        String defaultAsyncApi = configuration == null ? "https://auth.example.com/asyncapi.json"
                : "https://auth." + configuration.clusterDomain() + "/asyncapi.json";
        URI asyncApiUrl = httpUrl(Settings.ASYNCAPI_URL, settings.get(Settings.ASYNCAPI_URL).orElse(defaultAsyncApi), problems).orElse(null);

        StatusEndpoint statusEndpoint = StatusEndpoint.ON_HTTP_PORT;
        try {
            statusEndpoint = StatusEndpoint.parse(settings.get(Settings.STATUS_PORT).orElse(null));
        } catch (ConfigurationException e) {
            problems.addAll(e.problems());
        }
        int statusPort = statusEndpoint.separate().orElse(0);
        if (statusPort != 0 && (statusPort == httpPort || tcpPort.filter(p -> p == statusPort).isPresent())) {
            problems.add(new ConfigurationProblem(Settings.STATUS_PORT, "'" + statusPort + "' is already the "
                    + (statusPort == httpPort ? Settings.HTTP_PORT : Settings.MQTT_TCP_PORT) + "; use another port, or leave "
                    + Settings.STATUS_PORT + " unset to serve /status on the HTTP port"));
        }

        Optional<TlsConfig> kymaTls = kymaTls(settings, problems);

        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return new ConnectorSetup(configuration, registryUrl, format, eventsUrl, httpPort, tcpPort, signingKey, asyncApiUrl,
                statusEndpoint, kymaTls);
    }

    /** PKCS #12 stores for the connections to Kyma, checked by loading them; problems name the setting, never the password. */
    static Optional<TlsConfig> kymaTls(Settings settings, List<ConfigurationProblem> problems) {
        TlsConfig.Builder builder = TlsConfig.builder();
        boolean trust = store(settings, Settings.KYMA_TRUST_STORE, Settings.KYMA_TRUST_STORE_PASSWORD, problems,
                (path, password) -> builder.trustStore(path, password));
        boolean key = store(settings, Settings.KYMA_KEY_STORE, Settings.KYMA_KEY_STORE_PASSWORD, problems,
                (path, password) -> builder.keyStore(path, password));
        if (!trust && !key) {
            return Optional.empty();
        }
        TlsConfig tls = builder.build();
        try {
            tls.sslContext();
        } catch (RuntimeException e) {
            String setting = key ? Settings.KYMA_KEY_STORE : Settings.KYMA_TRUST_STORE;
            problems.add(new ConfigurationProblem(setting, "cannot be loaded (wrong password or not PKCS #12?): "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage())));
            return Optional.empty();
        }
        return Optional.of(tls);
    }

    private static boolean store(Settings settings, String pathSetting, String passwordSetting, List<ConfigurationProblem> problems,
            java.util.function.BiConsumer<java.nio.file.Path, Secret> apply) {
        Optional<String> path = settings.get(pathSetting);
        Optional<String> password = settings.get(passwordSetting);
        if (path.isEmpty()) {
            password.ifPresent(p -> problems.add(new ConfigurationProblem(passwordSetting, "is set but " + pathSetting + " is not")));
            return false;
        }
        if (password.isEmpty()) {
            problems.add(new ConfigurationProblem(passwordSetting, "missing: " + pathSetting + " needs its password"));
            return false;
        }
        try {
            apply.accept(java.nio.file.Path.of(path.get()), Secret.of(password.get()));
            return true;
        } catch (RuntimeException e) {
            problems.add(new ConfigurationProblem(pathSetting, "cannot read '" + path.get() + "'"));
            return false;
        }
    }

    private static String trimSlash(String path) {
        String p = path == null ? "" : path;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    private static Optional<URI> httpUrl(String setting, String raw, List<ConfigurationProblem> problems) {
        try {
            URI uri = new URI(raw.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        problems.add(new ConfigurationProblem(setting, "'" + raw + "' is not an http(s) URL"));
        return Optional.empty();
    }

    /** Kyma 1.x's REST registry when REGISTRY_URL is set, else the Application resource of the cluster we run in. */
    ApplicationRegistry registry() {
        if (registryUrl.isPresent()) {
            RestRegistryConfig.Builder config = RestRegistryConfig.builder(registryUrl.get());
            kymaTls.ifPresent(config::tls);
            return new RestApplicationRegistry(config.build());
        }
        return ApplicationResourceRegistry.connect(ApplicationResourceConfig.builder(configuration.applicationName())
                .eventsSpecificationUrl(asyncApiUrl)
                .build());
    }

    String registryDescription() {
        return registryUrl.map(u -> "Kyma 1.x Application Registry " + u)
                .orElse("Application resource '" + configuration.applicationName() + "' in the current cluster");
    }

    EventPublisher publisher() {
        PublisherConfig.Builder builder = PublisherConfig.builder(eventsUrl);
        kymaTls.ifPresent(builder::tls);
        PublisherConfig config = builder.build();
        return eventsFormat == EventsFormat.KYMA_V1
                ? new LegacyEventsPublisher(config, configuration.applicationName(), true)
                : new CloudEventsPublisher(config, configuration.applicationName());
    }

    /** This setup with another core configuration (SAP system, user, password, …), sharing this one's metrics and status. */
    ConnectorSetup withConfiguration(ConnectorConfiguration other) {
        ConnectorSetup copy = new ConnectorSetup(other, registryUrl, eventsFormat, eventsUrl, httpPort, mqttTcpPort, tokenSigningKey,
                asyncApiUrl, statusEndpoint, kymaTls);
        synchronized (this) {
            copy.operations = operations;
        }
        return copy;
    }

    /** Metrics and status for this process, made on first use (the `register` command never needs them). */
    synchronized Operations operations() {
        if (operations == null) {
            operations = Operations.builder()
                    .statusEndpoint(statusEndpoint)
                    .sapEndpoints(configuration.mqttHost(), configuration.tokenEndpoint().toString())
                    .build();
        }
        return operations;
    }

    /** The operations made so far, if any. */
    synchronized Optional<Operations> existingOperations() {
        return Optional.ofNullable(operations);
    }

    BridgeConfig.Builder bridge(EventPublisher publisher) {
        BridgeConfig.Builder builder = BridgeConfig.builder()
                .connector(configuration)
                .httpPort(httpPort)
                .asyncApi(catalog.eventCatalog())
                .publisher(publisher);
        mqttTcpPort.ifPresent(builder::tcpPort);
        tokenSigningKey.ifPresent(builder::tokenSigningKey);
        return builder;
    }
}
