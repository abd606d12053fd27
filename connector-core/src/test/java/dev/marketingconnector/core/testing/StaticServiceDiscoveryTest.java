package dev.marketingconnector.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.discovery.AuthenticationFailedException;
import dev.marketingconnector.core.discovery.DiscoveredService;
import dev.marketingconnector.core.discovery.DiscoveryReport;
import dev.marketingconnector.core.discovery.ServiceStatus;
import dev.marketingconnector.core.registration.ApiRegistration;
import dev.marketingconnector.core.registration.BasicCredentials;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StaticServiceDiscoveryTest {

    private final ServiceCatalog catalog = ServiceCatalog.marketing();

    @Test
    void reportsEveryServiceActiveWithAnODataRegistration() {
        List<DiscoveredService> progress = new ArrayList<>();

        DiscoveryReport report = new StaticServiceDiscovery().discover(catalog, progress::add);

        assertThat(report.count(ServiceStatus.ACTIVE)).isEqualTo(29);
        assertThat(progress).hasSize(29);
        ApiRegistration contacts = report.services().stream().filter(s -> s.service().key().equals("API_MKT_CONTACT_SRV;v=0002"))
                .findFirst().orElseThrow().registration().orElseThrow();
        String root = StaticServiceDiscovery.DEFAULT_SYSTEM_URL + "/sap/opu/odata/sap/API_MKT_CONTACT_SRV;v=0002";
        assertThat(contacts.targetUrl()).isEqualTo(URI.create(root));
        assertThat(contacts.specificationUrl()).isEqualTo(URI.create(root + "/$metadata"));
        assertThat(contacts.apiType()).isEqualTo("OData");
        assertThat(contacts.credentials()).isInstanceOfSatisfying(BasicCredentials.class, b -> {
            assertThat(b.username()).isEqualTo(StaticServiceDiscovery.DEFAULT_USER);
            assertThat(b.csrfTokenEndpoint()).contains(URI.create(root));
        });
    }

    @Test
    void overriddenServicesReportTheirStatusAndReason() {
        DiscoveryReport report = new StaticServiceDiscovery()
                .status("API_MKT_COUPON_SRV", ServiceStatus.INACTIVE, "no arrangement")
                .status("API_MKT_OFFER_SRV", ServiceStatus.UNREACHABLE, "503 three times")
                .discover(catalog);

        assertThat(report.count(ServiceStatus.ACTIVE)).isEqualTo(27);
        assertThat(report.withStatus(ServiceStatus.UNREACHABLE)).singleElement()
                .satisfies(s -> assertThat(s.reason()).isEqualTo("503 three times"));
    }

    @Test
    void canFailTheWholeRun() {
        StaticServiceDiscovery discovery = new StaticServiceDiscovery()
                .failWith(new AuthenticationFailedException("https://tenant", "COMM_USER"));

        assertThatThrownBy(() -> discovery.discover(catalog)).isInstanceOf(AuthenticationFailedException.class)
                .hasMessageContaining("COMM_USER");
        assertThat(discovery.runs()).isEqualTo(1);
    }
}
