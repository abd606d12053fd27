package dev.marketingconnector.examples.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marketingconnector.core.config.ConnectorConfiguration;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.kyma.testing.MockKyma;
import dev.marketingconnector.mqtt.testing.MarketingEventSimulator;
import dev.marketingconnector.odata.testing.MockMarketingSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SideBySideExtensionTest {

    private static final String APP = "mkt-extension";

    @Test
    void registersTheCatalogAndForwardsEventsToKyma() throws InterruptedException {
        try (MockMarketingSystem marketing = new MockMarketingSystem(); MockKyma kyma = new MockKyma()) {
            ConnectorConfiguration config = ConnectorConfiguration.builder()
                    .systemUrl(marketing.url().toString())
                    .user(MockMarketingSystem.DEFAULT_USER).password(MockMarketingSystem.DEFAULT_PASSWORD)
                    .oauthClientId("sap-mkt").oauthClientSecret("extension-client-secret")
                    .applicationName(APP).clusterDomain("kyma.example.com")
                    .build();

            try (SideBySideExtension.Running running = SideBySideExtension.registerAndReceive(
                    config, kyma.registryUrl(APP), kyma.publishUrl(), 0);
                    MarketingEventSimulator tenant = MarketingEventSimulator.builder(running.bridge().baseUri())
                            .credentials("sap-mkt", Secret.of("extension-client-secret")).build().connect()) {
                assertThat(kyma.services(APP)).hasSize(27);

                MarketingEventSimulator.Report report = tenant.sendSampleEvents(4);

                assertThat(report.acknowledged()).isEqualTo(4);
                List<MockKyma.ReceivedEvent> events = kyma.awaitEvents(4, Duration.ofSeconds(20));
                assertThat(events).extracting(MockKyma.ReceivedEvent::source).containsOnly("mktextension");
            }
        }
    }

    @Test
    void theReadmeShowsTheSnippetAsItCompilesHere() throws IOException {
        Path readme = Path.of("..", "README.md");
        Path source = Path.of("src", "main", "java", "dev", "marketingconnector", "examples", "embedding", "SideBySideExtension.java");
        String readmeText = Files.readString(readme, StandardCharsets.UTF_8);
        List<String> body = Files.readAllLines(source, StandardCharsets.UTF_8).stream()
                .dropWhile(line -> !line.contains("ServiceCatalog catalog = ServiceCatalog.marketing();"))
                .takeWhile(line -> !line.contains("return new Running"))
                .map(String::strip)
                .filter(line -> !line.isEmpty())
                .toList();

        assertThat(body).hasSizeGreaterThan(10);
        assertThat(body).allSatisfy(line -> assertThat(readmeText).contains(line));
    }
}
