package dev.marketingconnector.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.registration.ApiRegistration;
import dev.marketingconnector.core.registration.ApplicationRegistration;
import dev.marketingconnector.core.registration.BasicCredentials;
import dev.marketingconnector.core.registration.ConnectorLabels;
import dev.marketingconnector.core.registration.Registration;
import dev.marketingconnector.core.testing.InMemoryApplicationRegistry;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RegistrationReconcilerTest {

    private static final String OWNER = "sap-marketing-cloud";

    private final InMemoryApplicationRegistry registry = new InMemoryApplicationRegistry();
    private final RegistrationReconciler reconciler = new RegistrationReconciler(registry, OWNER);

    /** {@link #registry} behind the port's required methods only; a test overrides what it changes. */
    private class PortOnly implements ApplicationRegistry {

        @Override
        public List<RegisteredEntry> list() {
            return registry.list();
        }

        @Override
        public String create(Registration registration) {
            return registry.create(registration);
        }

        @Override
        public void update(String id, Registration registration) {
            registry.update(id, registration);
        }

        @Override
        public void delete(String id) {
            registry.delete(id);
        }
    }

    private static ApiRegistration api(String id, String name) {
        return api(id, name, "secret-1");
    }

    private static ApiRegistration api(String id, String name, String password) {
        URI target = URI.create("https://tenant.example.com/sap/opu/odata/sap/" + id);
        return new ApiRegistration(OWNER + ":/" + id, name, "about " + id, "SAP", target, URI.create(target + "/$metadata"),
                ApiRegistration.API_TYPE_ODATA, new BasicCredentials("USER", Secret.of(password), Optional.of(target)), Map.of());
    }

    private static ApplicationRegistration desired(Registration... entries) {
        return new ApplicationRegistration("mkt", List.of(entries));
    }

    @Test
    void createsWhatIsNotRegisteredYet() {
        ReconcileResult result = reconciler.reconcile(desired(api("A", "Api A"), api("B", "Api B")), false);

        assertThat(result.succeeded()).isTrue();
        assertThat(result.plan().changes()).extracting(PlannedChange::action).containsExactly(ChangeAction.CREATE, ChangeAction.CREATE);
        assertThat(registry.registrations().values()).extracting(Registration::name).containsExactlyInAnyOrder("Api A", "Api B");
        assertThat(registry.registrations().values()).allSatisfy(r -> assertThat(ConnectorLabels.isOwnedBy(r.labels(), OWNER)).isTrue());
    }

    @Test
    void applyingTheSameDesiredStateTwiceWritesNothingTheSecondTime() {
        ApplicationRegistration desired = desired(api("A", "Api A"), api("B", "Api B"));
        reconciler.reconcile(desired, false);
        registry.clearWrites();

        ReconcileResult second = reconciler.reconcile(desired, false);

        assertThat(registry.writes()).isEmpty();
        assertThat(second.plan().hasWrites()).isFalse();
        assertThat(second.completed().get(ChangeAction.UNCHANGED)).isEqualTo(2);
    }

    @Test
    void updatesAnEntryWhoseContentChanged() {
        reconciler.reconcile(desired(api("A", "Api A", "old-password")), false);
        String id = registry.registrations().keySet().iterator().next();

        ReconcileResult result = reconciler.reconcile(desired(api("A", "Api A", "new-password")), false);

        assertThat(result.plan().changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(ChangeAction.UPDATE);
            assertThat(c.registryId()).contains(id);
            assertThat(c.reason()).isEqualTo("content changed");
        });
        ApiRegistration stored = (ApiRegistration) registry.registration(id).orElseThrow();
        assertThat(((BasicCredentials) stored.credentials()).password().reveal()).isEqualTo("new-password");
    }

    @Test
    void aRenamedServiceIsUpdatedInPlaceNotAddedTwice() {
        reconciler.reconcile(desired(api("A", "Old Name")), false);

        ReconcileResult result = reconciler.reconcile(desired(api("A", "New Name")), false);

        assertThat(result.plan().changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(ChangeAction.UPDATE);
            assertThat(c.reason()).contains("renamed from 'Old Name'");
        });
        assertThat(registry.registrations().values()).extracting(Registration::name).containsExactly("New Name");
    }

    @Test
    void deletesOwnEntriesThatAreNoLongerDesired() {
        reconciler.reconcile(desired(api("A", "Api A"), api("B", "Api B"), api("C", "Api C")), false);

        ReconcileResult result = reconciler.reconcile(desired(api("B", "Api B")), false);

        assertThat(result.plan().changes(ChangeAction.DELETE)).extracting(PlannedChange::name).containsExactlyInAnyOrder("Api A", "Api C");
        assertThat(registry.registrations().values()).extracting(Registration::name).containsExactly("Api B");
    }

    @Test
    void neverUpdatesOrDeletesEntriesWithoutTheConnectorsLabels() {
        registry.addForeignEntry("Foreign", Optional.of(OWNER + ":/A"), Map.of());
        registry.addForeignEntry("Foreign without identifier", Optional.empty(), Map.of("team", "web"));

        ReconcileResult first = reconciler.reconcile(desired(api("A", "Api A")), false);
        ReconcileResult second = reconciler.reconcile(desired(), false);

        assertThat(first.plan().foreignEntries()).extracting(RegisteredEntry::name)
                .containsExactly("Foreign", "Foreign without identifier");
        assertThat(first.plan().changes()).extracting(PlannedChange::action).containsExactly(ChangeAction.CREATE);
        assertThat(second.plan().changes()).extracting(PlannedChange::action).containsExactly(ChangeAction.DELETE);
        assertThat(registry.entries()).extracting(RegisteredEntry::name).containsExactly("Foreign", "Foreign without identifier");
    }

    @Test
    void leavesEntriesOfAnotherOwnerAlone() {
        RegistrationReconciler other = new RegistrationReconciler(registry, "sap-cloud-for-customer");
        other.reconcile(desired(api("X", "C4C API")), false);

        ReconcileResult result = reconciler.reconcile(desired(api("A", "Api A")), false);

        assertThat(result.plan().changes(ChangeAction.DELETE)).isEmpty();
        assertThat(result.plan().foreignEntries()).extracting(RegisteredEntry::name).containsExactly("C4C API");
        assertThat(registry.entries()).hasSize(2);
    }

    @Test
    void goesOnPastAFailedItemInTheMiddle() {
        List<ItemOutcome> progress = new ArrayList<>();
        RegistrationPlan plan = reconciler.plan(desired(api("A", "Api A"), api("B", "Api B"), api("C", "Api C")));
        // The second create fails; the first and third still happen.
        RegistrationReconciler applying = new RegistrationReconciler(new PortOnly() {
            private int creates;

            @Override
            public String create(Registration registration) {
                if (++creates == 2) {
                    throw new RegistryException("test-registry", 500, "backend exploded");
                }
                return registry.create(registration);
            }
        }, OWNER);

        ReconcileResult result = applying.apply(plan, progress::add);

        assertThat(result.outcomes()).extracting(ItemOutcome::status)
                .containsExactly(ItemOutcome.Status.SUCCEEDED, ItemOutcome.Status.FAILED, ItemOutcome.Status.SUCCEEDED);
        assertThat(result.failures()).singleElement().satisfies(f -> {
            assertThat(f.change().name()).isEqualTo("Api B");
            assertThat(f.error()).get().asString().contains("backend exploded", "HTTP 500");
        });
        assertThat(result.succeeded()).isFalse();
        assertThat(progress).hasSize(3);
        assertThat(registry.registrations().values()).extracting(Registration::name).containsExactlyInAnyOrder("Api A", "Api C");

        ReconcileResult retry = reconciler.reconcile(desired(api("A", "Api A"), api("B", "Api B"), api("C", "Api C")), false);
        assertThat(retry.plan().changes(ChangeAction.CREATE)).extracting(PlannedChange::name).containsExactly("Api B");
    }

    @Test
    void aFailingRegistryCallBecomesAFailedOutcomeNotAnException() {
        reconciler.reconcile(desired(api("A", "Api A")), false);
        RegistrationPlan plan = reconciler.plan(desired(api("A", "Api A", "changed")));
        registry.failNext(1);

        ReconcileResult result = reconciler.apply(plan);

        assertThat(result.failures()).singleElement().satisfies(f -> assertThat(f.error()).get().asString().contains("injected failure"));
    }

    @Test
    void dryRunReturnsThePlanAndWritesNothing() {
        reconciler.reconcile(desired(api("A", "Api A"), api("B", "Api B")), false);
        registry.clearWrites();

        ReconcileResult result = reconciler.reconcile(desired(api("A", "Api A renamed"), api("C", "Api C")), true);

        assertThat(result.dryRun()).isTrue();
        assertThat(registry.writes()).isEmpty();
        assertThat(result.outcomes()).allSatisfy(o -> assertThat(o.status()).isEqualTo(ItemOutcome.Status.PLANNED));
        assertThat(result.plan().counts()).containsEntry(ChangeAction.CREATE, 1).containsEntry(ChangeAction.UPDATE, 1)
                .containsEntry(ChangeAction.DELETE, 1).containsEntry(ChangeAction.UNCHANGED, 0);
    }

    @Test
    void retainedIdentifiersAreLeftAsTheyAre() {
        reconciler.reconcile(desired(api("A", "Api A"), api("B", "Api B")), false);
        registry.clearWrites();

        ReconcileResult result = reconciler.reconcile(
                new ApplicationRegistration("mkt", List.of(api("A", "Api A")), Set.of(OWNER + ":/B")), false);

        assertThat(registry.writes()).isEmpty();
        assertThat(result.plan().changes()).filteredOn(c -> c.identifier().equals(OWNER + ":/B")).singleElement()
                .satisfies(c -> {
                    assertThat(c.action()).isEqualTo(ChangeAction.UNCHANGED);
                    assertThat(c.reason()).contains("state unknown");
                });
    }

    @Test
    void removesDuplicateOwnEntriesOfOneIdentifier() {
        Registration marked = ConnectorLabels.mark(api("A", "Api A"), OWNER);
        String first = registry.create(marked);
        String second = registry.create(marked);

        ReconcileResult result = reconciler.reconcile(desired(api("A", "Api A")), false);

        assertThat(result.plan().changes()).extracting(PlannedChange::action, c -> c.registryId().orElseThrow())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ChangeAction.UNCHANGED, first),
                        org.assertj.core.groups.Tuple.tuple(ChangeAction.DELETE, second));
        assertThat(registry.registrations()).containsOnlyKeys(first);
    }

    @Test
    void deletesOwnEntriesThatLostTheirIdentifier() {
        registry.addForeignEntry("Broken own entry", Optional.empty(),
                Map.of(ConnectorLabels.MANAGED_BY, ConnectorLabels.MANAGED_BY_VALUE, ConnectorLabels.OWNER, OWNER));

        ReconcileResult result = reconciler.reconcile(desired(), false);

        assertThat(result.plan().changes()).singleElement().satisfies(c -> assertThat(c.action()).isEqualTo(ChangeAction.DELETE));
        assertThat(registry.entries()).isEmpty();
    }

    @Test
    void rejectsADesiredStateWithAnIdentifierTwice() {
        assertThatThrownBy(() -> desired(api("A", "one"), api("A", "two")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(OWNER + ":/A");
    }

    @Test
    void registersTheWholeMarketingCatalogThroughThePlanCounts() {
        ServiceCatalog catalog = ServiceCatalog.marketing();
        var report = new dev.marketingconnector.core.testing.StaticServiceDiscovery().discover(catalog);

        ReconcileResult result = reconciler.reconcile(report.toApplicationRegistration("mkt",
                Optional.of(dev.marketingconnector.core.registration.EventCatalogRegistration.of(catalog))), false);

        assertThat(result.completed().get(ChangeAction.CREATE)).isEqualTo(30);
    }

    @Test
    void aHandEditedEntryIsUpdatedInPlaceNamingTheFieldsThatDrifted() {
        reconciler.reconcile(desired(api("A", "Api A"), api("B", "Api B")), false);
        String id = registry.list().stream().filter(e -> e.name().equals("Api A")).findFirst().orElseThrow().id();
        registry.editByHand(id, r -> {
            ApiRegistration a = (ApiRegistration) r;
            return new ApiRegistration(a.identifier(), "Typed by hand", "other text", a.provider(), URI.create("https://elsewhere.example.com"),
                    a.specificationUrl(), a.apiType(), a.credentials(), a.labels());
        });
        registry.clearWrites();

        ReconcileResult dryRun = reconciler.reconcile(desired(api("A", "Api A"), api("B", "Api B")), true);
        ReconcileResult result = reconciler.reconcile(desired(api("A", "Api A"), api("B", "Api B")), false);

        assertThat(dryRun.plan().changes(ChangeAction.UPDATE)).singleElement().satisfies(c -> {
            assertThat(c.reason()).isEqualTo("drift: name, description, api.targetUrl");
            assertThat(c.drift()).containsExactly("name", "description", "api.targetUrl");
            assertThat(c.registryId()).contains(id);
        });
        assertThat(result.plan().changes(ChangeAction.UPDATE)).hasSize(1);
        assertThat(registry.writes()).singleElement().satisfies(w -> {
            assertThat(w.operation()).isEqualTo(InMemoryApplicationRegistry.Operation.UPDATE);
            assertThat(w.id()).isEqualTo(id);
        });
        assertThat(registry.registration(id).orElseThrow().name()).isEqualTo("Api A");
    }

    @Test
    void readsBackOnlyOwnEntriesThatWouldOtherwiseStayUnchanged() {
        registry.addForeignEntry("Foreign", Optional.of("other:x"), Map.of());
        reconciler.reconcile(desired(api("A", "Api A"), api("B", "Api B"), api("C", "Api C")), false);
        int before = registry.entriesRead();

        reconciler.plan(desired(api("A", "Api A"), api("B", "Api B", "changed-password")));

        assertThat(registry.entriesRead() - before).as("A only: B changed anyway, C goes, the foreign one is not ours").isEqualTo(1);
    }

    @Test
    void aRegistryThatCannotReadBackIsComparedByFingerprint() {
        ApplicationRegistry fingerprintOnly = new PortOnly();
        RegistrationReconciler plain = new RegistrationReconciler(fingerprintOnly, OWNER);
        plain.reconcile(desired(api("A", "Api A")), false);
        String id = registry.list().get(0).id();
        registry.editByHand(id, r -> {
            ApiRegistration a = (ApiRegistration) r;
            return new ApiRegistration(a.identifier(), "Typed by hand", a.description(), a.provider(), a.targetUrl(),
                    a.specificationUrl(), a.apiType(), a.credentials(), a.labels());
        });

        assertThat(plain.plan(desired(api("A", "Api A"))).hasWrites()).isFalse();
        assertThat(registry.entriesRead()).isZero();
    }

    @Test
    void aCreateThatLandedTwiceIsLeftOnceKeepingTheIdItReturned() {
        ApplicationRegistry lateDuplicate = new PortOnly() {
            @Override
            public String create(Registration registration) {
                registry.create(registration);
                return registry.create(registration);
            }
        };

        ReconcileResult result = new RegistrationReconciler(lateDuplicate, OWNER).reconcile(desired(api("A", "Api A")), false);

        String created = result.outcomes().get(0).registryId().orElseThrow();
        assertThat(result.outcomes()).extracting(o -> o.change().action()).containsExactly(ChangeAction.CREATE, ChangeAction.DELETE);
        assertThat(result.outcomes().get(1).change().reason()).contains("duplicate");
        assertThat(result.succeeded()).isTrue();
        assertThat(registry.list()).singleElement().satisfies(e -> assertThat(e.id()).isEqualTo(created));
    }

    @Test
    void listsAgainAfterCreatingOnlyWhenTheRegistrySentACreateAgain() {
        reconciler.reconcile(desired(api("A", "Api A"), api("B", "Api B")), false);
        assertThat(registry.listCalls()).as("the plan's list only: the in-memory registry never sends a create twice").isEqualTo(1);

        AtomicLong resent = new AtomicLong();
        ApplicationRegistry resending = new PortOnly() {
            @Override
            public String create(Registration registration) {
                resent.incrementAndGet();
                return registry.create(registration);
            }

            @Override
            public OptionalLong resentCreates() {
                return OptionalLong.of(resent.get());
            }
        };
        new RegistrationReconciler(resending, OWNER).reconcile(desired(api("A", "Api A"), api("B", "Api B"), api("C", "Api C")), false);

        assertThat(registry.listCalls()).as("the plan's list and the check for a second entry").isEqualTo(3);
    }
}
