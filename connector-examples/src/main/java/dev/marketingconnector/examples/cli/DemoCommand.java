package dev.marketingconnector.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.examples.ops.Operations;
import dev.marketingconnector.kyma.events.CloudEventsPublisher;
import dev.marketingconnector.kyma.events.PublisherConfig;
import dev.marketingconnector.kyma.registry.RestApplicationRegistry;
import dev.marketingconnector.kyma.testing.MockKyma;
import dev.marketingconnector.mqtt.BridgeConfig;
import dev.marketingconnector.mqtt.MqttBridge;
import dev.marketingconnector.mqtt.testing.MarketingEventSimulator;
import dev.marketingconnector.odata.DiscoveryConfig;
import dev.marketingconnector.odata.ODataServiceDiscovery;
import dev.marketingconnector.odata.testing.MockMarketingSystem;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole connector on loopback, with no SAP or Kyma system: a mock Marketing tenant, a mock
 * Kyma, the real discovery, registry client, event endpoint and publisher, and a real MQTT client
 * over WebSocket playing the SAP tenant.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the connector against a mock Marketing tenant and a mock Kyma on loopback, print what Kyma received, exit.")
final class DemoCommand implements Callable<Integer> {

    static final String APPLICATION = "mkt-demo";
    static final String CLIENT_ID = "sap-marketing-demo";
    static final Duration EVENT_TIMEOUT = Duration.ofSeconds(30);

    @Option(names = "--serve", description = "Keep everything running and print the URLs, until Ctrl-C.")
    boolean serve;

    private final MarketingConnectorCli cli;

    DemoCommand(MarketingConnectorCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        PrintStream out = cli.out();
        ServiceCatalog catalog = ServiceCatalog.marketing();
        Secret clientSecret = Secret.of(randomSecret());
        out.println("Marketing Connector demo: a mock SAP Marketing tenant and a mock Kyma on loopback.");
        out.println();
        try (MockMarketingSystem marketing = new MockMarketingSystem();
                MockKyma kyma = new MockKyma();
                Operations operations = Operations.builder().build()) {
            operations.registrationRunsHere();
            ODataServiceDiscovery discovery = new ODataServiceDiscovery(DiscoveryConfig.builder()
                    .systemUrl(marketing.url()).user(marketing.communicationUser()).build());
            RegistrationRun.Outcome outcome = new RegistrationRun(discovery, new RestApplicationRegistry(kyma.registryUrl(APPLICATION)),
                    catalog, APPLICATION, out).run(false);
            operations.registrationFinished(outcome.discovery(), outcome.result());
            if (outcome.hasFailures()) {
                out.println("Registration had failures; see the table above.");
                return MarketingConnectorCli.EXIT_FAILED_ITEMS;
            }

            try (EventPublisher publisher = operations.track(
                            new CloudEventsPublisher(PublisherConfig.builder(kyma.publishUrl()).build(), APPLICATION));
                    MqttBridge bridge = new MqttBridge(operations.configure(BridgeConfig.builder()
                            .host("127.0.0.1").httpPort(0)
                            .oauthClient(CLIENT_ID, clientSecret)
                            .asyncApi(catalog.eventCatalog())
                            .topicSpace(MarketingEventSimulator.DEFAULT_TOPIC_SPACE)
                            .publisher(publisher))
                            .build()).start();
                    MarketingEventSimulator tenant = MarketingEventSimulator.builder(bridge.baseUri())
                            .credentials(CLIENT_ID, clientSecret).build()) {
                operations.started(bridge);
                out.println();
                out.printf("Event endpoint on %s; the simulated tenant fetches a token and connects over %s%n",
                        bridge.baseUri(), bridge.webSocketUri());
                tenant.connect();
                List<CompletableFuture<Void>> sent = new ArrayList<>();
                for (String topic : catalog.eventTopics()) {
                    sent.add(tenant.publishLegacy(sapEventType(topic), sampleData(catalog, topic)));
                }
                sent.add(tenant.publishCloudEvent("sap.s4.beh.marketingcampaign.v1.MarketingCampaign.Completed.v1",
                        JsonNodeFactory.instance.objectNode().put("MarketingCampaign", "4711")));
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
                List<MockKyma.ReceivedEvent> events = kyma.awaitEvents(sent.size(), EVENT_TIMEOUT);
                printEvents(out, sent.size(), events);

                if (serve) {
                    printUrls(out, marketing, kyma, bridge, clientSecret);
                    CountDownLatch forever = new CountDownLatch(1);
                    Runtime.getRuntime().addShutdownHook(new Thread(forever::countDown));
                    forever.await();
                }
            }
            return MarketingConnectorCli.EXIT_OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return MarketingConnectorCli.EXIT_FAILED_ITEMS;
        }
    }

    /** {@code bo.marketingpermission.changed.v1} → {@code BO.MarketingPermission.Changed}-like SAP type. */
    static String sapEventType(String topic) {
        String withoutVersion = topic.replaceFirst("\\.v[0-9]+$", "");
        StringBuilder type = new StringBuilder();
        for (String part : withoutVersion.split("\\.")) {
            if (type.length() > 0) {
                type.append('.');
            }
            type.append(type.length() == 0 ? part.toUpperCase(Locale.ROOT) : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return type.toString();
    }

    private static JsonNode sampleData(ServiceCatalog catalog, String topic) {
        JsonNode example = catalog.eventCatalog().path("topics").path(topic).path("subscribe").path("payload").path("example");
        return example.isMissingNode() || example.isNull() ? JsonNodeFactory.instance.objectNode().put("topic", topic) : example;
    }

    private static void printEvents(PrintStream out, int sent, List<MockKyma.ReceivedEvent> events) {
        out.printf("%nKyma received %d of %d events:%n", events.size(), sent);
        int width = events.stream().mapToInt(e -> e.type().length()).max().orElse(4);
        String row = "%-" + width + "s  %-7s  %-36s  %s%n";
        out.printf(row, "TYPE", "VERSION", "EVENT ID", "SOURCE");
        for (MockKyma.ReceivedEvent event : events) {
            out.printf(row, event.type(), event.version(), event.id(), event.source());
        }
    }

    private static void printUrls(PrintStream out, MockMarketingSystem marketing, MockKyma kyma, MqttBridge bridge, Secret secret) {
        out.println();
        out.println("Serving until Ctrl-C:");
        out.printf("  mock Marketing tenant   %s (user %s, password %s)%n", marketing.url(), MockMarketingSystem.DEFAULT_USER,
                MockMarketingSystem.DEFAULT_PASSWORD);
        out.printf("  mock Kyma registry      %s%n", kyma.registryUrl(APPLICATION));
        out.printf("  mock Kyma events        %s%n", kyma.publishUrl());
        out.printf("  token endpoint          %s/oauth/token (client id %s, secret %s)%n", bridge.baseUri(), CLIENT_ID, secret.reveal());
        out.printf("  MQTT over WebSocket     %s%n", bridge.webSocketUri());
        out.printf("  event catalog           %s/asyncapi.json%n", bridge.baseUri());
        out.printf("  status (browser, JSON)  %s/status%n", bridge.baseUri());
        out.printf("  Prometheus metrics      %s/metrics%n", bridge.baseUri());
    }

    private static String randomSecret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
