package dev.marketingconnector.core.testing;

import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.registration.ApiRegistration;
import dev.marketingconnector.core.registration.BasicCredentials;
import dev.marketingconnector.core.registry.ApplicationRegistry;
import dev.marketingconnector.core.registry.ApplicationRegistryContract;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;

class InMemoryApplicationRegistryContractTest extends ApplicationRegistryContract {

    private InMemoryApplicationRegistry registry;

    @BeforeEach
    void newRegistry() {
        registry = new InMemoryApplicationRegistry();
    }

    @Override
    protected ApplicationRegistry registry() {
        return registry;
    }

    @Override
    protected String addForeignEntry(String name) {
        return registry.addForeignEntry(name, Optional.of("other-tool:" + name), Map.of("team", "web"));
    }

    @Override
    protected void editNameAndTargetUrlByHand(String id, String name, URI targetUrl) {
        registry.editByHand(id, r -> {
            ApiRegistration api = (ApiRegistration) r;
            return new ApiRegistration(api.identifier(), name, api.description(), api.provider(), targetUrl, api.specificationUrl(),
                    api.apiType(), api.credentials(), api.labels());
        });
    }

    @Override
    protected void editPasswordByHand(String id, String password) {
        registry.editByHand(id, r -> {
            ApiRegistration api = (ApiRegistration) r;
            BasicCredentials basic = (BasicCredentials) api.credentials();
            return new ApiRegistration(api.identifier(), api.name(), api.description(), api.provider(), api.targetUrl(),
                    api.specificationUrl(), api.apiType(), new BasicCredentials(basic.username(), Secret.of(password),
                    basic.csrfTokenEndpoint()), api.labels());
        });
    }
}
