package dev.marketingconnector.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marketingconnector.kyma.testing.MockKyma;
import dev.marketingconnector.odata.testing.MockMarketingSystem;
import dev.marketingconnector.odata.testing.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wrong {@code BASIC_PASSWORD} through the jar: one failed logon per run, never one per discovery
 * worker, and in {@code run} none at all after the first until the credentials change. The mock tenant
 * records every request with the user it named; with a wrong password every one of them is a failed logon.
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

    private long logonsAs(String user) {
        return marketing.requests().stream().map(RecordedRequest::user).filter(u -> u.equals(Optional.of(user))).count();
    }

    @Test
    void registerWithAWrongPasswordTriesOneLogonAndSaysSo() throws Exception {
        JarProcess.Result result = jar.run(settings(WRONG), "register");

        assertThat(result.exitCode()).as(result.all()).isEqualTo(1);
        assertThat(result.out()).contains("rejected the credentials of communication user '" + MockMarketingSystem.DEFAULT_USER + "'",
                "1 logon attempted; nothing registered.");
        assertThat(marketing.requestCount()).as("requests with the wrong password").isEqualTo(1);
        assertThat(logonsAs(MockMarketingSystem.DEFAULT_USER)).isEqualTo(1);
        assertThat(kyma.services(APP)).isEmpty();
        assertThat(result.all()).doesNotContain(WRONG);
    }

    @Test
    void runTriesNoFurtherLogonAfterA401UntilTheConfigFileHasAnotherPassword() throws Exception {
        Path config = temp.resolve("connector.properties");
        writeProperties(config, settings(WRONG));
        int port = JarProcess.freePort();
        JarProcess.Running run = jar.start(Map.of("HTTP_PORT", String.valueOf(port)), "run", "--resync", "1s", "--config", config.toString());
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> run.err().split("Registration stays suspended", -1).length > 3);

            assertThat(marketing.requestCount()).as("requests with the wrong password over three resyncs").isEqualTo(1);
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
