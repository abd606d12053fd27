package com.example.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.discovery.ServiceStatus;
import dev.marketingconnector.core.registration.EventCatalogRegistration;
import dev.marketingconnector.core.registry.ReconcileResult;
import dev.marketingconnector.core.registry.RegistrationReconciler;
import dev.marketingconnector.core.testing.InMemoryApplicationRegistry;
import dev.marketingconnector.core.testing.InMemoryApplicationRegistry.Operation;
import dev.marketingconnector.core.testing.StaticServiceDiscovery;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Business logic against the core's fakes: no network. */
class AuditingApplicationRegistryTest {

    @Test
    void auditsTheOneWriteThatFailedAndTheRunGoesOn() {
        InMemoryApplicationRegistry backend = new InMemoryApplicationRegistry().failNext(Operation.CREATE, 503, 1);
        AuditingApplicationRegistry registry = new AuditingApplicationRegistry(backend);
        ServiceCatalog catalog = ServiceCatalog.marketing();
        var desired = new StaticServiceDiscovery().status("API_MKT_COUPON_SRV", ServiceStatus.INACTIVE, "no arrangement")
                .discover(catalog).toApplicationRegistration("mkt-test", Optional.of(EventCatalogRegistration.of(catalog)));

        ReconcileResult result = new RegistrationReconciler(registry, catalog.product(), Clock.systemUTC(), 1)
                .reconcile(desired, false);

        assertThat(result.failures()).hasSize(1);
        assertThat(registry.audit()).filteredOn(line -> line.startsWith("failed")).hasSize(1);
        assertThat(backend.registrations()).hasSize(desired.entries().size() - 1);
    }
}
