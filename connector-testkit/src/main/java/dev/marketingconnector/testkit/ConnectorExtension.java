package dev.marketingconnector.testkit;

import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.config.ConnectorConfiguration;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.registry.ApplicationRegistry;
import dev.marketingconnector.kyma.testing.MockKyma;
import dev.marketingconnector.mqtt.MqttBridge;
import dev.marketingconnector.mqtt.testing.MarketingEventSimulator;
import dev.marketingconnector.odata.testing.MockMarketingSystem;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 face of {@link ConnectorHarness}: starts it, injects its parts into test and lifecycle
 * methods, resets or closes it.
 *
 * <p>Parameters it resolves, by declared type: {@link ConnectorHarness}, {@link MockMarketingSystem},
 * {@link MockKyma}, {@link MqttBridge}, {@link MarketingEventSimulator}, {@link ConnectorConfiguration},
 * {@link ServiceCatalog}, {@link EventPublisher} (the bridge's publisher) and {@link ApplicationRegistry}
 * (MockKyma's registry for the Application).
 *
 * <p>Lifecycle follows where it is registered:
 * <ul>
 *   <li>on the class ({@link ConnectorTest @ConnectorTest}, {@code @ExtendWith}) or in a {@code static}
 *       {@code @RegisterExtension} field: one harness for the class, {@link ConnectorHarness#reset() reset}
 *       after each test, closed after the last;</li>
 *   <li>in an instance {@code @RegisterExtension} field: a fresh harness for every test, closed after it.</li>
 * </ul>
 * A shared harness is not meant for test methods of one class running concurrently.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ConnectorExtension CONNECTOR = new ConnectorExtension(ConnectorHarness.builder()
 *         .eventsFormat(EventsFormat.KYMA_V1)
 *         .prepare(h -> h.kyma().failRandomly(0.2, 503)));
 * }</pre>
 */
public final class ConnectorExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback,
        ParameterResolver {

    private static final Map<Class<?>, Function<ConnectorHarness, Object>> PARAMETERS = Map.of(
            ConnectorHarness.class, h -> h,
            MockMarketingSystem.class, ConnectorHarness::tenant,
            MockKyma.class, ConnectorHarness::kyma,
            MqttBridge.class, ConnectorHarness::bridge,
            MarketingEventSimulator.class, ConnectorHarness::simulator,
            ConnectorConfiguration.class, ConnectorHarness::configuration,
            ServiceCatalog.class, ConnectorHarness::catalog,
            EventPublisher.class, ConnectorHarness::publisher,
            ApplicationRegistry.class, ConnectorHarness::registry);

    private final ConnectorHarness.Builder settings;
    private ConnectorHarness harness;
    private boolean perClass;
    /** Nested test classes inherit the extension and call beforeAll/afterAll again: only the outermost starts and stops. */
    private int classDepth;

    /** Settings from the test class's {@link ConnectorTest @ConnectorTest}, or the defaults. */
    public ConnectorExtension() {
        this.settings = null;
    }

    /**
     * Explicit settings, for {@code @RegisterExtension}.
     *
     * @param settings the harness's settings; started by the extension
     */
    public ConnectorExtension(ConnectorHarness.Builder settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * The running harness, for code outside the injected parameters (e.g. a {@code @BeforeEach} of a helper).
     *
     * @return the harness
     * @throws IllegalStateException outside a test of the class that registered the extension
     */
    public ConnectorHarness harness() {
        if (harness == null) {
            throw new IllegalStateException("the connector harness runs only during the tests of the class that registers it");
        }
        return harness;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (classDepth++ == 0) {
            perClass = true;
            harness = settings(context).start();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (harness == null) {
            perClass = false;
            harness = settings(context).start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (harness == null) {
            return;
        }
        if (perClass) {
            harness.reset();
        } else {
            closeHarness();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (--classDepth == 0) {
            closeHarness();
        }
    }

    private void closeHarness() {
        ConnectorHarness running = harness;
        harness = null;
        if (running != null) {
            running.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return PARAMETERS.containsKey(parameter.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (harness == null) {
            throw new ParameterResolutionException("no connector harness is running for " + parameter.getDeclaringExecutable()
                    + ": parameters of @BeforeAll methods need a class-level or static extension");
        }
        return PARAMETERS.get(parameter.getParameter().getType()).apply(harness);
    }

    private ConnectorHarness.Builder settings(ExtensionContext context) {
        if (settings != null) {
            return settings;
        }
        ConnectorHarness.Builder builder = ConnectorHarness.builder();
        annotation(context).ifPresent(test -> {
            if (!test.catalog().isBlank()) {
                builder.catalogFromClasspath(test.catalog());
            }
            builder.applicationName(test.application()).eventsFormat(test.eventsFormat());
        });
        return builder;
    }

    private static Optional<ConnectorTest> annotation(ExtensionContext context) {
        for (Optional<Class<?>> type = context.getTestClass(); type.isPresent(); type = Optional.ofNullable(type.get().getEnclosingClass())) {
            Optional<ConnectorTest> found = AnnotationSupport.findAnnotation(type.get(), ConnectorTest.class);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }
}
