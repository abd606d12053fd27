package dev.marketingconnector.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.registration.EventCatalogRegistration;
import dev.marketingconnector.core.registry.RegistryException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InMemoryApplicationRegistryTest {

    private final InMemoryApplicationRegistry registry = new InMemoryApplicationRegistry();
    private final EventCatalogRegistration events = EventCatalogRegistration.of(ServiceCatalog.marketing());

    @Test
    void recordsEveryWriteInOrder() {
        String id = registry.create(events);
        registry.update(id, events);
        registry.delete(id);

        assertThat(registry.writes()).extracting(InMemoryApplicationRegistry.Write::operation).containsExactly(
                InMemoryApplicationRegistry.Operation.CREATE, InMemoryApplicationRegistry.Operation.UPDATE,
                InMemoryApplicationRegistry.Operation.DELETE);
        assertThat(registry.entries()).isEmpty();
    }

    @Test
    void failNextFailsExactlyThatManyCalls() {
        registry.failNext(2);

        assertThatThrownBy(registry::list).isInstanceOf(RegistryException.class).hasMessageContaining("injected failure");
        assertThatThrownBy(() -> registry.create(events)).isInstanceOf(RegistryException.class);
        assertThat(registry.list()).isEmpty();
        assertThat(registry.writes()).isEmpty();
    }

    @Test
    void failNextCanThrowAChosenException() {
        registry.failNext(1, () -> new IllegalStateException("boom"));

        assertThatThrownBy(registry::list).isInstanceOf(IllegalStateException.class).hasMessage("boom");
    }

    @Test
    void failNextForAnOperationFailsOnlyThatOperation() {
        String kept = registry.create(events);
        registry.failNext(InMemoryApplicationRegistry.Operation.CREATE, 503, 1);

        assertThat(registry.list()).hasSize(1);
        registry.update(kept, events);
        assertThatThrownBy(() -> registry.create(EventCatalogRegistration.of(ServiceCatalog.marketing())))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(503))
                .hasMessageContaining("injected create failure");
        assertThat(registry.pendingFailures()).isZero();
        assertThat(registry.writes()).extracting(InMemoryApplicationRegistry.Write::operation)
                .containsExactly(InMemoryApplicationRegistry.Operation.CREATE, InMemoryApplicationRegistry.Operation.UPDATE);
    }

    @Test
    void operationFaultsAreUsedInOrderAndListCanFailAlone() {
        registry.failNext(InMemoryApplicationRegistry.Operation.LIST, 500, 1)
                .failNext(InMemoryApplicationRegistry.Operation.DELETE, 2, () -> new IllegalStateException("delete refused"));
        String id = registry.create(events);

        assertThatThrownBy(registry::list).isInstanceOf(RegistryException.class).hasMessageContaining("injected list failure");
        assertThat(registry.list()).hasSize(1);
        assertThatThrownBy(() -> registry.delete(id)).hasMessage("delete refused");
        assertThatThrownBy(() -> registry.delete(id)).hasMessage("delete refused");
        registry.delete(id);
        assertThat(registry.entries()).isEmpty();
    }

    @Test
    void rejectsBadFaultSettings() {
        assertThatThrownBy(() -> registry.failNext(InMemoryApplicationRegistry.Operation.CREATE, 200, 1)).hasMessageContaining("status");
        assertThatThrownBy(() -> registry.failNext(InMemoryApplicationRegistry.Operation.CREATE, 503, -1)).hasMessageContaining("count");
    }

    @Test
    void foreignEntriesAreListedButHaveNoRegistration() {
        String id = registry.addForeignEntry("Other", Optional.empty(), Map.of("team", "web"));

        assertThat(registry.list()).singleElement().satisfies(e -> {
            assertThat(e.id()).isEqualTo(id);
            assertThat(e.labels()).containsEntry("team", "web");
        });
        assertThat(registry.registration(id)).isEmpty();
        assertThat(registry.registrations()).isEmpty();
    }

    @Test
    void aHandEditIsStoredAndReadBackButIsNoWrite() {
        String id = registry.create(events);

        registry.editByHand(id, r -> new EventCatalogRegistration(r.identifier(), "Edited", r.description(), r.provider(),
                events.asyncApi(), r.labels()));

        assertThat(registry.writes()).hasSize(1);
        assertThat(registry.list()).singleElement().satisfies(e -> assertThat(e.name()).isEqualTo("Edited"));
        assertThat(registry.read(java.util.List.of(id, "unknown"))).containsOnlyKeys(id)
                .hasEntrySatisfying(id, live -> assertThat(live.registration().name()).isEqualTo("Edited"));
        assertThat(registry.entriesRead()).isEqualTo(1);
        assertThatThrownBy(() -> registry.editByHand("unknown", r -> r)).isInstanceOf(IllegalArgumentException.class);
    }
}
