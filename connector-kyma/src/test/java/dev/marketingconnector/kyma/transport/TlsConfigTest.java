package dev.marketingconnector.kyma.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marketingconnector.core.ConnectorException;
import dev.marketingconnector.core.config.Secret;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsConfigTest {

    @TempDir
    Path folder;
    static TestCertificates certificates;

    @BeforeAll
    static void certificates() throws Exception {
        certificates = TestCertificates.shared();
    }

    @Test
    void loadsTrustAndKeyStoresIntoAnSslContext() {
        SSLContext context = certificates.client().sslContext();

        assertThat(context.getProtocol()).isEqualTo("TLS");
        assertThat(certificates.client().trustStore()).contains(certificates.clientTrust);
        assertThat(certificates.client().keyStore()).contains(certificates.clientKeys);
    }

    @Test
    void aWrongPasswordNamesTheStoreButNotThePassword() {
        TlsConfig tls = TlsConfig.builder().keyStore(certificates.clientKeys, Secret.of("wrong-secret-42")).build();

        assertThatThrownBy(tls::sslContext).isInstanceOf(ConnectorException.class)
                .hasMessageContaining("key store").hasMessageContaining(certificates.clientKeys.toString())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-secret-42"));
    }

    @Test
    void aMissingFileIsRejectedAtOnce() {
        assertThatThrownBy(() -> TlsConfig.builder().trustStore(folder.resolve("nope.p12"), TestCertificates.PASSWORD))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trustStore").hasMessageContaining("nope.p12");
    }

    @Test
    void toStringShowsFilesButNoPassword() {
        assertThat(certificates.client().toString()).contains("client-trust.p12").contains("client.p12")
                .doesNotContain(TestCertificates.PASSWORD.reveal());
    }
}
