package dev.marketingconnector.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a JUnit 5 test class against a {@link ConnectorHarness}: one harness for the class, reset
 * between tests, its parts injected as parameters (see {@link ConnectorExtension} for the types).
 *
 * <pre>{@code
 * @ConnectorTest
 * class ForwardingTest {
 *     @Test
 *     void forwardsTenEvents(MarketingEventSimulator sap, MockKyma kyma) throws InterruptedException {
 *         sap.sendSampleEvents(10);
 *         assertThat(kyma.awaitEvents(10, Duration.ofSeconds(10))).hasSize(10);
 *     }
 * }
 * }</pre>
 *
 * For settings beyond these attributes (faults every test sees, another catalog with its metadata,
 * a fresh harness per test) register a {@link ConnectorExtension} with {@code @RegisterExtension}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(ConnectorExtension.class)
public @interface ConnectorTest {

    /**
     * The catalog to serve, as a class path resource (e.g. {@code /acme/crm.json}); empty for the Marketing catalog.
     * Metadata documents next to it ({@code /acme/metadata/<service name>.xml}) are served too.
     *
     * @return the catalog's resource name
     */
    String catalog() default "";

    /**
     * The Kyma Application.
     *
     * @return the Application name
     */
    String application() default ConnectorHarness.DEFAULT_APPLICATION;

    /**
     * How events reach MockKyma.
     *
     * @return the events format
     */
    EventsFormat eventsFormat() default EventsFormat.CLOUDEVENTS;
}
