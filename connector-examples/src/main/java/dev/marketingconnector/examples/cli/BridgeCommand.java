package dev.marketingconnector.examples.cli;

import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.spool.EventSpool;
import dev.marketingconnector.core.spool.RecentDeadLetters;
import dev.marketingconnector.core.spool.SpoolForwarder;
import dev.marketingconnector.core.spool.SpoolingEventPublisher;
import dev.marketingconnector.examples.ops.Operations;
import dev.marketingconnector.examples.ops.StatusEndpoint;
import dev.marketingconnector.mqtt.DeadLetterSink;
import dev.marketingconnector.mqtt.MqttBridge;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The long-running event endpoint: token endpoint, health, MQTT over WebSocket, forwarding to Kyma. */
@Command(name = "bridge", mixinStandardHelpOptions = true,
        description = "Run the event endpoint (POST /oauth/token, /healthz, /readyz, /asyncapi.json, /metrics, /status, "
                + "MQTT over WebSocket on / and /mqtt) and forward events to Kyma until stopped.")
final class BridgeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(BridgeCommand.class);
    static final Duration SHUTDOWN_DEADLINE = Duration.ofSeconds(20);

    @Mixin
    SettingsOptions settings;

    private final MarketingConnectorCli cli;

    BridgeCommand(MarketingConnectorCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws InterruptedException {
        Optional<ConnectorSetup> resolved = ConnectorSetup.resolve(settings, cli);
        if (resolved.isEmpty()) {
            return MarketingConnectorCli.EXIT_BAD_CONFIGURATION;
        }
        ConnectorSetup setup = resolved.get();
        RunningBridge running = RunningBridge.start(cli, setup);
        running.awaitShutdown();
        return MarketingConnectorCli.EXIT_OK;
    }

    /**
     * A started bridge with its publisher, metrics and status, stopped gracefully on SIGTERM / Ctrl-C.
     * With a spool, the bridge's publisher stores events in it and a {@link SpoolForwarder} sends
     * them to Kyma through the real publisher.
     */
    static final class RunningBridge {

        final MqttBridge bridge;
        private final EventPublisher publisher;
        private final EventLoopGroup eventLoops;
        private final Operations operations;
        private final Optional<SpoolParts> spool;
        private final CountDownLatch stopped = new CountDownLatch(1);

        /** The spool, what the bridge publishes into, and what reads it back. */
        private record SpoolParts(EventSpool spool, SpoolingEventPublisher spooling, SpoolForwarder forwarder) {

            void close() {
                forwarder.close(Duration.ofSeconds(5));
                spooling.close();
                spool.close();
            }
        }

        private RunningBridge(MqttBridge bridge, EventPublisher publisher, EventLoopGroup eventLoops, Operations operations,
                Optional<SpoolParts> spool) {
            this.bridge = bridge;
            this.publisher = publisher;
            this.eventLoops = eventLoops;
            this.operations = operations;
            this.spool = spool;
        }

        /**
         * One set of event loops, one per CPU the JVM sees (the pod's CPU limit), for the MQTT
         * connections and the publisher's connections to Kyma alike: an event goes from PUBLISH to
         * Kyma and back to PUBACK on one thread. Netty's native epoll transport where it loads
         * (Linux x86-64, unless {@code -Dio.netty.transport.noNative=true}), NIO elsewhere.
         */
        static EventLoopGroup eventLoops() {
            int threads = Runtime.getRuntime().availableProcessors();
            DefaultThreadFactory factory = new DefaultThreadFactory("connector-io");
            return Epoll.isAvailable() ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
        }

        static RunningBridge start(MarketingConnectorCli cli, ConnectorSetup setup) {
            Operations operations = setup.operations();
            EventLoopGroup eventLoops = eventLoops();
            EventPublisher publisher;
            try {
                publisher = operations.track(setup.publisher(eventLoops));
            } catch (RuntimeException e) {
                eventLoops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                operations.close();
                throw e;
            }
            Optional<SpoolParts> spool;
            DeadLetterSink deadLetters;
            try {
                Optional<EventSpool> opened = setup.spool.open();
                spool = opened.map(s -> new SpoolParts(s, new SpoolingEventPublisher(s, publisher.maxEventBytes()),
                        SpoolForwarder.builder(s, publisher).build().start()));
                if (spool.isPresent()) {
                    operations.spool(setup.spool.mode.value, spool.get().spooling(), spool.get().forwarder());
                    deadLetters = operations.deadLetters(spool.get().spool().deadLetters(), spool.get().spool().describe());
                } else {
                    deadLetters = operations.deadLetters(new RecentDeadLetters(setup.spool.deadLettersKept, RecentDeadLetters.DEFAULT_MAX_BYTES),
                            "memory (the last " + setup.spool.deadLettersKept + ", DEAD_LETTERS_KEPT)");
                }
            } catch (RuntimeException e) {
                publisher.close();
                eventLoops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                operations.close();
                throw e;
            }
            EventPublisher bridgePublisher = spool.<EventPublisher>map(SpoolParts::spooling).orElse(publisher);
            MqttBridge bridge = null;
            try {
                bridge = new MqttBridge(operations.configure(setup.bridge(bridgePublisher, eventLoops)).deadLetterSink(deadLetters).build())
                        .start();
                operations.started(bridge);
            } catch (RuntimeException e) {
                if (bridge != null) {
                    bridge.close();
                }
                spool.ifPresent(SpoolParts::close);
                publisher.close();
                eventLoops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                operations.close();
                throw e;
            }
            RunningBridge running = new RunningBridge(bridge, publisher, eventLoops, operations, spool);
            Runtime.getRuntime().addShutdownHook(new Thread(running::stop, "bridge-shutdown"));
            cli.out().printf("Event endpoint listening on port %d%s; forwarding %s events to %s%n", bridge.httpPort(),
                    bridge.tcpPort().isPresent() ? " (MQTT over TCP on " + bridge.tcpPort().getAsInt() + ")" : "",
                    setup.eventsFormat.value, setup.eventsUrl);
            cli.out().printf("Spool: %s%n", spool.map(p -> setup.spool.mode.value + ", " + p.spool().describe()
                    + " (SAP is acknowledged once an event is stored)").orElse("none (SAP is acknowledged once Kyma accepted an event)"));
            cli.out().printf("SAP side: host %s, port 443, token endpoint %s, client id %s%n",
                    setup.configuration.mqttHost(), setup.configuration.tokenEndpoint(), setup.configuration.oauthClientId());
            cli.out().printf("Metrics on port %d at /metrics; status %s%n", bridge.httpPort(),
                    switch (operations.statusEndpoint().mode()) {
                        case ON_HTTP_PORT -> "on port " + bridge.httpPort() + " at /status";
                        case SEPARATE_PORT -> "on port " + operations.statusPort().orElseThrow() + " at /status ("
                                + StatusEndpoint.SETTING + ")";
                        case OFF -> "off (" + StatusEndpoint.SETTING + "=off)";
                    });
            return running;
        }

        void stop() {
            if (stopped.getCount() == 0) {
                return;
            }
            LOG.info("Stopping: finishing the messages in flight (at most {})", SHUTDOWN_DEADLINE);
            try {
                bridge.shutdown(SHUTDOWN_DEADLINE);
            } finally {
                try {
                    spool.ifPresent(SpoolParts::close);
                } finally {
                    publisher.close();
                    eventLoops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
                    operations.close();
                    stopped.countDown();
                }
            }
        }

        void awaitShutdown() throws InterruptedException {
            stopped.await();
        }
    }
}
