package dev.marketingconnector.kyma.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.registration.ApplicationRegistration;
import dev.marketingconnector.core.registration.ConnectorLabels;
import dev.marketingconnector.core.registration.EventCatalogRegistration;
import dev.marketingconnector.core.registration.Registration;
import dev.marketingconnector.core.registry.ChangeAction;
import dev.marketingconnector.core.registry.ReconcileResult;
import dev.marketingconnector.core.registry.RegistrationReconciler;
import dev.marketingconnector.core.registry.RegistryException;
import dev.marketingconnector.core.testing.StaticServiceDiscovery;
import dev.marketingconnector.kyma.testing.MockKyma;
import dev.marketingconnector.kyma.testing.MockKyma.Failure;
import dev.marketingconnector.kyma.testing.MockKyma.Route;
import io.github.resilience4j.retry.event.RetryOnRetryEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST registry against a registry that fails: MockKyma on loopback with injected failures. */
class RestRegistryFaultsTest {

    private static final String APP = RestApplicationRegistryTest.APP;
    private static final String OWNER = "sap-marketing-cloud";
    /** Short waits and time-outs so the test is quick; the attempts are the defaults. */
    private static final RegistryRetryConfig QUICK = RegistryRetryConfig.builder()
            .initialBackoff(Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(100)).build();
    /** Long enough that only an injected stall runs past it, even on a busy machine. */
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** For the tests that inject stalls: short, so that each stall costs little. */
    private static final Duration STALL_TIMEOUT = Duration.ofMillis(100);

    private MockKyma kyma;

