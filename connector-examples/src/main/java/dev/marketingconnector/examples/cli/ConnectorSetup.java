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
import java.util.OptionalInt;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.concurrent.ScheduledExecutorService;

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
    /** SPOOL and its settings: none, the disk spool or JetStream. */
    final SpoolSettings spool;
    final ServiceCatalog catalog;
    /** The event endpoint's limits that were set (MAX_CONNECTIONS, …), each already checked. */
    final List<Consumer<BridgeConfig.Builder>> bridgeLimits;
    final OptionalInt statusMaxClients;
    private Operations operations;

    private ConnectorSetup(ConnectorConfiguration configuration, Optional<URI> registryUrl, EventsFormat eventsFormat, URI eventsUrl,
            int httpPort, Optional<Integer> mqttTcpPort, Optional<Secret> tokenSigningKey, URI asyncApiUrl, StatusEndpoint statusEndpoint,
            Optional<TlsConfig> kymaTls, List<Consumer<BridgeConfig.Builder>> bridgeLimits, OptionalInt statusMaxClients,
            SpoolSettings spool) {
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
        this.bridgeLimits = List.copyOf(bridgeLimits);
        this.statusMaxClients = statusMaxClients;
        this.spool = spool;
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
        SpoolSettings spool = SpoolSettings.from(settings, problems);

        if (configuration != null) {
            BridgeConfig.clientSecretWeakness(configuration.oauthClientSecret()).ifPresent(weakness ->
                    problems.add(new ConfigurationProblem(ConnectorConfiguration.OAUTH_CLIENT_SECRET, weakness)));
        }
        List<Consumer<BridgeConfig.Builder>> limits = bridgeLimits(settings, problems);
        OptionalInt statusMaxClients = OptionalInt.empty();
        Optional<Integer> shown = settings.integer(Settings.STATUS_MAX_CLIENTS, problems);
        if (shown.isPresent()) {
            if (shown.get() < 0) {
                problems.add(new ConfigurationProblem(Settings.STATUS_MAX_CLIENTS, "must be 0 or more, got " + shown.get()));
            } else {
                statusMaxClients = OptionalInt.of(shown.get());
            }
        }

        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return new ConnectorSetup(configuration, registryUrl, format, eventsUrl, httpPort, tcpPort, signingKey, asyncApiUrl,
                statusEndpoint, kymaTls, limits, statusMaxClients, spool);
    }

    /** The endpoint's limits that are set, each checked by BridgeConfig's own setter; problems name the setting. */
    private static List<Consumer<BridgeConfig.Builder>> bridgeLimits(Settings settings, List<ConfigurationProblem> problems) {
        List<Consumer<BridgeConfig.Builder>> limits = new ArrayList<>();
        limit(Settings.MAX_CONNECTIONS, settings.integer(Settings.MAX_CONNECTIONS, problems), BridgeConfig.Builder::maxConnections,
                problems, limits);
        limit(Settings.MAX_CONNECTIONS_PER_ADDRESS, settings.integer(Settings.MAX_CONNECTIONS_PER_ADDRESS, problems),
                BridgeConfig.Builder::maxConnectionsPerAddress, problems, limits);
        limit(Settings.HTTP_REQUEST_TIMEOUT, settings.duration(Settings.HTTP_REQUEST_TIMEOUT, problems),
                BridgeConfig.Builder::httpRequestTimeout, problems, limits);
        limit(Settings.MAX_PIPELINED_REQUESTS, settings.integer(Settings.MAX_PIPELINED_REQUESTS, problems),
                BridgeConfig.Builder::maxPipelinedRequests, problems, limits);
        limit(Settings.MQTT_CONNECT_TIMEOUT, settings.duration(Settings.MQTT_CONNECT_TIMEOUT, problems),
                BridgeConfig.Builder::connectTimeout, problems, limits);
        limit(Settings.MQTT_MAX_KEEP_ALIVE, settings.duration(Settings.MQTT_MAX_KEEP_ALIVE, problems),
                BridgeConfig.Builder::maxKeepAlive, problems, limits);
        limit(Settings.MQTT_QOS2_RELEASE_TIMEOUT, settings.duration(Settings.MQTT_QOS2_RELEASE_TIMEOUT, problems),
                BridgeConfig.Builder::qos2ReleaseTimeout, problems, limits);
        limit(Settings.MQTT_MAX_QOS2_AWAITING_RELEASE, settings.integer(Settings.MQTT_MAX_QOS2_AWAITING_RELEASE, problems),
                BridgeConfig.Builder::maxQos2AwaitingRelease, problems, limits);
        limit(Settings.FAILURE_LOG_INTERVAL, settings.duration(Settings.FAILURE_LOG_INTERVAL, problems),
                BridgeConfig.Builder::failureLogInterval, problems, limits);
        limit(Settings.TRUSTED_PROXY_HOPS, settings.integer(Settings.TRUSTED_PROXY_HOPS, problems),
                BridgeConfig.Builder::trustedProxyHops, problems, limits);
        Optional<Integer> failures = settings.integer(Settings.TOKEN_MAX_FAILURES, problems);
        Optional<java.time.Duration> window = settings.duration(Settings.TOKEN_FAILURE_WINDOW, problems);
        List<Consumer<BridgeConfig.Builder>> checked = new ArrayList<>();
        limit(Settings.TOKEN_MAX_FAILURES, failures, (b, n) -> b.tokenThrottle(n, BridgeConfig.DEFAULT_TOKEN_FAILURE_WINDOW),
                problems, checked);
        limit(Settings.TOKEN_FAILURE_WINDOW, window, (b, w) -> b.tokenThrottle(BridgeConfig.DEFAULT_TOKEN_MAX_FAILURES, w),
                problems, checked);
        if (!checked.isEmpty() && checked.size() == failures.stream().count() + window.stream().count()) {
            int n = failures.orElse(BridgeConfig.DEFAULT_TOKEN_MAX_FAILURES);
            java.time.Duration w = window.orElse(BridgeConfig.DEFAULT_TOKEN_FAILURE_WINDOW);
            limits.add(builder -> builder.tokenThrottle(n, w));
        }
        return limits;
    }

    private static <T> void limit(String name, Optional<T> value, BiConsumer<BridgeConfig.Builder, T> setter,
            List<ConfigurationProblem> problems, List<Consumer<BridgeConfig.Builder>> limits) {
        value.ifPresent(v -> {
            try {
                setter.accept(BridgeConfig.builder(), v);
                limits.add(builder -> setter.accept(builder, v));
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigurationProblem(name, e.getMessage()));
            }
        });
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

    /**
     * The publisher to Kyma on {@code eventLoops}, the loops the bridge runs on: an event is then
     * forwarded from its MQTT connection's loop and its answer handled there, without a thread hop.
     */
    EventPublisher publisher(ScheduledExecutorService eventLoops) {
        return publisher(PublisherConfig.builder(eventsUrl).eventLoops(eventLoops));
    }

    /** The publisher to Kyma on an event loop of its own (commands without a bridge). */
    EventPublisher publisher() {
        return publisher(PublisherConfig.builder(eventsUrl));
    }

    private EventPublisher publisher(PublisherConfig.Builder builder) {
        kymaTls.ifPresent(builder::tls);
        PublisherConfig config = builder.build();
        return eventsFormat == EventsFormat.KYMA_V1
                ? new LegacyEventsPublisher(config, configuration.applicationName(), true)
                : new CloudEventsPublisher(config, configuration.applicationName());
    }

    /** This setup with another core configuration (SAP system, user, password, …), sharing this one's metrics and status. */
    ConnectorSetup withConfiguration(ConnectorConfiguration other) {
        ConnectorSetup copy = new ConnectorSetup(other, registryUrl, eventsFormat, eventsUrl, httpPort, mqttTcpPort, tokenSigningKey,
                asyncApiUrl, statusEndpoint, kymaTls, bridgeLimits, statusMaxClients, spool);
        synchronized (this) {
            copy.operations = operations;
        }
        return copy;
    }

    /** Metrics and status for this process, made on first use (the `register` command never needs them). */
    synchronized Operations operations() {
        if (operations == null) {
            Operations.Builder builder = Operations.builder();
            statusMaxClients.ifPresent(builder::clientsShown);
            operations = builder
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

    /** The bridge, forwarding to {@code publisher}, on the {@code eventLoops} the publisher uses too. */
    BridgeConfig.Builder bridge(EventPublisher publisher, ScheduledExecutorService eventLoops) {
        return bridge(publisher).eventLoops(eventLoops);
    }

    /** The bridge, forwarding to {@code publisher}, on event loops of its own. */
    BridgeConfig.Builder bridge(EventPublisher publisher) {
        BridgeConfig.Builder builder = BridgeConfig.builder()
                .connector(configuration)
                .httpPort(httpPort)
                .asyncApi(catalog.eventCatalog())
                .publisher(publisher);
        mqttTcpPort.ifPresent(builder::tcpPort);
        tokenSigningKey.ifPresent(builder::tokenSigningKey);
        bridgeLimits.forEach(limit -> limit.accept(builder));
        return builder;
    }
}
