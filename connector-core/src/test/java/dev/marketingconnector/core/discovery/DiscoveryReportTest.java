package dev.marketingconnector.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.registration.ApplicationRegistration;
import dev.marketingconnector.core.registration.EventCatalogRegistration;
import dev.marketingconnector.core.registration.Registration;
import dev.marketingconnector.core.testing.StaticServiceDiscovery;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DiscoveryReportTest {

    private final ServiceCatalog catalog = ServiceCatalog.marketing();

    @Test
    void desiredStateHoldsActiveServicesAndTheEventCatalogAndRetainsUndeterminedOnes() {
        DiscoveryReport report = new StaticServiceDiscovery()
                .status("API_MKT_COUPON_SRV", ServiceStatus.INACTIVE, "403")
                .status("API_MKT_OFFER_SRV", ServiceStatus.UNREACHABLE, "503")
                .status("API_MKT_SCORE_SRV", ServiceStatus.INVALID_METADATA, "truncated")
                .status("API_MKT_LOCATION_SRV", ServiceStatus.UNAUTHORISED, "login page")
                .discover(catalog);

        ApplicationRegistration desired = report.toApplicationRegistration("mkt", Optional.of(EventCatalogRegistration.of(catalog)));

        assertThat(desired.entries()).hasSize(26).extracting(Registration::identifier)
                .contains(catalog.eventCatalogIdentifier())
                .doesNotContain(id("API_MKT_COUPON_SRV"), id("API_MKT_OFFER_SRV"));
        assertThat(desired.retained()).containsExactlyInAnyOrder(id("API_MKT_OFFER_SRV"), id("API_MKT_SCORE_SRV"), id("API_MKT_LOCATION_SRV"));
    }

    private String id(String key) {
        return catalog.identifierFor(catalog.service(key).orElseThrow());
    }
}
