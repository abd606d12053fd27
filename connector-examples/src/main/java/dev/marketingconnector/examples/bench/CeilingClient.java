package dev.marketingconnector.examples.bench;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A client that POSTs the bridge's CloudEvents straight to the sink, no MQTT and no bridge: what it
 * reaches is the sink's ceiling as that client sees it. {@code ingest} runs several and takes the
 * fastest that sends the POSTs as HTTP/1.1 lets a client send them as the ceiling: a slower client would
 * make a lower ceiling and a flattering ratio.
 */
interface CeilingClient extends AutoCloseable {

    /** The ceilings {@code ingest} can measure. */
    enum Kind {
        /**
         * Netty HTTP/1.1, the requests in flight pipelined over a few keep-alive connections: the sink's
         * capacity when it reads requests in batches. Not a ceiling for the bridge: RFC 9112 §9.3.2 says a
         * client should not pipeline after a non-idempotent method such as POST, so neither the bridge's
         * publisher nor the Node.js client does it; shown next to the ceiling.
         */
        NETTY_PIPELINED("netty-pipelined", "sink capacity (Netty, pipelined)", true),
        /** Netty HTTP/1.1, one keep-alive connection per request in flight, as a connection pool would do (the fastest here). */
        NETTY_POOL("netty-pool", "ceiling (Netty, pool)", false),
        /** {@code java.net.http}, in its fastest set-up. */
        JDK("jdk", "ceiling (java.net.http)", false);

        private final String option;
        private final String subject;
        private final boolean pipelines;

        Kind(String option, String subject, boolean pipelines) {
            this.option = option;
            this.subject = subject;
            this.pipelines = pipelines;
        }

        /** Whether it pipelines its POSTs, which HTTP/1.1 advises clients against (so it is no ceiling for the bridge). */
        boolean pipelines() {
            return pipelines;
        }

        String option() {
            return option;
        }

        /** How the tables name it. */
        String subject() {
            return subject;
        }

        static Kind parse(String text) {
            String wanted = text.strip().toLowerCase(Locale.ROOT);
            for (Kind kind : values()) {
                if (kind.option.equals(wanted)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("--ceilings takes netty-pipelined, netty-pool and jdk, got '" + text + "'");
        }

        CeilingClient open(URI endpoint, int concurrency, int pipelinedConnections, EventPayloads payloads) {
            return switch (this) {
                case NETTY_PIPELINED -> new NettyCeilingLoad(endpoint, pipelinedConnections, concurrency, payloads);
                case NETTY_POOL -> new NettyCeilingLoad(endpoint, concurrency, concurrency, payloads);
                case JDK -> new JdkCeilingLoad(endpoint, concurrency, payloads);
            };
        }
    }

    /** The client and its set-up, in words. */
    String describe();

    /** Sends every event of the ledger; returns once all were answered or the timeout passed. */
    LoadRun run(DeliveryLedger ledger, Duration timeout) throws InterruptedException;

    /** Its threads' names as the kernel shows them (prefixes). */
    List<String> threadGroups();

    @Override
    void close();
}
