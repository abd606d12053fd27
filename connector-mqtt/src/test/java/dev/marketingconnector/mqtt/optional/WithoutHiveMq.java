package dev.marketingconnector.mqtt.optional;

import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.mqtt.testing.MarketingEventSimulator;
import java.net.URI;

/** What a user of connector-mqtt without the HiveMQ client runs; loaded through {@link IsolatedClassPath}. */
public final class WithoutHiveMq {

    private WithoutHiveMq() {
    }

    /** Builds a simulator, which needs the HiveMQ client. */
    public static Object buildSimulator() {
        return MarketingEventSimulator.builder(URI.create("http://127.0.0.1:8080")).credentials("sap", Secret.of("secret")).build();
    }

    /** The payload helpers do not need the client. */
    public static Object legacyTopic() {
        return MarketingEventSimulator.legacyTopic("sap/mkt/tenant1", "BO.MarketingPermission.Changed");
    }
}
