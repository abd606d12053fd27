package dev.marketingconnector.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.registration.ApplicationRegistration;
import dev.marketingconnector.core.registration.EventCatalogRegistration;
import dev.marketingconnector.core.registration.Registration;
import dev.marketingconnector.core.testing.InMemoryApplicationRegistry;
import dev.marketingconnector.core.testing.StaticServiceDiscovery;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ParallelApplyTest {

    private static final String OWNER = "sap-marketing-cloud";
    private static final ServiceCatalog CATALOG = ServiceCatalog.marketing();

    /** Counts how many writes run at once; each create waits until a second one has started (or a timeout). */
    private static final class ConcurrencyProbe implements ApplicationRegistry {
        final InMemoryApplicationRegistry delegate = new InMemoryApplicationRegistry();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger peak = new AtomicInteger();
        final CountDownLatch twoStarted = new CountDownLatch(2);
        final int maxConcurrentWrites;

        ConcurrencyProbe(int maxConcurrentWrites) {
            this.maxConcurrentWrites = maxConcurrentWrites;
        }

        @Override
        public List<RegisteredEntry> list() {
            return delegate.list();
        }

        @Override
        public String create(Registration registration) {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            twoStarted.countDown();
            try {
                twoStarted.await(maxConcurrentWrites == 1 ? 0 : 5, TimeUnit.SECONDS);
                return delegate.create(registration);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                running.decrementAndGet();
            }
        }

        @Override
        public void update(String id, Registration registration) {
            delegate.update(id, registration);
        }

        @Override
        public void delete(String id) {
            delegate.delete(id);
        }

        @Override
        public int maxConcurrentWrites() {
            return maxConcurrentWrites;
        }
    }

    private static ApplicationRegistration desired() {
        return new StaticServiceDiscovery().discover(CATALOG)
                .toApplicationRegistration("mkt", Optional.of(EventCatalogRegistration.of(CATALOG)));
    }

    @Test
    void writesInParallelWhenTheRegistryAllowsAndKeepsPlanOrder() {
        ConcurrencyProbe registry = new ConcurrencyProbe(16);
        RegistrationReconciler reconciler = new RegistrationReconciler(registry, OWNER, Clock.systemUTC(), 4);
        List<ItemOutcome> progress = new ArrayList<>();

        ReconcileResult result = reconciler.reconcile(desired(), false, progress::add);

        assertThat(result.succeeded()).isTrue();
        assertThat(registry.peak.get()).isBetween(2, 4);
        assertThat(progress).hasSize(30);
        assertThat(result.outcomes()).extracting(o -> o.change().identifier())
                .containsExactlyElementsOf(result.plan().changes().stream().map(PlannedChange::identifier).toList());
        assertThat(registry.delegate.registrations()).hasSize(30);
    }

    @Test
    void neverExceedsTheRegistrysConcurrentWrites() {
        ConcurrencyProbe registry = new ConcurrencyProbe(1);
        RegistrationReconciler reconciler = new RegistrationReconciler(registry, OWNER, Clock.systemUTC(), 8);

        ReconcileResult result = reconciler.reconcile(desired(), false);

        assertThat(result.succeeded()).isTrue();
        assertThat(registry.peak.get()).isEqualTo(1);
    }

    @Test
    void aFailedWriteInParallelIsAnOutcomeNotAnException() {
        InMemoryApplicationRegistry registry = new InMemoryApplicationRegistry();
        registry.failNext(2);
        RegistrationReconciler reconciler = new RegistrationReconciler(registry, OWNER, Clock.systemUTC(), 8);
        RegistrationPlan plan = RegistrationReconciler.plan(desired(), List.of(), OWNER);

        ReconcileResult result = reconciler.apply(plan);

        assertThat(result.failures()).hasSize(2);
        assertThat(registry.registrations()).hasSize(28);
    }
}
