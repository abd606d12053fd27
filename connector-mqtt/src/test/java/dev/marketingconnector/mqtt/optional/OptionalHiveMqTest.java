package dev.marketingconnector.mqtt.optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The HiveMQ client is an optional dependency of connector-mqtt: without it the simulator says in one line what to add. */
class OptionalHiveMqTest {

    private static final Predicate<String> HIVEMQ = entry -> entry.contains("/com/hivemq/");

    @Test
    void theSimulatorWithoutTheHiveMqClientNamesTheArtifactToAdd() {
        Throwable failure = catchThrowable(() -> IsolatedClassPath.call(HIVEMQ, WithoutHiveMq.class.getName(), "buildSimulator"));

        assertThat(failure.getClass().getName()).isEqualTo("dev.marketingconnector.core.MissingDependencyException");
        assertThat(failure.getMessage())
                .doesNotContain("\n")
                .isEqualTo("MarketingEventSimulator needs com.hivemq:hivemq-mqtt-client:1.3.7 on the class path: add it to your dependencies"
                        + " (dev.marketingconnector:connector-bom manages its version)");
    }

    @Test
    void thePayloadHelpersWorkWithoutTheClient() throws Throwable {
        assertThat(IsolatedClassPath.call(HIVEMQ, WithoutHiveMq.class.getName(), "legacyTopic"))
                .isEqualTo("sap/mkt/tenant1/BO/MarketingPermission/Changed");
    }
}
