package dev.marketingconnector.examples.bench.jmh;

import dev.marketingconnector.core.catalog.CatalogService;
import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.discovery.ServiceMetadata;
import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.mqtt.SapEventMapper;
import dev.marketingconnector.mqtt.testing.MarketingEventSimulator;
import dev.marketingconnector.odata.EdmxMetadataParser;
import dev.marketingconnector.odata.testing.MockMarketingSystem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Target 7 (JMH): parsing {@code $metadata} documents with the connector's Olingo-based parser, and
 * mapping one SAP event payload to a {@code BusinessEvent}. Run through {@code bench parse}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
public class ParseBenchmarks {

    /** The 2 MB Cloud for Customer {@code $metadata} bundled with the benchmarks. */
    public static final String C4C_METADATA = "/dev/marketingconnector/examples/c4c/c4codataapi.metadata.xml";
    static final String TOPIC_SPACE = "sap/mkt/bench";

    private byte[] cloudForCustomer;
    private List<byte[]> marketing;
    private List<String> marketingNames;
    private SapEventMapper mapper;
    private String legacyTopic;
    private byte[] legacyPayload;
    private String cloudEventTopic;
    private byte[] cloudEventPayload;
    private Instant receivedAt;

    @Setup
    public void load() {
        cloudForCustomer = resource(C4C_METADATA);
        marketing = new ArrayList<>();
        marketingNames = new ArrayList<>();
        for (CatalogService service : ServiceCatalog.marketing().services()) {
            String path = MockMarketingSystem.METADATA_RESOURCES + service.name() + ".xml";
            if (MockMarketingSystem.class.getResource(path) != null) {
                marketing.add(resource(path));
                marketingNames.add(service.name());
            }
        }
        mapper = new SapEventMapper(List.of(TOPIC_SPACE));
        Instant time = Instant.parse("2026-01-15T10:30:00Z");
        String sapType = "BO.MarketingPermission.Changed";
        legacyTopic = MarketingEventSimulator.legacyTopic(TOPIC_SPACE, sapType);
        legacyPayload = MarketingEventSimulator.legacyPayload(sapType, UUID.fromString("6f2a1c4e-8d3b-4b7a-9c1e-2f5d8a7b3c90"), time,
                MarketingEventSimulator.marketingPermissionData("4711"));
        String ceType = "sap.mkt.beh.marketingpermission.v1.MarketingPermission.Changed.v1";
        cloudEventTopic = MarketingEventSimulator.cloudEventTopic(ceType);
        cloudEventPayload = MarketingEventSimulator.cloudEventPayload(ceType, UUID.fromString("0b9e7d4a-3c2f-4e1d-8a6b-5f4c3d2e1a09"), time,
                MarketingEventSimulator.DEFAULT_SOURCE, MarketingEventSimulator.marketingPermissionData("4711"));
        receivedAt = Instant.now();
    }

    /** How many Marketing documents {@link #parseMarketingAll} parses per operation. */
    public int marketingDocuments() {
        return marketing.size();
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public ServiceMetadata parseCloudForCustomer() {
        return EdmxMetadataParser.parse(cloudForCustomer, "c4codataapi");
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public void parseMarketingAll(Blackhole blackhole) {
        for (int i = 0; i < marketing.size(); i++) {
            blackhole.consume(EdmxMetadataParser.parse(marketing.get(i), marketingNames.get(i)));
        }
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public BusinessEvent mapLegacyEvent() {
        return mapper.map(legacyTopic, legacyPayload, receivedAt);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public BusinessEvent mapCloudEvent() {
        return mapper.map(cloudEventTopic, cloudEventPayload, receivedAt);
    }

    private static byte[] resource(String path) {
        try (InputStream in = ParseBenchmarks.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("resource " + path + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