    @BeforeEach
    void start() {
        kyma = new MockKyma();
        // A registry that does not refuse duplicate identifiers shows any duplicate a client leaves.
        kyma.acceptDuplicateIdentifiers(true).stallFor(Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        kyma.close();
    }

    private RestApplicationRegistry registry(RegistryRetryConfig retry) {
        return registry(retry, TIMEOUT);
    }

    private RestApplicationRegistry registry(RegistryRetryConfig retry, Duration timeout) {
        return new RestApplicationRegistry(RestRegistryConfig.builder(kyma.registryUrl(APP)).requestTimeout(timeout).retry(retry).build());
    }

    private static Registration contacts() {
        return ConnectorLabels.mark(RestApplicationRegistryTest.contacts(), OWNER);
    }

    @Test
    void aCreateCutOffAfterTheRegistryStoredItIsNotSentTwice() {
        kyma.failNext(Route.REGISTRY, Failure.CUT_AFTER_APPLYING, 1);

        String id = registry(QUICK).create(contacts());

        assertThat(kyma.services(APP)).singleElement().satisfies(s -> assertThat(s.id()).isEqualTo(id));
        assertThat(kyma.requests()).extracting(MockKyma.RecordedRequest::method).containsExactly("POST", "GET");
    }

    @Test
    void aCreateAnsweredPastTheTimeoutIsNotSentTwice() {
        kyma.failNext(Route.REGISTRY, Failure.STALL_AFTER_APPLYING, 1);

        String id = registry(QUICK, STALL_TIMEOUT).create(contacts());

        assertThat(kyma.services(APP)).singleElement().satisfies(s -> assertThat(s.id()).isEqualTo(id));
        assertThat(kyma.duplicateIdentifiers(APP)).isEmpty();
    }

    @Test
    void aCreateAnswered5xxLooksBeforeItIsSentAgainBut429DoesNot() {
        RestApplicationRegistry registry = registry(QUICK);
        kyma.failNext(Route.REGISTRY, 503, 1);
        registry.create(contacts());
        kyma.reset();
        kyma.failNext(Route.REGISTRY, 429, 1);
        registry.create(contacts());

        assertThat(kyma.requests()).extracting(MockKyma.RecordedRequest::method).as("429 says nothing was done").containsExactly("POST", "POST");
        assertThat(kyma.services(APP)).hasSize(1);
    }

    @Test
    void aCreateAnswered503WhoseServiceIsNotThereIsSentAgain() {
        kyma.failNext(Route.REGISTRY, 503, 1);

        registry(QUICK).create(contacts());

        assertThat(kyma.requests()).extracting(MockKyma.RecordedRequest::method).containsExactly("POST", "GET", "POST");
        assertThat(kyma.services(APP)).hasSize(1);
    }

    @Test
    void aDeleteWhoseAnswerWasCutOffIsDone() {
        RestApplicationRegistry registry = registry(QUICK);
        String id = registry.create(contacts());
        kyma.failNext(Route.REGISTRY, Failure.CUT_AFTER_APPLYING, 1);

        registry.delete(id);

        assertThat(kyma.services(APP)).isEmpty();
    }

    @Test
    void everyTransientStatusIsRetriedAndAnother4xxIsNot() {
        RestApplicationRegistry registry = registry(QUICK);
        for (int status : new int[] {429, 500, 502, 503, 504}) {
            kyma.failNext(Route.REGISTRY, status, 2);
            assertThat(registry.list()).as("after two %d", status).isEmpty();
        }
        int before = kyma.requests().size();
        kyma.failNext(Route.REGISTRY, 403, 1);

        assertThatThrownBy(registry::list).isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThat(kyma.requests().size() - before).isEqualTo(1);
    }

    @Test
    void retryAfterWinsOverTheBackoffUpToItsCap() {
        RestApplicationRegistry patient = new RestApplicationRegistry(RestRegistryConfig.builder(kyma.registryUrl(APP))
                .retry(RegistryRetryConfig.builder().initialBackoff(Duration.ofSeconds(30)).maxBackoff(Duration.ofSeconds(30))
                        .maxRetryAfter(Duration.ofMillis(50)).build()).build());
        List<Duration> waits = new ArrayList<>();
        patient.retry().getEventPublisher().onRetry(event -> waits.add(((RetryOnRetryEvent) event).getWaitInterval()));
        kyma.setRetryAfter("0").failNext(Route.REGISTRY, 503, 1);
        patient.list();
        kyma.setRetryAfter("3600").failNext(Route.REGISTRY, 503, 1);
        patient.list();

        assertThat(waits).containsExactly(Duration.ZERO, Duration.ofMillis(50));
    }

    /**
     * The target of issue 12: with 30 % of registry calls failing (half of them 503 before anything
     * happens, a quarter applied and then cut off, a quarter applied and answered past the time-out), a run
     * converges in at least 19 of 20 runs, and no run leaves a duplicate. Each run starts from an empty
     * Application, registers the 26 APIs and the event catalog, then plans again (reading every entry
     * back) and must find nothing to change.
     */
    @Test
    void twentyRunsAgainstARegistryFailing30PercentConvergeWithoutDuplicates() {
        ServiceCatalog catalog = ServiceCatalog.marketing();
        ApplicationRegistration desired = new StaticServiceDiscovery().status("API_MKT_INTEREST_SRV",
                dev.marketingconnector.core.discovery.ServiceStatus.INACTIVE, "no arrangement")
                .status("API_MKT_LANDING_PAGE_SRV", dev.marketingconnector.core.discovery.ServiceStatus.INACTIVE, "no arrangement")
                .status("API_MKT_LANDING_PAGE_VALUEHELP_SRV", dev.marketingconnector.core.discovery.ServiceStatus.INACTIVE, "no arrangement")
                .discover(catalog).toApplicationRegistration(APP, Optional.of(EventCatalogRegistration.of(catalog)));
        int converged = 0;
        int faults = 0;
        List<String> notes = new ArrayList<>();
        for (int run = 1; run <= 20; run++) {
            kyma.reset();
            kyma.acceptDuplicateIdentifiers(true).stallFor(Duration.ofSeconds(2))
                    .failRandomly(Route.REGISTRY, 0.3, run, Failure.UNAVAILABLE, Failure.UNAVAILABLE, Failure.CUT_AFTER_APPLYING,
                            Failure.STALL_AFTER_APPLYING);
            RegistrationReconciler reconciler = new RegistrationReconciler(registry(RegistryRetryConfig.builder()
                    .initialBackoff(Duration.ofMillis(5)).maxBackoff(Duration.ofMillis(40)).build(), STALL_TIMEOUT), OWNER);

            ReconcileResult result = reconciler.reconcile(desired, false);
            boolean settled = result.succeeded() && reconciler.plan(desired).changes().stream()
                    .allMatch(c -> c.action() == ChangeAction.UNCHANGED);

            assertThat(kyma.duplicateIdentifiers(APP)).as("run %d leaves no duplicate", run).isEmpty();
            if (settled && kyma.services(APP).size() == 27) {
                converged++;
            } else {
                notes.add("run " + run + ": " + result.failures());
            }
            for (Failure failure : Failure.values()) {
                faults += kyma.failuresInjected(failure);
            }
        }
        System.out.printf("Registry failing 30 %%: %d of 20 runs converged; %d faults injected%n", converged, faults);
        assertThat(converged).as("runs that converged; the others: %s", notes).isGreaterThanOrEqualTo(19);
        assertThat(faults).as("faults were injected").isGreaterThan(20 * 10);
    }
}
