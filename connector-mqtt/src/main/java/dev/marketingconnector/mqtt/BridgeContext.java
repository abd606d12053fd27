package dev.marketingconnector.mqtt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marketingconnector.core.events.CircuitState;
import io.netty.channel.Channel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** What every channel of one bridge shares: configuration, tokens, mapping, flow control, the connection registry. */
final class BridgeContext {

    static final int MAX_CLIENT_ID_LENGTH = 256;

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

    private volatile boolean accepting;

    BridgeContext(BridgeConfig config, TokenService tokens) {
        this.config = config;
        this.tokens = tokens;
        this.mapper = new SapEventMapper(config.topicSpaces());
        this.flow = new FlowControl(config.maxInFlight());
        this.listeners = new Listeners(config.listeners(), config.deadLetterSink());
        this.maxPacketBytes = (int) Math.min(Integer.MAX_VALUE - 64L, 2L * config.maxPayloadBytes());
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

    void register(MqttConnection connection) {
        connections.add(connection);
    }

    void unregister(MqttConnection connection) {
        connections.remove(connection);
        synchronized (connections) {
            connections.notifyAll();
        }
    }

    static String address(java.net.SocketAddress address) {
        if (address instanceof java.net.InetSocketAddress inet) {
            String host = inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
