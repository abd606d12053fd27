package com.example.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marketingconnector.kyma.testing.MockKyma;
import dev.marketingconnector.mqtt.testing.MarketingEventSimulator;
import dev.marketingconnector.testkit.ConnectorHarness;
import dev.marketingconnector.testkit.ConnectorTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Discovery and registration from the mock tenant into the mock Kyma, then ten events through the bridge. */
@ConnectorTest
class EventForwardingTest {

    @Test
    void registersTheTenantAndForwardsTenEvents(ConnectorHarness connector, MarketingEventSimulator sap, MockKyma kyma)
            throws InterruptedException {
        assertThat(connector.register().succeeded()).isTrue();
        assertThat(kyma.services("mkt-test")).hasSize(27);

        assertThat(sap.sendSampleEvents(10).acknowledged()).isEqualTo(10);
        assertThat(kyma.awaitEvents(10, Duration.ofSeconds(30))).extracting(MockKyma.ReceivedEvent::source).containsOnly("mkttest");
    }
}
