package com.example.consumer;

import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.registration.ApiRegistration;
import dev.marketingconnector.core.registration.BasicCredentials;
import dev.marketingconnector.core.registry.ApplicationRegistry;
import dev.marketingconnector.core.registry.ApplicationRegistryContract;
import dev.marketingconnector.core.testing.InMemoryApplicationRegistry;
import java.net.URI;
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

    @Override
    protected void editNameAndTargetUrlByHand(String id, String name, URI targetUrl) {
        backend.editByHand(id, r -> {
            ApiRegistration api = (ApiRegistration) r;
            return new ApiRegistration(api.identifier(), name, api.description(), api.provider(), targetUrl, api.specificationUrl(),
                    api.apiType(), api.credentials(), api.labels());
        });
    }

    @Override
    protected void editPasswordByHand(String id, String password) {
        backend.editByHand(id, r -> {
            ApiRegistration api = (ApiRegistration) r;
            BasicCredentials basic = (BasicCredentials) api.credentials();
            return new ApiRegistration(api.identifier(), api.name(), api.description(), api.provider(), api.targetUrl(),
                    api.specificationUrl(), api.apiType(), new BasicCredentials(basic.username(), Secret.of(password),
                    basic.csrfTokenEndpoint()), api.labels());
        });
    }
}
