package dev.marketingconnector.core.testing;

import dev.marketingconnector.core.registry.ApplicationRegistry;
import dev.marketingconnector.core.registry.ApplicationRegistryContract;
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
}
