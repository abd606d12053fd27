package dev.marketingconnector.examples.bench;

import dev.marketingconnector.core.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * MQTT 3.1.1 clients on WebSockets to a bridge, each with {@code Authorization: Bearer <token>} on
 * the upgrade as SAP sends it, publishing the benchmark event with QoS 1. A closed-loop run keeps a
 * fixed number of PUBLISHes in flight per client (each PUBACK sends the next) and measures every
 * message's publish → PUBACK latency.
 */
interface MqttLoadClients extends AutoCloseable {

    /** How the clients connect. */
    record Connection(URI bridge, Secret token, String clientIdPrefix, int keepAliveSeconds, boolean persistentSession,
            int connectConcurrency, Duration timeout) {
    }

    /** Which client library generates the load. */
    enum Kind {
        /** A lean client on Netty's MQTT and WebSocket codecs, one event-loop thread (the default: the cheapest). */
        NETTY,
        /** The HiveMQ MQTT client 1.3 (a full client: reactive API, its own threads). */
        HIVEMQ;

        static Kind parse(String text) {
            return switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "netty" -> NETTY;
                case "hivemq" -> HIVEMQ;
                default -> throw new IllegalArgumentException("load client must be netty or hivemq, got '" + text + "'");
            };
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Connects {@code count} clients of the given kind, at most {@code connectConcurrency} connecting at once.
     *
     * @throws IllegalStateException when a client cannot connect (the others are disconnected)
     */
    static MqttLoadClients connect(Kind kind, Connection how, int count) throws InterruptedException {
        return kind == Kind.HIVEMQ ? HiveMqLoad.connect(how, count) : NettyMqttLoad.connect(how, count);
    }

    /** Starts publishing the events of {@code ledger}, {@code inFlightPerClient} at a time on every client. */
    default LoadTracker start(EventPayloads payloads, DeliveryLedger ledger, int inFlightPerClient) {
        return start(payloads, ledger, inFlightPerClient, null);
    }

    /** As {@link #start(EventPayloads, DeliveryLedger, int)}, sending no new event once {@code sendFor} passed (null: no limit). */
    LoadTracker start(EventPayloads payloads, DeliveryLedger ledger, int inFlightPerClient, Duration sendFor);

    int size();

    long connected();

    /**
     * Names of this client's threads as the kernel shows them (prefixes), so that a CPU split of this
     * JVM can tell the load generator from the sink.
     */
    List<String> threadGroups();

    /** Disconnects every client (at most a few seconds). */
    @Override
    void close();
}
