package dev.marketingconnector.nats;

import dev.marketingconnector.core.spool.EventSpool;
import dev.marketingconnector.core.spool.EventSpoolContract;
import dev.marketingconnector.nats.testing.NatsTestServer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

class JetStreamEventSpoolContractTest extends EventSpoolContract {

    private static final AtomicInteger TESTS = new AtomicInteger();
    private static NatsTestServer nats;
    private String stream;

    @BeforeAll
    static void startNats() {
        nats = NatsTestServer.start();
    }

    @AfterAll
    static void stopNats() {
        if (nats != null) {
            nats.close();
        }
    }

    @BeforeEach
    void newStream() {
        stream = "CONTRACT_" + TESTS.incrementAndGet();
    }

    @Override
    protected EventSpool open(long maxBytes, long deadLetterMaxBytes) {
        return JetStreamEventSpool.connect(JetStreamSpoolConfig.builder(nats.url())
                .stream(stream)
                .subject("contract." + stream.toLowerCase())
                .maxBytes(maxBytes)
                .deadLetterMaxBytes(deadLetterMaxBytes)
                .build());
    }
}
