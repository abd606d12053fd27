package dev.marketingconnector.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.discovery.DiscoveryReport;
import dev.marketingconnector.core.discovery.ServiceStatus;
import dev.marketingconnector.core.registration.ApiRegistration;
import dev.marketingconnector.core.registration.ApplicationRegistration;
import dev.marketingconnector.core.registration.ConnectorLabels;
import dev.marketingconnector.core.registration.EventCatalogRegistration;
import dev.marketingconnector.core.registration.Registration;
import dev.marketingconnector.core.testing.StaticServiceDiscovery;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ApplicationRegistry} shares: the in-memory fake, the Kyma 1.x REST
 * registry and the {@code Application} resource registry all extend this test, so they cannot
 * drift apart. Ships in the core's test-jar, which needs JUnit 5 ({@code junit-jupiter}) and
 * AssertJ ({@code assertj-core}) on the test class path: a test-jar cannot declare dependencies of
 * its own, so add both in test scope.
 *
 * <p>A subclass implements {@link #registry()} and {@link #addForeignEntry(String)}.
 */
public abstract class ApplicationRegistryContract {

    protected static final String APPLICATION = "mkt-test";
    protected static final String OWNER = "sap-marketing-cloud";

    /** Guards the two default implementations below against calling each other for ever. */
    private boolean delegating;

    /** A registry for the Application {@link #APPLICATION}, empty at the start of each test. */
    protected abstract ApplicationRegistry registry();

    /**
     * Creates an entry in the registry's backend the way another tool would, without the connector's
     * labels, and returns its id, as {@code InMemoryApplicationRegistry.addForeignEntry} does.
     * Override this; the default calls a subclass's {@link #seedForeignEntry(String)} and finds the
     * id by name.
     */
    protected String addForeignEntry(String name) {
        if (delegating) {
            throw new IllegalStateException(getClass().getSimpleName() + " must override addForeignEntry(String)");
        }
        delegating = true;
        try {
            String seeded = seedForeignEntry(name);
            return registry().list().stream().filter(e -> e.name().equals(seeded)).map(RegisteredEntry::id).findFirst()
                    .orElseThrow(() -> new IllegalStateException("the seeded entry '" + seeded + "' is not listed"));
        } finally {
            delegating = false;
        }
    }

    /**
     * Creates an entry the way another tool would; returns its display name.
     *
     * @deprecated override {@link #addForeignEntry(String)}, which returns the id like the in-memory fake's
     *             {@code addForeignEntry}; kept until every subclass has moved
     */
    @Deprecated
    protected String seedForeignEntry(String name) {
        if (delegating) {
            throw new IllegalStateException(getClass().getSimpleName() + " must override addForeignEntry(String)");
        }
        delegating = true;
        try {
            String id = addForeignEntry(name);
            return registry().list().stream().filter(e -> e.id().equals(id)).map(RegisteredEntry::name).findFirst().orElse(name);
        } finally {
            delegating = false;
        }
    }

    private static final ServiceCatalog CATALOG = ServiceCatalog.marketing();

    private static ApplicationRegistration desired(StaticServiceDiscovery discovery) {
        DiscoveryReport report = discovery.discover(CATALOG);
        return report.toApplicationRegistration(APPLICATION, Optional.of(EventCatalogRegistration.of(CATALOG)));
    }

    private static ApiRegistration anApi() {
        return (ApiRegistration) new StaticServiceDiscovery().discover(CATALOG).services().get(0).registration().orElseThrow();
    }

    @Test
    void createdEntryIsListedWithItsIdentifierNameAndLabels() {
        ApplicationRegistry registry = registry();
        Registration marked = ConnectorLabels.mark(anApi(), OWNER);

        String id = registry.create(marked);

        assertThat(id).isNotBlank();
        RegisteredEntry entry = registry.list().stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow();
        assertThat(entry.identifier()).contains(marked.identifier());
        assertThat(entry.name()).isEqualTo(marked.name());
        assertThat(entry.labels()).containsAllEntriesOf(marked.labels());
    }

    @Test
    void updateReplacesTheEntryInPlace() {
        ApplicationRegistry registry = registry();
        ApiRegistration api = anApi();
        String id = registry.create(ConnectorLabels.mark(api, OWNER));
        ApiRegistration renamed = new ApiRegistration(api.identifier(), "Renamed Contacts", "new text", api.provider(),
                api.targetUrl(), api.specificationUrl(), api.apiType(), api.credentials(), Map.of());

        registry.update(id, ConnectorLabels.mark(renamed, OWNER));

        List<RegisteredEntry> entries = registry.list();
        assertThat(entries).filteredOn(e -> e.identifier().equals(Optional.of(api.identifier()))).singleElement()
                .satisfies(e -> {
                    assertThat(e.id()).isEqualTo(id);
                    assertThat(e.name()).isEqualTo("Renamed Contacts");
                    assertThat(e.labels().get(ConnectorLabels.FINGERPRINT)).isEqualTo(ConnectorLabels.fingerprint(renamed));
                });
    }

    @Test
    void deleteRemovesTheEntry() {
        ApplicationRegistry registry = registry();
        String id = registry.create(ConnectorLabels.mark(anApi(), OWNER));

        registry.delete(id);

        assertThat(registry.list()).extracting(RegisteredEntry::id).doesNotContain(id);
    }

    @Test
    void updateOrDeleteOfAnUnknownIdFailsWithRegistryException() {
        ApplicationRegistry registry = registry();
        assertThatThrownBy(() -> registry.delete("no-such-entry")).isInstanceOf(RegistryException.class);
        assertThatThrownBy(() -> registry.update("no-such-entry", ConnectorLabels.mark(anApi(), OWNER)))
                .isInstanceOf(RegistryException.class);
    }

    @Test
    void eventCatalogEntryIsStoredAndListed() {
        ApplicationRegistry registry = registry();
        Registration events = ConnectorLabels.mark(EventCatalogRegistration.of(CATALOG), OWNER);

        String id = registry.create(events);

        assertThat(registry.list()).filteredOn(e -> e.id().equals(id)).singleElement()
                .satisfies(e -> assertThat(e.identifier()).contains(CATALOG.eventCatalogIdentifier()));
    }

    @Test
    void registersTheMarketingCatalogAndSecondRunWritesNothing() {
        ApplicationRegistry registry = registry();
        RegistrationReconciler reconciler = new RegistrationReconciler(registry, OWNER);
        ApplicationRegistration desired = desired(new StaticServiceDiscovery());

        ReconcileResult first = reconciler.reconcile(desired, false);
        RegistrationPlan second = reconciler.plan(desired);

        assertThat(first.succeeded()).isTrue();
        assertThat(first.completed().get(ChangeAction.CREATE)).isEqualTo(CATALOG.services().size() + 1);
        assertThat(second.hasWrites()).isFalse();
        assertThat(second.counts().get(ChangeAction.UNCHANGED)).isEqualTo(CATALOG.services().size() + 1);
        assertThat(ownIdentifiers(registry)).containsExactlyInAnyOrderElementsOf(
                desired.entries().stream().map(Registration::identifier).toList());
    }

    @Test
    void droppingTwoServicesRemovesExactlyThoseTwo() {
        ApplicationRegistry registry = registry();
        RegistrationReconciler reconciler = new RegistrationReconciler(registry, OWNER);
        reconciler.reconcile(desired(new StaticServiceDiscovery()), false);
        String dropped1 = "API_MKT_COUPON_SRV";
        String dropped2 = "API_MKT_CONTACT_SRV;v=0002";
        ApplicationRegistration smaller = desired(new StaticServiceDiscovery()
                .status(dropped1, ServiceStatus.INACTIVE, "arrangement removed")
                .status(dropped2, ServiceStatus.INACTIVE, "arrangement removed"));

        ReconcileResult result = reconciler.reconcile(smaller, false);

        assertThat(result.succeeded()).isTrue();
        assertThat(result.plan().changes(ChangeAction.DELETE)).extracting(PlannedChange::identifier)
                .containsExactlyInAnyOrder(identifierOf(dropped1), identifierOf(dropped2));
        assertThat(result.plan().changes(ChangeAction.CREATE)).isEmpty();
        assertThat(result.plan().changes(ChangeAction.UPDATE)).isEmpty();
        assertThat(ownIdentifiers(registry)).hasSize(CATALOG.services().size() - 1)
                .doesNotContain(identifierOf(dropped1), identifierOf(dropped2));
    }

    @Test
    void aForeignEntryIsListedUnderTheIdItWasAddedWith() {
        ApplicationRegistry registry = registry();

        String id = addForeignEntry("Somebody Else's API");

        assertThat(registry.list()).singleElement().satisfies(e -> {
            assertThat(e.id()).isEqualTo(id);
            assertThat(e.name()).isEqualTo("Somebody Else's API");
            assertThat(ConnectorLabels.isOwnedBy(e.labels(), OWNER)).isFalse();
        });
    }

    @Test
    void foreignEntrySurvivesEveryRun() {
        ApplicationRegistry registry = registry();
        String foreignId = addForeignEntry("Somebody Else's API");
        RegistrationReconciler reconciler = new RegistrationReconciler(registry, OWNER);

        reconciler.reconcile(desired(new StaticServiceDiscovery()), false);
        reconciler.reconcile(desired(new StaticServiceDiscovery()
                .status("API_MKT_COUPON_SRV", ServiceStatus.INACTIVE, "gone")), false);
        reconciler.reconcile(new ApplicationRegistration(APPLICATION, List.of()), false);

        assertThat(registry.list()).extracting(RegisteredEntry::id).containsExactly(foreignId);
    }

    private static String identifierOf(String serviceKey) {
        return CATALOG.identifierFor(CATALOG.service(serviceKey).orElseThrow());
    }

    private static List<String> ownIdentifiers(ApplicationRegistry registry) {
        return registry.list().stream()
                .filter(e -> ConnectorLabels.isOwnedBy(e.labels(), OWNER))
                .map(e -> e.identifier().orElseThrow())
                .collect(Collectors.toList());
    }
}
