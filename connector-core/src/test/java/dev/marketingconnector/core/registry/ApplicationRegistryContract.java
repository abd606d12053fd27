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
import java.net.URI;
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

    /** A registry for the Application {@link #APPLICATION}, empty at the start of each test. */
    protected abstract ApplicationRegistry registry();

    /**
     * Creates an entry in the registry's backend the way another tool would, without the connector's
     * labels, and returns its id, as {@code InMemoryApplicationRegistry.addForeignEntry} does.
     */
    protected abstract String addForeignEntry(String name);

    /**
     * Changes the display name and target URL of the entry with this id in the registry's backend, the
     * way somebody editing it by hand would (the registry's API, kubectl), keeping its identifier and labels.
     */
    protected abstract void editNameAndTargetUrlByHand(String id, String name, URI targetUrl);

    /** Changes the password the entry's credentials hold in the registry's backend, by hand. */
    protected abstract void editPasswordByHand(String id, String password);

    /**
     * Whether the registry shows the passwords it stores. Kyma 1.x's registry masks them, so a password
     * changed by hand cannot be seen there; it then must not be reported as drift either.
     */
    protected boolean showsPasswords() {
        return true;
    }

    private static final ServiceCatalog CATALOG = ServiceCatalog.marketing();
    private static final String EDITED_SERVICE = "API_MKT_CONTACT_SRV;v=0002";

    private static ApplicationRegistration desired(StaticServiceDiscovery discovery) {
        DiscoveryReport report = discovery.discover(CATALOG);
        return report.toApplicationRegistration(APPLICATION, Optional.of(EventCatalogRegistration.of(CATALOG)));
    }

    /** Three APIs (the edited one among them) and the event catalog: enough for the drift cases, quick on every registry. */
    private static ApplicationRegistration small() {
        StaticServiceDiscovery discovery = new StaticServiceDiscovery();
        List<String> kept = List.of(EDITED_SERVICE, "API_MKT_COUPON_SRV", "API_MKT_OFFER_SRV");
        CATALOG.services().stream().filter(s -> !kept.contains(s.key()))
                .forEach(s -> discovery.status(s.key(), ServiceStatus.INACTIVE, "not needed here"));
        return desired(discovery);
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

    @Test
    void readShowsWhatWasWrittenSoNothingDrifts() {
        ApplicationRegistry registry = registry();
        Registration api = ConnectorLabels.mark(anApi(), OWNER);
        Registration events = ConnectorLabels.mark(EventCatalogRegistration.of(CATALOG), OWNER);
        String apiId = registry.create(api);
        String eventsId = registry.create(events);

        Map<String, LiveContent> live = registry.read(List.of(apiId, eventsId, "no-such-entry"));

        assertThat(live).containsOnlyKeys(apiId, eventsId);
        assertThat(live.get(apiId).driftFrom(api)).isEmpty();
        assertThat(live.get(eventsId).driftFrom(events)).isEmpty();
        assertThat(live.get(apiId).registration().identifier()).isEqualTo(api.identifier());
    }

    @Test
    void aHandEditedNameAndTargetUrlAreRepairedInPlace() {
        ApplicationRegistry registry = registry();
        String foreignId = addForeignEntry("Somebody Else's API");
        RegistrationReconciler reconciler = new RegistrationReconciler(registry, OWNER);
        ApplicationRegistration desired = small();
        reconciler.reconcile(desired, false);
        String edited = identifierOf(EDITED_SERVICE);
        String id = idOf(registry, edited);
        int entries = registry.list().size();

        editNameAndTargetUrlByHand(id, "Edited by hand", URI.create("https://elsewhere.example.com/api"));
        RegistrationPlan plan = reconciler.plan(desired);

        assertThat(plan.changes()).filteredOn(c -> c.action() != ChangeAction.UNCHANGED).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(ChangeAction.UPDATE);
            assertThat(c.identifier()).isEqualTo(edited);
            assertThat(c.registryId()).contains(id);
            assertThat(c.drift()).containsExactly("name", "api.targetUrl");
            assertThat(c.reason()).isEqualTo("drift: name, api.targetUrl");
        });
        assertThat(plan.foreignEntries()).extracting(RegisteredEntry::id).containsExactly(foreignId);

        ReconcileResult result = reconciler.apply(plan);

        assertThat(result.succeeded()).isTrue();
        assertThat(registry.list()).hasSize(entries);
        assertThat(idOf(registry, edited)).isEqualTo(id);
        Registration wanted = desired.entries().stream().filter(r -> r.identifier().equals(edited)).findFirst().orElseThrow();
        assertThat(registry.read(List.of(id)).get(id).driftFrom(ConnectorLabels.mark(wanted, OWNER))).isEmpty();
        assertThat(reconciler.plan(desired).hasWrites()).isFalse();
        assertThat(registry.list()).extracting(RegisteredEntry::id).contains(foreignId);
    }

    @Test
    void aHandEditedPasswordIsRepairedWhereTheRegistryShowsIt() {
        ApplicationRegistry registry = registry();
        RegistrationReconciler reconciler = new RegistrationReconciler(registry, OWNER);
        ApplicationRegistration desired = small();
        reconciler.reconcile(desired, false);
        String id = idOf(registry, identifierOf(EDITED_SERVICE));

        editPasswordByHand(id, "typed-by-hand-1");
        RegistrationPlan plan = reconciler.plan(desired);

        if (!showsPasswords()) {
            assertThat(plan.hasWrites()).as("a password the registry masks cannot be compared, so it is no drift").isFalse();
            return;
        }
        assertThat(plan.changes()).filteredOn(c -> c.action() != ChangeAction.UNCHANGED).singleElement().satisfies(c -> {
            assertThat(c.registryId()).contains(id);
            assertThat(c.reason()).isEqualTo("drift: api.credentials.password");
            assertThat(c.toString()).doesNotContain("typed-by-hand-1", "not-a-real-password");
        });
        assertThat(reconciler.apply(plan).succeeded()).isTrue();
        assertThat(reconciler.plan(desired).hasWrites()).isFalse();
    }

    private static String idOf(ApplicationRegistry registry, String identifier) {
        return registry.list().stream().filter(e -> e.identifier().equals(Optional.of(identifier))).map(RegisteredEntry::id)
                .findFirst().orElseThrow();
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
