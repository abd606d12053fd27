package dev.marketingconnector.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marketingconnector.core.config.ConfigurationProblem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KYMA_KEY_STORE / KYMA_TRUST_STORE: the client certificate and trust for Kyma 1.x's gateway. */
class KymaTlsSettingsTest {

    private static final String STORE_PASSWORD = "store-pass-123456";

    @TempDir
    Path temp;

    private Path keyStore() throws IOException, InterruptedException {
        Path store = temp.resolve("client.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "connector", "-keyalg", "EC", "-dname", "CN=mkt-prod", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", STORE_PASSWORD)
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).isZero();
        return store;
    }

    private static List<ConfigurationProblem> problemsOf(Map<String, String> values) {
        List<ConfigurationProblem> problems = new ArrayList<>();
        ConnectorSetup.kymaTls(Settings.of(values), problems);
        return problems;
    }

    @Test
    void noStoresMeansTheJdkDefaults() {
        List<ConfigurationProblem> problems = new ArrayList<>();

        assertThat(ConnectorSetup.kymaTls(Settings.of(Map.of()), problems)).isEmpty();
        assertThat(problems).isEmpty();
    }

    @Test
    void loadsAClientCertificateStore() throws Exception {
        Path store = keyStore();
        List<ConfigurationProblem> problems = new ArrayList<>();

        var tls = ConnectorSetup.kymaTls(Settings.of(Map.of("KYMA_KEY_STORE", store.toString(),
                "KYMA_KEY_STORE_PASSWORD", STORE_PASSWORD)), problems);

        assertThat(problems).isEmpty();
        assertThat(tls).get().satisfies(t -> assertThat(t.keyStore()).contains(store));
    }

    @Test
    void aWrongPasswordNamesTheSettingButNotThePassword() throws Exception {
        Path store = keyStore();

        List<ConfigurationProblem> problems = problemsOf(Map.of("KYMA_KEY_STORE", store.toString(),
                "KYMA_KEY_STORE_PASSWORD", "not-the-password-42"));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.setting()).isEqualTo("KYMA_KEY_STORE");
            assertThat(p.message()).doesNotContain("not-the-password-42");
        });
    }

    @Test
    void aStoreNeedsItsPasswordAndAPasswordItsStore() {
        assertThat(problemsOf(Map.of("KYMA_KEY_STORE", "/etc/hostname"))).extracting(ConfigurationProblem::setting)
                .containsExactly("KYMA_KEY_STORE_PASSWORD");
        assertThat(problemsOf(Map.of("KYMA_TRUST_STORE_PASSWORD", "x"))).extracting(ConfigurationProblem::setting)
                .containsExactly("KYMA_TRUST_STORE_PASSWORD");
    }

    @Test
    void anUnreadableStoreIsNamed() {
        List<ConfigurationProblem> problems = problemsOf(Map.of("KYMA_TRUST_STORE", temp.resolve("missing.p12").toString(),
                "KYMA_TRUST_STORE_PASSWORD", "x"));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.setting()).isEqualTo("KYMA_TRUST_STORE");
            assertThat(p.message()).contains("missing.p12");
        });
    }
}
