package dev.marketingconnector.core.registration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.config.Secret;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConnectorLabelsTest {

    private static ApiRegistration api(String password, Map<String, String> labels) {
        URI target = URI.create("https://t.example.com/sap/opu/odata/sap/X_SRV");
        return new ApiRegistration("p:/X_SRV", "X", "about X", "SAP", target, URI.create(target + "/$metadata"), "OData",
                new BasicCredentials("U", Secret.of(password), Optional.of(target)), labels);
    }

    @Test
    void markAddsManagedByOwnerAndFingerprintAndKeepsOwnLabels() {
        Registration marked = ConnectorLabels.mark(api("pw", Map.of("team", "crm")), "owner-a");

        assertThat(marked.labels()).containsEntry("team", "crm")
                .containsEntry(ConnectorLabels.MANAGED_BY, ConnectorLabels.MANAGED_BY_VALUE)
                .containsEntry(ConnectorLabels.OWNER, "owner-a")
                .containsKey(ConnectorLabels.FINGERPRINT);
        assertThat(ConnectorLabels.isOwnedBy(marked.labels(), "owner-a")).isTrue();
        assertThat(ConnectorLabels.isOwnedBy(marked.labels(), "owner-b")).isFalse();
        assertThat(ConnectorLabels.isOwnedBy(Map.of(), "owner-a")).isFalse();
    }

    @Test
    void fingerprintIsStableAndIgnoresTheConnectorsOwnLabels() {
        ApiRegistration plain = api("pw", Map.of());
        Registration marked = ConnectorLabels.mark(plain, "o");

        assertThat(ConnectorLabels.fingerprint(plain)).isEqualTo(ConnectorLabels.fingerprint(api("pw", Map.of())))
                .isEqualTo(ConnectorLabels.fingerprint(marked)).hasSize(32);
        assertThat(ConnectorLabels.mark(marked, "o")).isEqualTo(marked);
    }

    @Test
    void fingerprintChangesWithAnyContentIncludingThePassword() {
        String base = ConnectorLabels.fingerprint(api("pw", Map.of()));

        assertThat(ConnectorLabels.fingerprint(api("other", Map.of()))).isNotEqualTo(base);
        assertThat(ConnectorLabels.fingerprint(api("pw", Map.of("team", "crm")))).isNotEqualTo(base);
        assertThat(ConnectorLabels.fingerprint(EventCatalogRegistration.of(ServiceCatalog.marketing()))).isNotEqualTo(base);
    }

    @Test
    void fingerprintAndToStringNeverShowThePassword() {
        ApiRegistration api = api("top-secret-password", Map.of());

        assertThat(ConnectorLabels.fingerprint(api)).doesNotContain("top-secret-password");
        assertThat(api.toString()).doesNotContain("top-secret-password");
        assertThat(ConnectorLabels.mark(api, "o").labels().toString()).doesNotContain("top-secret-password");
    }
}
