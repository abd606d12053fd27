package com.example.consumer;

import dev.marketingconnector.core.registry.ApplicationRegistry;
import dev.marketingconnector.core.registry.ApplicationRegistryContract;
import dev.marketingconnector.core.testing.InMemoryApplicationRegistry;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;

/** The user's registry passes the contract every registry of the connector passes (from the core's test-jar). */
class AuditingApplicationRegistryContractTest extends ApplicationRegistryContract {

    private InMemoryApplicationRegistry backend;
    private AuditingApplicationRegistry registry;

    @BeforeEach
    void newRegistry() {
        backend = new InMemoryApplicationRegistry();
        registry = new AuditingApplicationRegistry(backend);
    }

    @Override
    protected ApplicationRegistry registry() {
        return registry;
    }

    @Override
    protected String addForeignEntry(String name) {
        return backend.addForeignEntry(name, Optional.empty(), Map.of("team", "web"));
    }
}
