package dev.marketingconnector.mqtt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marketingconnector.core.events.CircuitState;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every channel of one bridge shares: configuration, tokens, mapping, flow control, the connection registry. */
final class BridgeContext {

    static final int MAX_CLIENT_ID_LENGTH = 256;
    /** When the socket was accepted (System.nanoTime()), for the connect deadline. */
    static final AttributeKey<Long> ACCEPTED_AT = AttributeKey.valueOf(BridgeContext.class, "acceptedAt");
    private static final Logger LOG = LoggerFactory.getLogger(MqttBridge.class);

    final BridgeConfig config;
    final TokenService tokens;
    final SapEventMapper mapper;
    final FlowControl flow;
    final Listeners listeners;
    /** The largest MQTT packet (and WebSocket frame) read at all; between this and maxPayloadBytes messages are dead-lettered. */
    final int maxPacketBytes;
    /** The largest payload forwarded: the configured limit, or the publisher's when that is smaller. */
    final int maxPayloadBytes;
    /** The publisher's own limit is the one that binds. */
    final boolean payloadLimitIsPublishers;
    /** The publisher retries by itself, so the bridge does not. */
    final boolean publisherRetries;
    final byte[] asyncApiJson;
    /** Every accepted socket, for closing at shutdown. */
    final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    /** Every MQTT connection, connected or not yet. */
    final Set<MqttConnection> connections = ConcurrentHashMap.newKeySet();
    /** Connected clients by client id. */
    final ConcurrentHashMap<String, MqttConnection> clients = new ConcurrentHashMap<>();
    final ConnectionLimits limits;
    final TokenThrottle tokenThrottle;
    /** Refused token requests, one line per address and interval. */
    final FailureLog tokenFailures;
    /** Connections closed by a limit or a deadline before they were in, one line per address and interval. */
    final FailureLog refusedConnections;

    private volatile boolean accepting;

    BridgeContext(BridgeConfig config, TokenService tokens) {
        this.config = config;
        this.tokens = tokens;
        this.mapper = new SapEventMapper(config.topicSpaces());
        this.flow = new FlowControl(config.maxInFlight());
        this.listeners = new Listeners(config.listeners(), config.deadLetterSink());
        this.maxPacketBytes = (int) Math.min(Integer.MAX_VALUE - 64L, 2L * config.maxPayloadBytes());
        this.limits = new ConnectionLimits(config.maxConnections(), config.maxConnectionsPerAddress());
        this.tokenThrottle = new TokenThrottle(config.tokenMaxFailures(), config.tokenFailureWindow(), config.clock());
        this.tokenFailures = new FailureLog(LoggerFactory.getLogger(HttpRouter.class), false, "refused token requests",
                config.failureLogInterval(), config.clock());
        this.refusedConnections = new FailureLog(LOG, true, "connections closed by a limit",
                config.failureLogInterval(), config.clock());
        int publisherLimit = config.publisher().maxEventBytes();
        this.payloadLimitIsPublishers = publisherLimit > 0 && publisherLimit < config.maxPayloadBytes();
        this.maxPayloadBytes = payloadLimitIsPublishers ? publisherLimit : config.maxPayloadBytes();
        this.publisherRetries = config.publisher().retriesTransientFailures();
        try {
            this.asyncApiJson = config.asyncApiNode() == null ? null : new ObjectMapper().writeValueAsBytes(config.asyncApiNode());
        } catch (JsonProcessingException e) {
            throw new BridgeException("Cannot serialize the AsyncAPI document", e);
        }
    }

    boolean accepting() {
        return accepting;
    }

    void accepting(boolean value) {
        accepting = value;
    }

    /** Ready: listening, not shutting down, and the publisher's circuit not open. */
    String notReadyReason() {
        if (!accepting) {
            return "the bridge is not accepting connections";
        }
        try {
            if (config.publisher().circuitState() == CircuitState.OPEN) {
                return "the event publisher's circuit is open";
            }
        } catch (RuntimeException e) {
            return "the event publisher's state is unknown";
        }
        return null;
    }

    /** Once a second: aggregated failure lines that are due, expired throttle windows. */
    void housekeeping() {
        tokenFailures.flush();
        refusedConnections.flush();
        tokenThrottle.expire();
    }

    /**
     * Admits a freshly accepted socket under the connection limits, or closes it at once.
     *
     * @return whether it was admitted
     */
    boolean admit(Channel channel) {
        channel.attr(ACCEPTED_AT).set(System.nanoTime());
        String limit = limits.admit(channel.remoteAddress());
        if (limit != null) {
            String remote = address(channel.remoteAddress());
            refusedConnections.count(host(channel.remoteAddress()), "over " + limit);
            listeners.connectRefused(remote, BridgeListener.ConnectRefusal.CONNECTION_LIMIT);
            channel.close();
            return false;
        }
        channels.add(channel);
        channel.closeFuture().addListener(f -> {
            channels.remove(channel);
            limits.release(channel.remoteAddress());
        });
        return true;
    }

    void register(MqttConnection connection) {
        connections.add(connection);
    }

    void unregister(MqttConnection connection) {
        connections.remove(connection);
        synchronized (connections) {
            connections.notifyAll();
        }
    }

    /** The peer's host without the port, for per-address counts and lines. */
    static String host(java.net.SocketAddress address) {
        if (address instanceof java.net.InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(address);
    }

    static String address(java.net.SocketAddress address) {
        if (address instanceof java.net.InetSocketAddress inet) {
            String host = inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
