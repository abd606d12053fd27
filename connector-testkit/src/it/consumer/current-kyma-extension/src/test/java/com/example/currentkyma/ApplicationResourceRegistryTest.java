package com.example.currentkyma;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.kyma.registry.ApplicationResourceConfig;
import dev.marketingconnector.kyma.registry.ApplicationResourceRegistry;
import java.net.URI;
import org.junit.jupiter.api.Test;

class ApplicationResourceRegistryTest {

    /** With fabric8 on the class path the registry is created (its client finds the JDK HTTP client); nothing is called yet. */
    @Test
    void connectsWithFabric8OnTheClassPath() {
        try (ApplicationResourceRegistry registry = ApplicationResourceRegistry.connect(ApplicationResourceConfig.builder("mkt-prod")
                .apiServerUrl(URI.create("https://127.0.0.1:6443"))
                .bearerToken(Secret.of("not-a-real-token"))
                .build())) {
            assertEquals("mkt-prod", registry.config().applicationName());
        }
    }
}
