package dev.marketingconnector.examples.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marketingconnector.core.discovery.ServiceStatus;
import dev.marketingconnector.core.registration.Registration;
import dev.marketingconnector.core.registry.ReconcileResult;
import dev.marketingconnector.core.registry.RegistryException;
import dev.marketingconnector.core.testing.InMemoryApplicationRegistry;
import dev.marketingconnector.core.testing.RecordingEventPublisher;
import dev.marketingconnector.core.testing.StaticServiceDiscovery;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** How a user tests an extension with the fakes the connector ships: no SAP system, no Kyma, no network. */
class ContactApisOnboardingTest {

    private final StaticServiceDiscovery discovery = new StaticServiceDiscovery();
    private final InMemoryApplicationRegistry registry = new InMemoryApplicationRegistry();
    private final RecordingEventPublisher events = new RecordingEventPublisher();
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-28T09:00:00Z"), ZoneOffset.UTC);
    private final ContactApisOnboarding onboarding = new ContactApisOnboarding(discovery, registry, events, "contacts", clock);

    @Test
    void registersOnlyTheContactScenarioAndAnnouncesIt() {
        ReconcileResult result = onboarding.run();

        assertThat(result.succeeded()).isTrue();
        assertThat(registry.registrations().values()).extracting(Registration::name)
                .contains("Marketing Contacts", "Marketing Interactions")
                .doesNotContain("Marketing Campaigns", "Marketing Coupons");
        assertThat(events.published()).singleElement().satisfies(event -> {
            assertThat(event.type().qualified()).isEqualTo("extension.contactapis.registered.v1");
            assertThat(event.data().get("created").asInt()).isEqualTo(registry.registrations().size());
        });
    }

    @Test
    void leavesOutAServiceWhoseArrangementIsMissing() {
        discovery.status("API_MKT_CONTACT_SRV;v=0002", ServiceStatus.INACTIVE, "no arrangement");

        onboarding.run();

        assertThat(registry.registrations().values()).extracting(Registration::name).doesNotContain("Marketing Contacts");
    }

    @Test
    void aRegistryThatIsDownFailsTheRunAndNothingIsAnnounced() {
        registry.failNext(1);

        assertThatThrownBy(onboarding::run).isInstanceOf(RegistryException.class).hasMessageContaining("injected failure");
        assertThat(registry.registrations()).isEmpty();
        assertThat(events.published()).isEmpty();
    }

    @Test
    void retriesTheAnnouncementOnceAfterATransientFailureWithTheSameId() {
        events.failNextTransiently(1);

        onboarding.run();

        assertThat(events.attempts()).isEqualTo(2);
        assertThat(events.published()).hasSize(1);
    }

    @Test
    void givesUpOnAPermanentFailure() {
        events.failNextPermanently(1);

        assertThatThrownBy(onboarding::run).hasRootCauseMessage("injected permanent failure");
        assertThat(events.attempts()).isEqualTo(1);
    }
}
