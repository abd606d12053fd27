package dev.marketingconnector.examples.extension;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.discovery.DiscoveredService;
import dev.marketingconnector.core.discovery.DiscoveryReport;
import dev.marketingconnector.core.discovery.ServiceDiscovery;
import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.events.EventTypeMapper;
import dev.marketingconnector.core.events.PublishException;
import dev.marketingconnector.core.registration.ApplicationRegistration;
import dev.marketingconnector.core.registration.Registration;
import dev.marketingconnector.core.registry.ApplicationRegistry;
import dev.marketingconnector.core.registry.ChangeAction;
import dev.marketingconnector.core.registry.ReconcileResult;
import dev.marketingconnector.core.registry.RegistrationReconciler;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;

/**
 * An example of a user's own extension built on the connector's ports: it registers only the
 * contact and profile APIs (scenario SAP_COM_0207) in its own Application and announces the result
 * as an event, retrying once when the event service fails transiently. Its test
 * ({@code ContactApisOnboardingTest}) shows how to test such code with the shipped fakes.
 */
public final class ContactApisOnboarding {

    public static final String SCENARIO = "SAP_COM_0207";
    public static final String ANNOUNCEMENT_TYPE = "extension.contactapis.registered";

    private final ServiceCatalog catalog = ServiceCatalog.marketing();
    private final ServiceDiscovery discovery;
    private final ApplicationRegistry registry;
    private final EventPublisher events;
    private final String applicationName;
    private final Clock clock;

    public ContactApisOnboarding(ServiceDiscovery discovery, ApplicationRegistry registry, EventPublisher events,
            String applicationName, Clock clock) {
        this.discovery = discovery;
        this.registry = registry;
        this.events = events;
        this.applicationName = applicationName;
        this.clock = clock;
    }

    public ReconcileResult run() {
        DiscoveryReport report = discovery.discover(catalog);
        List<Registration> contactApis = report.services().stream()
                .filter(s -> s.service().scenario().equals(SCENARIO))
                .flatMap(s -> s.registration().stream())
                .map(Registration.class::cast)
                .toList();
        ReconcileResult result = new RegistrationReconciler(registry, "contact-onboarding", clock)
                .reconcile(new ApplicationRegistration(applicationName, contactApis), false);
        announce(report.services().stream().filter(s -> s.service().scenario().equals(SCENARIO)).toList(), result);
        return result;
    }

    private void announce(List<DiscoveredService> scenarioServices, ReconcileResult result) {
        ObjectNode data = JsonNodeFactory.instance.objectNode()
                .put("application", applicationName)
                .put("services", scenarioServices.size())
                .put("created", result.completed().get(ChangeAction.CREATE))
                .put("failed", result.failures().size());
        // The same run announces with the same id, so a retried publish is recognisably a duplicate.
        UUID id = UUID.nameUUIDFromBytes((applicationName + "@" + result.finishedAt()).getBytes(StandardCharsets.UTF_8));
        BusinessEvent event = new BusinessEvent(id, EventTypeMapper.of(ANNOUNCEMENT_TYPE, "v1"), OffsetDateTime.now(clock), data);
        try {
            events.publish(event).toCompletableFuture().join();
        } catch (CompletionException first) {
            if (first.getCause() instanceof PublishException failure && failure.isTransient()) {
                events.publish(event).toCompletableFuture().join();
            } else {
                throw first;
            }
        }
    }
}
