package dev.marketingconnector.testkit;

import dev.marketingconnector.core.catalog.CatalogService;
import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.config.ConnectorConfiguration;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.discovery.DiscoveryReport;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.registration.ApplicationRegistration;
import dev.marketingconnector.core.registration.EventCatalogRegistration;
import dev.marketingconnector.core.registry.ApplicationRegistry;
import dev.marketingconnector.core.registry.ReconcileResult;
import dev.marketingconnector.core.registry.RegistrationReconciler;
import dev.marketingconnector.kyma.events.CloudEventsPublisher;
import dev.marketingconnector.kyma.events.LegacyEventsPublisher;
import dev.marketingconnector.kyma.events.PublisherConfig;
import dev.marketingconnector.kyma.registry.RestApplicationRegistry;
import dev.marketingconnector.kyma.testing.MockKyma;
import dev.marketingconnector.mqtt.BridgeConfig;
import dev.marketingconnector.mqtt.MqttBridge;
import dev.marketingconnector.mqtt.testing.MarketingEventSimulator;
import dev.marketingconnector.odata.ODataServiceDiscovery;
import dev.marketingconnector.odata.testing.MockMarketingSystem;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The whole connector on loopback in one object, for tests: a mock SAP tenant
 * ({@link MockMarketingSystem}), a mock Kyma ({@link MockKyma}), the real event endpoint
 * ({@link MqttBridge}) forwarding to that Kyma through the real publisher, and the tenant's event
 * channel ({@link MarketingEventSimulator}, connected), all sharing one set of credentials, each on a
 * free port. Use it with any test framework; JUnit 5 users get it injected by {@link ConnectorExtension}.
 *
 * <pre>{@code
 * try (ConnectorHarness connector = ConnectorHarness.start()) {
 *     connector.register();                                   // discovery from the tenant into MockKyma
 *     connector.simulator().sendSampleEvents(10);             // SAP → bridge → Kyma
 *     assertThat(connector.kyma().awaitEvents(10, Duration.ofSeconds(10))).hasSize(10);
 * }
 * }</pre>
 *
 * <p>What it wires: the {@link #configuration()} holds the tenant's URL, user and password, the OAuth
 * client the bridge accepts and the simulator presents, and the Application name; the bridge listens
 * on {@code 127.0.0.1} on a free port (unlike {@link BridgeConfig}'s defaults, {@code 0.0.0.0:8080},
 * which suit a pod) and serves the catalog's AsyncAPI document; the publisher retries quickly
 * ({@link #PUBLISHER_INITIAL_BACKOFF} up to {@link #PUBLISHER_MAX_BACKOFF}) so that injected faults do
 * not slow a test down. {@link #close()} stops everything, the simulator first.
 */
public final class ConnectorHarness implements AutoCloseable {

    /** The Application name unless {@link Builder#applicationName} says otherwise. */
    public static final String DEFAULT_APPLICATION = "mkt-test";
    /** The OAuth client id unless {@link Builder#oauthClient} says otherwise; the secret is generated per harness. */
    public static final String DEFAULT_OAUTH_CLIENT_ID = "sap-tenant";
    /** The cluster domain in the configuration (a reserved example domain: nothing resolves it). */
    public static final String DEFAULT_CLUSTER_DOMAIN = "kyma.example.com";
    /** The publisher's first retry wait (the production default is 500 ms). */
    public static final Duration PUBLISHER_INITIAL_BACKOFF = Duration.ofMillis(20);
    /** The publisher's longest retry wait (the production default is 10 s). */
    public static final Duration PUBLISHER_MAX_BACKOFF = Duration.ofMillis(500);
    /** How long {@link #close()} lets the bridge finish messages in flight (the production default is 10 s). */
    public static final Duration BRIDGE_SHUTDOWN_DEADLINE = Duration.ofSeconds(2);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Builder settings;
    private final ServiceCatalog catalog;
    private final List<AutoCloseable> started = new ArrayList<>();
    private MockMarketingSystem tenant;
    private MockKyma kyma;
    private EventPublisher publisher;
    private MqttBridge bridge;
    private MarketingEventSimulator simulator;
    private ConnectorConfiguration configuration;
    private ApplicationRegistry registry;
    private ODataServiceDiscovery discovery;

    private ConnectorHarness(Builder settings) {
        this.settings = settings;
        this.catalog = settings.catalog == null ? ServiceCatalog.marketing() : settings.catalog;
    }

    /**
     * Starts a harness with the defaults: the Marketing catalog, Application {@value #DEFAULT_APPLICATION},
     * CloudEvents, the simulator connected.
     *
     * @return the running harness
     */
    public static ConnectorHarness start() {
        return builder().start();
    }

    /**
     * Starts the settings of a harness.
     *
     * @return a builder with the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    private ConnectorHarness startAll() {
        try {
            MockMarketingSystem.Builder tenantSettings = MockMarketingSystem.builder().catalog(catalog);
            settings.metadataResources.forEach(tenantSettings::metadataFromClasspath);
            settings.tenant.accept(tenantSettings);
            tenant = remember(tenantSettings.start());
            MockKyma.Builder kymaSettings = MockKyma.builder();
            settings.kyma.accept(kymaSettings);
            kyma = remember(kymaSettings.start());

            configuration = ConnectorConfiguration.builder()
                    .systemUrl(tenant.url().toString())
                    .user(tenant.communicationUser().name())
                    .password(tenant.communicationUser().password().reveal())
                    .oauthClientId(settings.oauthClientId)
                    .oauthClientSecret(settings.oauthClientSecret.reveal())
                    .applicationName(settings.applicationName)
                    .clusterDomain(DEFAULT_CLUSTER_DOMAIN)
                    .build();

            PublisherConfig.Builder publisherSettings = PublisherConfig.builder(eventsUrl())
                    .initialBackoff(PUBLISHER_INITIAL_BACKOFF)
                    .maxBackoff(PUBLISHER_MAX_BACKOFF);
            settings.publisher.accept(publisherSettings);
            publisher = settings.eventsFormat == EventsFormat.CLOUDEVENTS
                    ? new CloudEventsPublisher(publisherSettings.build(), settings.applicationName)
                    : new LegacyEventsPublisher(publisherSettings.build(), settings.applicationName);
            remember(publisher);

            BridgeConfig.Builder bridgeSettings = BridgeConfig.builder()
                    .connector(configuration)
                    .loopbackOnFreePort()
                    .topicSpace(MarketingEventSimulator.DEFAULT_TOPIC_SPACE)
                    .asyncApi(catalog.eventCatalog())
                    .shutdownDeadline(BRIDGE_SHUTDOWN_DEADLINE)
                    .publisher(publisher);
            settings.bridge.accept(bridgeSettings);
            bridge = remember(new MqttBridge(bridgeSettings.build()).start());

            MarketingEventSimulator.Builder simulatorSettings = MarketingEventSimulator.builder(bridge.baseUri())
                    .credentials(configuration.oauthClientId(), configuration.oauthClientSecret());
            settings.simulator.accept(simulatorSettings);
            simulator = remember(settings.connectSimulator ? simulatorSettings.connect() : simulatorSettings.build());

            prepare();
            return this;
        } catch (RuntimeException | Error e) {
            closeQuietly(e);
            throw e;
        }
    }

    private <T extends AutoCloseable> T remember(T component) {
        started.add(component);
        return component;
    }

    private void prepare() {
        for (Consumer<ConnectorHarness> step : settings.prepare) {
            step.accept(this);
        }
    }

    // ---- the components ----

    /**
     * The mock SAP tenant, serving the catalog's OData services.
     *
     * @return the running tenant
     */
    public MockMarketingSystem tenant() {
        return tenant;
    }

    /**
     * The mock Kyma: the registry {@link #registry()} writes to and the event service the bridge publishes to.
     *
     * @return the running mock Kyma
     */
    public MockKyma kyma() {
        return kyma;
    }

    /**
     * The event endpoint, on {@code 127.0.0.1} on a free port, forwarding to {@link #kyma()}.
     *
     * @return the running bridge
     */
    public MqttBridge bridge() {
        return bridge;
    }

    /**
     * The tenant's event channel, with the shared OAuth client; connected unless
     * {@link Builder#connectSimulator(boolean)} said otherwise.
     *
     * @return the simulator
     */
    public MarketingEventSimulator simulator() {
        return simulator;
    }

    /**
     * The publisher the bridge forwards with (CloudEvents or events v1 to {@link #kyma()}).
     *
     * @return the publisher
     */
    public EventPublisher publisher() {
        return publisher;
    }

    /**
     * The seven settings as the components share them: the tenant's URL, user and password, the OAuth
     * client, the Application name and {@value #DEFAULT_CLUSTER_DOMAIN}.
     *
     * @return the configuration
     */
    public ConnectorConfiguration configuration() {
        return configuration;
    }

    /**
     * The catalog the tenant serves and the bridge announces.
     *
     * @return the catalog
     */
    public ServiceCatalog catalog() {
        return catalog;
    }

    /**
     * The Application the registry and the events belong to.
     *
     * @return the Application name
     */
    public String applicationName() {
        return configuration.applicationName();
    }

    /**
     * How the bridge's events reach {@link #kyma()}.
     *
     * @return the events format
     */
    public EventsFormat eventsFormat() {
        return settings.eventsFormat;
    }

    /**
     * Where the publisher sends events: {@code MockKyma.publishUrl()} or {@code MockKyma.eventsUrl(application)}.
     *
     * @return the events URL
     */
    public URI eventsUrl() {
        return settings.eventsFormat == EventsFormat.CLOUDEVENTS ? kyma.publishUrl() : kyma.eventsUrl(settings.applicationName);
    }

    /**
     * The source the forwarded events carry in {@link #kyma()}: the Application as eventing cleans it
     * ({@code mkt-test} → {@code mkttest}) for CloudEvents, the Application itself for events v1.
     *
     * @return the expected {@code MockKyma.ReceivedEvent.source()}
     */
    public String eventsSource() {
        return settings.eventsFormat == EventsFormat.CLOUDEVENTS
                ? CloudEventsPublisher.eventingSource(settings.applicationName) : settings.applicationName;
    }

    /**
     * The Application Registry of {@link #kyma()} (Kyma 1.x's REST registry) for the Application.
     *
     * @return the registry
     */
    public synchronized ApplicationRegistry registry() {
        if (registry == null) {
            registry = new RestApplicationRegistry(kyma.registryUrl(settings.applicationName));
        }
        return registry;
    }

    // ---- what a connector run does ----

    /**
     * Runs discovery against {@link #tenant()} with the shared user.
     *
     * @return the report, one result per catalog service
     */
    public DiscoveryReport discover() {
        synchronized (this) {
            if (discovery == null) {
                discovery = ODataServiceDiscovery.create(configuration);
            }
        }
        return discovery.discover(catalog);
    }

    /**
     * One registration run, as {@code register} does: discovery against {@link #tenant()}, then the
     * reconciler (owner: the catalog's product) writes the active services and the event catalog into
     * {@link #registry()}.
     *
     * @return the run's outcome per entry
     */
    public ReconcileResult register() {
        ApplicationRegistration desired = discover().toApplicationRegistration(settings.applicationName,
                Optional.of(EventCatalogRegistration.of(catalog)));
        return new RegistrationReconciler(registry(), catalog.product()).reconcile(desired, false);
    }

    /**
     * Back to a clean slate between tests: the tenant's switches and faults, MockKyma's services, events
     * and faults, the recorded requests; then the {@link Builder#prepare} steps run again. The bridge and
     * the simulator keep running (and connected).
     *
     * @return this harness
     */
    public ConnectorHarness reset() {
        tenant.reset();
        kyma.reset();
        prepare();
        return this;
    }

    /** Stops the simulator, the bridge (finishing what is in flight), the publisher, MockKyma and the tenant. */
    @Override
    public void close() {
        RuntimeException failure = closeQuietly(null);
        if (failure != null) {
            throw failure;
        }
    }

    private RuntimeException closeQuietly(Throwable cause) {
        RuntimeException failure = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                if (cause != null) {
                    cause.addSuppressed(e);
                } else if (failure == null) {
                    failure = new IllegalStateException("closing the connector harness failed: " + e, e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        started.clear();
        return failure;
    }

    @Override
    public String toString() {
        return "ConnectorHarness[tenant=" + (tenant == null ? "-" : tenant.url()) + ", kyma=" + (kyma == null ? "-" : kyma.url())
                + ", bridge=" + (bridge == null ? "-" : bridge.baseUri()) + ", application=" + settings.applicationName
                + ", events=" + settings.eventsFormat + "]";
    }

    /**
     * Settings of a {@link ConnectorHarness}; every one has a default. The {@code Consumer} hooks see the
     * components' own builders after the harness has set what it wires, so they can change anything.
     */
    public static final class Builder {

        private ServiceCatalog catalog;
        private final Map<String, String> metadataResources = new LinkedHashMap<>();
        private String applicationName = DEFAULT_APPLICATION;
        private String oauthClientId = DEFAULT_OAUTH_CLIENT_ID;
        private Secret oauthClientSecret = generatedSecret();
        private EventsFormat eventsFormat = EventsFormat.CLOUDEVENTS;
        private boolean connectSimulator = true;
        private Consumer<MockMarketingSystem.Builder> tenant = b -> { };
        private Consumer<MockKyma.Builder> kyma = b -> { };
        private Consumer<PublisherConfig.Builder> publisher = b -> { };
        private Consumer<BridgeConfig.Builder> bridge = b -> { };
        private Consumer<MarketingEventSimulator.Builder> simulator = b -> { };
        private final List<Consumer<ConnectorHarness>> prepare = new ArrayList<>();

        private Builder() {
        }

        private static Secret generatedSecret() {
            byte[] bytes = new byte[24];
            RANDOM.nextBytes(bytes);
            return Secret.of(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        }

        /**
         * The product the tenant serves and the bridge announces (default {@link ServiceCatalog#marketing()}).
         * Services of another catalog need their {@code $metadata}: give it with
         * {@code tenant(t -> t.metadata(serviceName, path))}.
         *
         * @param catalog the catalog
         * @return this builder
         */
        public Builder catalog(ServiceCatalog catalog) {
            this.catalog = Objects.requireNonNull(catalog, "catalog");
            metadataResources.clear();
            return this;
        }

        /**
         * The product from a catalog on the class path, with the {@code $metadata} documents found next to
         * it: for a catalog {@code /acme/crm.json}, {@code /acme/metadata/<service name>.xml} is served for
         * each service that has one (the others answer 403, as without an arrangement).
         *
         * @param resource the catalog's resource name, as {@link ServiceCatalog#fromClasspath(String)} takes it
         * @return this builder
         * @throws dev.marketingconnector.core.catalog.CatalogException when the catalog cannot be read, naming the JSON path
         */
        public Builder catalogFromClasspath(String resource) {
            Objects.requireNonNull(resource, "resource");
            ServiceCatalog loaded = ServiceCatalog.fromClasspath(resource);
            String absolute = resource.startsWith("/") ? resource : "/" + resource;
            String folder = absolute.substring(0, absolute.lastIndexOf('/') + 1) + "metadata/";
            metadataResources.clear();
            for (CatalogService service : loaded.services()) {
                String candidate = folder + service.name() + ".xml";
                if (ConnectorHarness.class.getResource(candidate) != null) {
                    metadataResources.put(service.name(), candidate);
                }
            }
            this.catalog = loaded;
            return this;
        }

        /**
         * The Kyma Application (default {@value ConnectorHarness#DEFAULT_APPLICATION}).
         *
         * @param applicationName a lower-case DNS label, as {@code APPLICATION_NAME}
         * @return this builder
         */
        public Builder applicationName(String applicationName) {
            this.applicationName = Objects.requireNonNull(applicationName, "applicationName");
            return this;
        }

        /**
         * The OAuth client the bridge accepts and the simulator presents (default
         * {@value ConnectorHarness#DEFAULT_OAUTH_CLIENT_ID} with a secret generated for each harness).
         *
         * @param clientId     the client id
         * @param clientSecret its secret
         * @return this builder
         */
        public Builder oauthClient(String clientId, Secret clientSecret) {
            this.oauthClientId = Objects.requireNonNull(clientId, "clientId");
            this.oauthClientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
            return this;
        }

        /**
         * How events reach MockKyma (default {@link EventsFormat#CLOUDEVENTS}, current Kyma).
         *
         * @param eventsFormat the format
         * @return this builder
         */
        public Builder eventsFormat(EventsFormat eventsFormat) {
            this.eventsFormat = Objects.requireNonNull(eventsFormat, "eventsFormat");
            return this;
        }

        /**
         * Whether the simulator connects at start (default true); false leaves it built, for tests of the
         * connection itself ({@code harness.simulator().connect()}).
         *
         * @param connect whether to connect
         * @return this builder
         */
        public Builder connectSimulator(boolean connect) {
            this.connectSimulator = connect;
            return this;
        }

        /**
         * Changes the tenant's settings, e.g. {@code t -> t.metadata("ACME_SRV", path)}.
         *
         * @param settings applied to the tenant's builder, whose catalog is already set
         * @return this builder
         */
        public Builder tenant(Consumer<MockMarketingSystem.Builder> settings) {
            this.tenant = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Changes MockKyma's settings, e.g. {@code k -> k.seed(7)}.
         *
         * @param settings applied to MockKyma's builder
         * @return this builder
         */
        public Builder kyma(Consumer<MockKyma.Builder> settings) {
            this.kyma = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Changes the publisher's settings, e.g. {@code p -> p.maxAttempts(1)}.
         *
         * @param settings applied to the publisher's builder, whose endpoint and quick backoff are already set
         * @return this builder
         */
        public Builder publisher(Consumer<PublisherConfig.Builder> settings) {
            this.publisher = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Changes the bridge's settings, e.g. {@code b -> b.maxPayloadBytes(1024)}.
         *
         * @param settings applied to the bridge's builder, whose credentials, address, catalog and publisher are already set
         * @return this builder
         */
        public Builder bridge(Consumer<BridgeConfig.Builder> settings) {
            this.bridge = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Changes the simulator's settings, e.g. {@code s -> s.mqttClientId("tenant-2")}.
         *
         * @param settings applied to the simulator's builder, whose bridge address and credentials are already set
         * @return this builder
         */
        public Builder simulator(Consumer<MarketingEventSimulator.Builder> settings) {
            this.simulator = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * A step that runs once everything has started, and again after every {@link ConnectorHarness#reset()}:
         * the place for faults every test should see, e.g. {@code h -> h.kyma().failRandomly(0.2, 503)}.
         *
         * @param step what to do with the running harness
         * @return this builder
         */
        public Builder prepare(Consumer<ConnectorHarness> step) {
            this.prepare.add(Objects.requireNonNull(step, "step"));
            return this;
        }

        /**
         * Starts everything: tenant, MockKyma, publisher, bridge, simulator.
         *
         * @return the running harness; {@link ConnectorHarness#close()} stops it
         * @throws RuntimeException whatever a component throws when it cannot start; the ones already started are stopped
         */
        public ConnectorHarness start() {
            return new ConnectorHarness(this).startAll();
        }
    }
}
