package dev.marketingconnector.kyma.optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** fabric8 is an optional dependency of connector-kyma: without it only the Application resource registry is unavailable, and says so in one line. */
class OptionalFabric8Test {

    private static final Predicate<String> FABRIC8 = entry -> entry.contains("/io/fabric8/");

    @Test
    void theApplicationResourceRegistryWithoutFabric8NamesTheArtifactsToAdd() {
        Throwable failure = catchThrowable(() -> IsolatedClassPath.call(FABRIC8, WithoutFabric8.class.getName(), "connectApplicationResourceRegistry"));

        assertThat(failure.getClass().getName()).isEqualTo("dev.marketingconnector.core.MissingDependencyException");
        assertThat(failure.getMessage())
                .doesNotContain("\n")
                .startsWith("ApplicationResourceRegistry needs io.fabric8:kubernetes-client:7.")
                .contains("and io.fabric8:kubernetes-httpclient-jdk:7.")
                .endsWith("add them to your dependencies (dev.marketingconnector:connector-bom manages their versions)");
        assertThat(failure.getMessage()).doesNotContain("${");
    }

    /** Why the check sits in ApplicationResourceConfig.builder: the registry class cannot even be linked without fabric8. */
    @Test
    void theRegistryClassCannotBeLinkedWithoutFabric8SoItsConfigBuilderChecksFirst() {
        Throwable failure = catchThrowable(() -> IsolatedClassPath.call(FABRIC8, WithoutFabric8.class.getName(), "connectWithoutConfig"));

        assertThat(failure).isInstanceOf(NoClassDefFoundError.class).hasMessageStartingWith("io/fabric8/");
    }

    @Test
    void theRestRegistryThePublishersAndMockKymaWorkWithoutFabric8() throws Throwable {
        Object outcome = IsolatedClassPath.call(FABRIC8, WithoutFabric8.class.getName(), "restRegistryAndPublisher");

        assertThat(outcome).isEqualTo("1 service, 1 event");
    }
}
