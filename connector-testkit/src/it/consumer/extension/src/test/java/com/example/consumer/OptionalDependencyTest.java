package com.example.consumer;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marketingconnector.core.MissingDependencyException;
import dev.marketingconnector.kyma.registry.ApplicationResourceConfig;
import org.junit.jupiter.api.Test;

/** This project has no fabric8: the Application resource registry says in one line what to add. */
class OptionalDependencyTest {

    @Test
    void theApplicationResourceRegistryNamesTheMissingArtifacts() {
        assertThatThrownBy(() -> ApplicationResourceConfig.builder("mkt-prod"))
                .isInstanceOf(MissingDependencyException.class)
                .hasMessageStartingWith("ApplicationResourceRegistry needs io.fabric8:kubernetes-client:")
                .hasMessageContaining("io.fabric8:kubernetes-httpclient-jdk:")
                .hasMessageNotContaining("\n");
    }
}
