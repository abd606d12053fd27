package dev.marketingconnector.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marketingconnector.kyma.testing.MockKyma;
import dev.marketingconnector.odata.testing.MockMarketingSystem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wrong {@code BASIC_PASSWORD} in {@code run}: one failed logon, then none at all until the
 * credentials change, however many resyncs pass ({@code CliProcessIT} checks that {@code register}
 * makes exactly one). The mock tenant records every request; with a wrong password each is a failed logon.
 */
class LogonProcessIT {

    private static final String APP = "mkt-logon";
    private static final String WRONG = "wrong-Passw0rd-77";

    @TempDir
    Path temp;

    private JarProcess jar;
    private MockMarketingSystem marketing;
    private MockKyma kyma;

    @BeforeEach
    void start() {
        jar = new JarProcess(temp);
        marketing = new MockMarketingSystem();
        kyma = new MockKyma();
    }

    @AfterEach
    void stop() {
        marketing.close();
        kyma.close();
    }

    private Map<String, String> settings(String password) {
        Map<String, String> env = new HashMap<>();
        env.put("SYSTEM_URL", marketing.url().toString());
        env.put("BASIC_USER", MockMarketingSystem.DEFAULT_USER);
        env.put("BASIC_PASSWORD", password);
        env.put("OAUTH_CLIENT_ID", "sap-mkt");
        env.put("OAUTH_CLIENT_SECRET", "logon-it-client-secret");
        env.put("APPLICATION_NAME", APP);
        env.put("CLUSTER_DOMAIN", "kyma.example.com");
        env.put("REGISTRY_URL", kyma.registryUrl(APP).toString());
        env.put("EVENTS_URL", kyma.publishUrl().toString());
        return env;
    }

    @Test
    void runTriesNoFurtherLogonAfterA401UntilTheConfigFileHasAnotherPassword() throws Exception {
        Path config = temp.resolve("connector.properties");
        writeProperties(config, settings(WRONG));
        int port = JarProcess.freePort();
        JarProcess.Running run = jar.start(Map.of("HTTP_PORT", String.valueOf(port)), "run", "--resync", "1s", "--config", config.toString());
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> run.err().split("Registration stays suspended", -1).length > 2);

            assertThat(marketing.requestCount()).as("requests with the wrong password over two resyncs").isEqualTo(1);
            assertThat(run.out()).contains("1 logon attempted; nothing registered" + LogonGuard.SUSPENDED);

            writeProperties(config, settings(MockMarketingSystem.DEFAULT_PASSWORD));

            await().atMost(Duration.ofSeconds(60)).until(() -> kyma.services(APP).size() == 27);
            assertThat(run.err()).contains("The SAP credentials changed: registering again");
        } finally {
            run.stop();
        }
        assertThat(run.out() + run.err()).doesNotContain(WRONG, MockMarketingSystem.DEFAULT_PASSWORD);
    }

    private static void writeProperties(Path file, Map<String, String> settings) throws Exception {
        StringBuilder properties = new StringBuilder();
        settings.forEach((k, v) -> properties.append(k).append('=').append(v.replace("\\", "\\\\").replace(":", "\\:")).append('\n'));
        Path written = Files.writeString(file.resolveSibling(file.getFileName() + ".new"), properties.toString(), StandardCharsets.UTF_8);
        Files.move(written, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
