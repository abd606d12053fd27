package dev.marketingconnector.mqtt;

import dev.marketingconnector.core.internal.LogSafe;
import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.PublishException;
import dev.marketingconnector.core.events.PublishReceipt;
import dev.marketingconnector.mqtt.BridgeListener.CloseReason;
import dev.marketingconnector.mqtt.BridgeListener.ConnectRefusal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubAckMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.collection.IntObjectHashMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MQTT 3.1.1 connection (over WebSocket or TCP). Everything here runs on the channel's event
 * loop, so the state needs no locks; only the snapshot fields are volatile.
 *
 * <p>A PUBLISH is mapped at once (its buffer released), then waits for a forwarding slot: at most
 * {@code maxInFlightPerConnection} per connection and {@code maxInFlight} bridge-wide. While no
 * slot is free the socket is not read. Acknowledgements go out in the order the PUBLISHes came,
 * each only after the event service accepted the event (or it was dead-lettered).
 */
final class MqttConnection extends ChannelInboundHandlerAdapter implements FlowControl.Waiter {

    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);
    private static final MqttMessage PINGRESP =
            new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0));
    private static final int MQTT_3_1_1 = 4;
    private static final int SUBACK_FAILURE = 0x80;
    private static final int MAX_SCRATCH_BYTES = 64 * 1024;
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[4096];
        }
    };

    private enum Phase { AWAITING_CONNECT, CONNECTED, CLOSED }

    /** One received PUBLISH on its way to the event service. */
    private static final class Pending {
        final int packetId;
        final MqttQoS qos;
        final String topic;
        final int payloadBytes;
        final long receivedNanos;
        /** Topic and payload hashed, to tell a resend from a new message that reuses the packet id. */
        int fingerprint;
        BusinessEvent event;
        int attempt;
        boolean attemptRunning;
        boolean holdsSlot;
        boolean done;
        ScheduledFuture<?> timer;

        Pending(int packetId, MqttQoS qos, String topic, int payloadBytes, long receivedNanos) {
            this.packetId = packetId;
            this.qos = qos;
            this.topic = topic;
            this.payloadBytes = payloadBytes;
            this.receivedNanos = receivedNanos;
        }
    }

    private final BridgeContext bridge;
    private final BridgeConfig config;
    private final String transport;
    private final boolean authenticatedAtUpgrade;

    private ChannelHandlerContext ctx;
    private Channel channel;
    private EventLoop loop;
    private String remote = "unknown";
    private volatile Phase phase = Phase.AWAITING_CONNECT;
    private ScheduledFuture<?> connectTimer;

    private final ArrayDeque<Pending> ackOrder = new ArrayDeque<>();
    private final IntObjectHashMap<Pending> unacknowledged = new IntObjectHashMap<>();
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    /** A QoS 2 packet id answered with PUBREC, awaiting PUBREL until {@code deadline} (System.nanoTime()). */
    private record AwaitingRelease(int packetId, long deadline) {
    }

    /** QoS 2 packet ids awaiting PUBREL, at most maxQos2AwaitingRelease, each for at most qos2ReleaseTimeout. */
    private final IntObjectHashMap<AwaitingRelease> awaitingRelease = new IntObjectHashMap<>();
    /** The same entries oldest first (plus released ones, skipped and compacted away). */
    private final ArrayDeque<AwaitingRelease> releaseOrder = new ArrayDeque<>();
    private ScheduledFuture<?> releaseTimer;
    private boolean warnedReleaseLimit;
    private int forwarding;
    private boolean parked;
    private boolean readingPaused;
    private boolean draining;
    /** True while the publisher's publish call runs, so that an answer given right away is handled after it. */
    private boolean inAttempt;
    private CloseReason closeReason;
    private long idleMillis;

    private volatile String clientId;
    /** The client id a CONNECT asked for, for the log line if it is refused. */
    private String requestedClientId;
    private volatile Instant connectedSince;
    private volatile Instant lastEventAt;
    private volatile long events;
    private volatile long failures;

    MqttConnection(BridgeContext bridge, String transport, boolean authenticatedAtUpgrade) {
        this.bridge = bridge;
        this.config = bridge.config;
        this.transport = transport;
        this.authenticatedAtUpgrade = authenticatedAtUpgrade;
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.channel = ctx.channel();
        this.loop = channel.eventLoop();
        this.remote = BridgeContext.address(channel.remoteAddress());
        bridge.register(this);
        // The deadline runs from the accept, so the WebSocket upgrade (and TLS) count towards it.
        Long acceptedAt = channel.attr(BridgeContext.ACCEPTED_AT).get();
        long left = config.connectTimeout().toNanos() - (acceptedAt == null ? 0 : System.nanoTime() - acceptedAt);
        connectTimer = loop.schedule(this::connectTimedOut, Math.max(0, left), TimeUnit.NANOSECONDS);
        if (!bridge.accepting()) {
            drain();
        }
    }

    private void connectTimedOut() {
        if (phase == Phase.AWAITING_CONNECT) {
            String detail = "no CONNECT within " + config.connectTimeout().toMillis() + " ms of the accept";
            bridge.refusedConnections.count(BridgeContext.host(channel.remoteAddress()), detail);
            closeReason = CloseReason.TIMEOUT;
            LOG.debug("Closing the connection from {}: {}", remote, detail);
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (closeReason == null) {
            closeReason = CloseReason.CONNECTION_LOST;
            LOG.debug("Connection of client '{}' from {} was lost", name(), remote);
        }
        Phase was = phase;
        phase = Phase.CLOSED;
        if (connectTimer != null) {
            connectTimer.cancel(false);
        }
        if (releaseTimer != null) {
            releaseTimer.cancel(false);
        }
        waiting.clear();
        bridge.unregister(this);
        if (was == Phase.CONNECTED) {
            bridge.clients.remove(clientId, this);
            bridge.listeners.connectionClosed(clientId, remote, closeReason);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateReading();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            // A connection we stopped reading is not idle on its own account.
            if (!readingPaused) {
                close(CloseReason.TIMEOUT, "no packet within " + idleMillis + " ms (keep-alive × " + config.keepAliveFactor() + ")");
            }
        } else if (event instanceof ProtocolLevelGuard.UnsupportedLevel level) {
            if (phase == Phase.AWAITING_CONNECT) {
                refuse(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION, ConnectRefusal.UNSUPPORTED_PROTOCOL_VERSION,
                        "protocol level " + level.level() + " (only 4, MQTT 3.1.1, is served)");
            }
        } else if (event == WebSocketMqttAdapter.CLIENT_CLOSED) {
            if (closeReason == null) {
                closeReason = CloseReason.CLIENT_DISCONNECTED;
                LOG.debug("Client '{}' from {} closed the WebSocket", name(), remote);
            }
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof IOException && !(root instanceof SSLException)) {
            close(CloseReason.CONNECTION_LOST, root.getMessage());
        } else if (root instanceof ProtocolViolationException || root instanceof DecoderException || root instanceof SSLException) {
            close(CloseReason.PROTOCOL_VIOLATION, describe(root));
        } else {
            LogContext.with(clientId, null, () -> LOG.warn("Unexpected error on the connection of client '{}' from {}: {}", name(), remote,
                    LogSafe.of(cause), LogSafe.throwable(cause)));
            close(CloseReason.PROTOCOL_VIOLATION, describe(root));
        }
    }

    /** Stops reading, forgets what was not yet forwarded, and closes once what is being forwarded is done. */
    void drain() {
        if (!loop.inEventLoop()) {
            execute(this::drain);
            return;
        }
        if (phase == Phase.CLOSED) {
            return;
        }
        draining = true;
        waiting.clear();
        setReading(false);
        closeIfDrained();
    }

    /** Closes at once (shutdown deadline passed). */
    void forceClose() {
        execute(() -> close(CloseReason.SHUTDOWN, "the bridge is shutting down"));
    }

    private void takenOver() {
        execute(() -> close(CloseReason.TAKEN_OVER, "a new connection uses the same client id"));
    }

    private void closeIfDrained() {
        if (draining && forwarding == 0 && phase != Phase.CLOSED) {
            close(CloseReason.SHUTDOWN, "the bridge is shutting down");
        }
    }

    private void close(CloseReason reason, String detail) {
        if (closeReason == null) {
            closeReason = reason;
            LogContext.with(clientId, null, () -> {
                switch (reason) {
                    case PROTOCOL_VIOLATION, FORWARDING_FAILED ->
                            LOG.warn("Closing the connection of client '{}' from {}: {}", name(), remote, LogSafe.of(detail));
                    case TIMEOUT, TAKEN_OVER -> LOG.info("Closing the connection of client '{}' from {}: {}", name(), remote,
                            LogSafe.of(detail));
                    default -> LOG.debug("Closing the connection of client '{}' from {}: {}", name(), remote, LogSafe.of(detail));
                }
            });
        }
        ctx.close();
    }

    private void execute(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("Event loop already shut down; dropped a task for client '{}'", name());
        }
    }

    /** The client id as it may be logged. */
    private String name() {
        String id = clientId;
        return id == null ? "(not connected)" : LogSafe.of(id);
    }

    ConnectedClient snapshot() {
        return new ConnectedClient(clientId, remote, transport, connectedSince, Optional.ofNullable(lastEventAt), events, failures);
    }

    boolean isConnected() {
        return clientId != null && phase == Phase.CONNECTED;
    }

    // ---------------------------------------------------------------- inbound packets

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (phase == Phase.CLOSED || !(msg instanceof MqttMessage message)) {
                return;
            }
            if (message.decoderResult().isFailure()) {
                decodingFailed(message.decoderResult().cause());
                return;
            }
            MqttMessageType type = message.fixedHeader().messageType();
            if (phase == Phase.AWAITING_CONNECT && type != MqttMessageType.CONNECT) {
                close(CloseReason.PROTOCOL_VIOLATION, "a " + type + " packet before CONNECT");
                return;
            }
            switch (type) {
                case CONNECT -> {
                    if (phase == Phase.CONNECTED) {
                        close(CloseReason.PROTOCOL_VIOLATION, "a second CONNECT");
                    } else {
                        connect((MqttConnectMessage) message);
                    }
                }
                case PUBLISH -> publish((MqttPublishMessage) message);
                case PUBREL -> release(((MqttMessageIdVariableHeader) message.variableHeader()).messageId());
                case PINGREQ -> ctx.writeAndFlush(PINGRESP);
                case SUBSCRIBE -> subscribe((MqttSubscribeMessage) message);
                case UNSUBSCRIBE -> unsubscribe((MqttUnsubscribeMessage) message);
                case DISCONNECT -> close(CloseReason.CLIENT_DISCONNECTED, "the client sent DISCONNECT");
                // The bridge never sends PUBLISH to clients, so acknowledgements from them are stray but harmless.
                case PUBACK, PUBREC, PUBCOMP -> LOG.debug("Ignoring a stray {} from client '{}'", type, name());
                default -> close(CloseReason.PROTOCOL_VIOLATION, "a " + type + " packet, which only a server sends");
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void decodingFailed(Throwable cause) {
        if (phase == Phase.AWAITING_CONNECT && cause instanceof MqttUnacceptableProtocolVersionException) {
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION,
                    ConnectRefusal.UNSUPPORTED_PROTOCOL_VERSION, describe(cause));
        } else if (phase == Phase.AWAITING_CONNECT && cause instanceof MqttIdentifierRejectedException) {
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
                    ConnectRefusal.IDENTIFIER_REJECTED, describe(cause));
        } else if (cause instanceof TooLongFrameException) {
            close(CloseReason.PROTOCOL_VIOLATION, "a packet larger than " + bridge.maxPacketBytes + " bytes");
        } else {
            close(CloseReason.PROTOCOL_VIOLATION, "an undecodable packet: " + describe(cause));
        }
    }

    private void connect(MqttConnectMessage connect) {
        MqttConnectVariableHeader header = connect.variableHeader();
        if (!bridge.accepting()) {
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE, ConnectRefusal.SHUTTING_DOWN,
                    "the bridge is shutting down");
            return;
        }
        if (header.version() != MQTT_3_1_1) {
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION,
                    ConnectRefusal.UNSUPPORTED_PROTOCOL_VERSION, "protocol level " + header.version() + " (only 4, MQTT 3.1.1, is served)");
            return;
        }
        String id = connect.payload().clientIdentifier();
        if (id == null) {
            id = "";
        }
        if (id.isEmpty() && !header.isCleanSession()) {
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, ConnectRefusal.IDENTIFIER_REJECTED,
                    "an empty client id with a persistent session");
            return;
        }
        if (id.length() > BridgeContext.MAX_CLIENT_ID_LENGTH) {
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, ConnectRefusal.IDENTIFIER_REJECTED,
                    "a client id of " + id.length() + " characters (at most " + BridgeContext.MAX_CLIENT_ID_LENGTH + ")");
            return;
        }
        requestedClientId = id.isEmpty() ? null : id;
        if (!authenticatedAtUpgrade) {
            byte[] password = header.hasPassword() ? connect.payload().passwordInBytes() : null;
            if (password == null || password.length == 0) {
                refuse(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, ConnectRefusal.NO_TOKEN,
                        "no bearer token (expected as the CONNECT password)");
                return;
            }
            TokenService.Verdict verdict = bridge.tokens.verify(new String(password, StandardCharsets.UTF_8));
            if (verdict != TokenService.Verdict.VALID) {
                boolean expired = verdict == TokenService.Verdict.EXPIRED;
                refuse(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
                        expired ? ConnectRefusal.EXPIRED_TOKEN : ConnectRefusal.BAD_TOKEN,
                        expired ? "an expired token as the CONNECT password" : "an invalid token as the CONNECT password");
                return;
            }
        }
        if (id.isEmpty()) {
            id = "auto-" + channel.id().asShortText();
        }
        connectTimer.cancel(false);
        phase = Phase.CONNECTED;
        connectedSince = config.clock().instant();
        clientId = id;
        int keepAlive = header.keepAliveTimeSeconds();
        // MQTT 3.1.1 has no way to tell a client another keep-alive: one asking for more than maxKeepAlive is held to it.
        long honoured = Math.min(keepAlive, config.maxKeepAlive().toSeconds());
        long longest = (long) Math.ceil(config.maxKeepAlive().toSeconds() * 1000.0 * config.keepAliveFactor());
        idleMillis = keepAlive > 0 ? (long) Math.ceil(honoured * 1000.0 * config.keepAliveFactor())
                : Math.min(config.maxIdle().toMillis(), longest);
        ctx.pipeline().addBefore(ctx.name(), "keep-alive", new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
        MqttConnection previous = bridge.clients.put(id, this);
        if (previous != null && previous != this) {
            previous.takenOver();
        }
        // No per-client state outlives a connection, so a persistent session is always "present":
        // the client then resends whatever was not acknowledged, which is what at-least-once needs.
        boolean sessionPresent = !header.isCleanSession();
        String accepted = id;
        LogContext.with(accepted, null, () -> LOG.debug("Client '{}' connected from {} over {} (keep-alive {} s{})", name(), remote,
                transport, keepAlive, honoured == keepAlive ? "" : ", honoured as " + honoured + " s"));
        // Before the CONNACK: a client that sees it connected finds itself counted.
        bridge.listeners.connectionOpened(accepted, remote);
        ctx.writeAndFlush(new MqttConnAckMessage(
                new MqttFixedHeader(MqttMessageType.CONNACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttConnAckVariableHeader(MqttConnectReturnCode.CONNECTION_ACCEPTED, sessionPresent)));
    }

    private void refuse(MqttConnectReturnCode code, ConnectRefusal reason, String detail) {
        closeReason = CloseReason.PROTOCOL_VIOLATION;
        phase = Phase.CLOSED;
        LogContext.with(requestedClientId, null, () -> {
            LOG.info("Refused the MQTT connection from {} ({}): {}", remote, reason.name().toLowerCase(Locale.ROOT), LogSafe.of(detail));
            bridge.listeners.connectRefused(remote, reason);
        });
        ctx.writeAndFlush(new MqttConnAckMessage(
                        new MqttFixedHeader(MqttMessageType.CONNACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                        new MqttConnAckVariableHeader(code, false)))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void subscribe(MqttSubscribeMessage subscribe) {
        List<MqttTopicSubscription> subscriptions = subscribe.payload().topicSubscriptions();
        int[] granted = new int[subscriptions.size()];
        for (int i = 0; i < granted.length; i++) {
            MqttTopicSubscription s = subscriptions.get(i);
            granted[i] = s.topicFilter() == null || s.topicFilter().isEmpty() ? SUBACK_FAILURE : s.qualityOfService().value();
        }
        ctx.writeAndFlush(new MqttSubAckMessage(
                new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(subscribe.variableHeader().messageId()),
                new MqttSubAckPayload(granted)));
    }

    private void unsubscribe(MqttUnsubscribeMessage unsubscribe) {
        ctx.writeAndFlush(new MqttUnsubAckMessage(
                new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(unsubscribe.variableHeader().messageId())));
    }

    /** PUBREL: the QoS 2 flow is complete (an unknown id is answered too: the client may be finishing an older flow). */
    private void release(int packetId) {
        awaitingRelease.remove(packetId);
        if (releaseOrder.size() > 2 * awaitingRelease.size() + 16) {
            releaseOrder.removeIf(entry -> awaitingRelease.get(entry.packetId()) != entry);
        }
        ctx.writeAndFlush(reply(MqttMessageType.PUBCOMP, packetId));
    }

    /**
     * Remembers a QoS 2 packet id answered with PUBREC, so that a resent PUBLISH is answered again
     * and not forwarded twice. The memory is bounded: an id whose PUBREL does not come within
     * qos2ReleaseTimeout is forgotten, and beyond maxQos2AwaitingRelease the oldest is. Forgetting
     * loses nothing: the message was forwarded before the PUBREC, a late PUBREL still gets its
     * PUBCOMP, and only a resend (which MQTT forbids after PUBREC) would be forwarded again.
     */
    private void awaitRelease(int packetId) {
        AwaitingRelease entry = new AwaitingRelease(packetId, System.nanoTime() + config.qos2ReleaseTimeout().toNanos());
        awaitingRelease.put(packetId, entry);
        releaseOrder.addLast(entry);
        if (awaitingRelease.size() > config.maxQos2AwaitingRelease()) {
            forgetOldestAwaitingRelease();
            if (!warnedReleaseLimit) {
                warnedReleaseLimit = true;
                LogContext.with(clientId, null, () -> LOG.info("Client '{}' from {} has more than {} QoS 2 messages without PUBREL;"
                        + " forgetting the oldest packet ids", name(), remote, config.maxQos2AwaitingRelease()));
            }
        }
        if (releaseTimer == null) {
            releaseTimer = loop.schedule(this::forgetExpiredReleases, config.qos2ReleaseTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void forgetOldestAwaitingRelease() {
        AwaitingRelease oldest;
        while ((oldest = releaseOrder.pollFirst()) != null) {
            if (awaitingRelease.get(oldest.packetId()) == oldest) {
                awaitingRelease.remove(oldest.packetId());
                return;
            }
        }
    }

    private void forgetExpiredReleases() {
        releaseTimer = null;
        if (phase == Phase.CLOSED) {
            return;
        }
        long now = System.nanoTime();
        int forgotten = 0;
        AwaitingRelease head;
        while ((head = releaseOrder.peekFirst()) != null) {
            if (awaitingRelease.get(head.packetId()) != head) {
                releaseOrder.pollFirst(); // released, or replaced by a newer flow with the same id
            } else if (head.deadline() - now <= 0) {
                releaseOrder.pollFirst();
                awaitingRelease.remove(head.packetId());
                forgotten++;
            } else {
                break;
            }
        }
        if (forgotten > 0) {
            int count = forgotten;
            LogContext.with(clientId, null, () -> LOG.info("Client '{}' from {} sent no PUBREL within {} ms for {} QoS 2 message(s);"
                    + " forgot their packet ids", name(), remote, config.qos2ReleaseTimeout().toMillis(), count));
        }
        if (head != null) {
            releaseTimer = loop.schedule(this::forgetExpiredReleases, Math.max(0, head.deadline() - now), TimeUnit.NANOSECONDS);
        }
    }

    // ---------------------------------------------------------------- PUBLISH

    private void publish(MqttPublishMessage message) {
        if (draining) {
            return; // not acknowledged: the client sends it again, to this bridge's successor
        }
        MqttQoS qos = message.fixedHeader().qosLevel();
        String topic = message.variableHeader().topicName();
        int packetId = message.variableHeader().packetId();
        if (topic == null || topic.isEmpty()) {
            close(CloseReason.PROTOCOL_VIOLATION, "a PUBLISH without a topic");
            return;
        }
        ByteBuf content = message.payload();
        int fingerprint = 0;
        if (qos != MqttQoS.AT_MOST_ONCE) {
            fingerprint = 31 * topic.hashCode() + ByteBufUtil.hashCode(content);
            Pending inFlight = unacknowledged.get(packetId);
            if (inFlight != null) {
                if (inFlight.fingerprint == fingerprint && inFlight.payloadBytes == content.readableBytes()
                        && inFlight.topic.equals(topic)) {
                    // A resend of the message in flight: it is forwarded once and its one acknowledgement answers both.
                    LOG.debug("Client '{}' sent packet {} again while it is in flight; forwarding it once", name(), packetId);
                    return;
                }
                // MQTT 3.1.1 §2.3.1: a new PUBLISH needs a packet id not in use. Acknowledging either message now would
                // acknowledge the other in the client's eyes, so neither is: the client sends both again after reconnecting.
                close(CloseReason.PROTOCOL_VIOLATION, "packet id " + packetId + " reused for another message while the first"
                        + " is unacknowledged (MQTT 3.1.1 §2.3.1); closing without acknowledging either, so both are sent again");
                return;
            }
            if (qos == MqttQoS.EXACTLY_ONCE && awaitingRelease.containsKey(packetId)) {
                ctx.writeAndFlush(reply(MqttMessageType.PUBREC, packetId));
                return;
            }
        }
        Instant now = config.clock().instant();
        lastEventAt = now;
        events++;
        bridge.listeners.eventReceived(clientId, topic);
        int size = content.readableBytes();
        Pending pending = new Pending(packetId, qos, topic, size, System.nanoTime());
        pending.fingerprint = fingerprint;
        if (qos != MqttQoS.AT_MOST_ONCE) {
            ackOrder.addLast(pending);
            unacknowledged.put(packetId, pending);
        }
        if (size > bridge.maxPayloadBytes) {
            deadLetter(pending, DeadLetter.Reason.PAYLOAD_TOO_LARGE, "the payload has " + size + " bytes; at most "
                    + bridge.maxPayloadBytes + " are accepted" + (bridge.payloadLimitIsPublishers
                    ? " (the most the event publisher can deliver)" : ""), ByteBufUtil.getBytes(content));
            return;
        }
        byte[] bytes;
        int offset;
        if (content.hasArray()) {
            bytes = content.array();
            offset = content.arrayOffset() + content.readerIndex();
        } else {
            bytes = scratch(size);
            content.getBytes(content.readerIndex(), bytes, 0, size);
            offset = 0;
        }
        try {
            pending.event = bridge.mapper.map(topic, bytes, offset, size, now);
        } catch (EventMappingException e) {
            deadLetter(pending, e.reason(), e.getMessage(), Arrays.copyOfRange(bytes, offset, offset + size));
            return;
        } catch (RuntimeException e) {
            // The dead letter below is the one WARN line for this message; the stack trace is for debugging.
            LOG.debug("Mapping a payload on topic '{}' failed unexpectedly: {}", LogSafe.of(topic), LogSafe.of(e));
            deadLetter(pending, DeadLetter.Reason.INVALID_EVENT, "the payload could not be mapped (" + e.getClass().getName() + ")",
                    Arrays.copyOfRange(bytes, offset, offset + size));
            return;
        }
        waiting.addLast(pending);
        pump();
    }

    /** Starts waiting messages while there are slots, then decides whether to keep reading. */
    private void pump() {
        // Not once shutdown began, even before this connection's drain task has run: what waits stays unacknowledged.
        while (!waiting.isEmpty() && forwarding < config.maxInFlightPerConnection() && phase != Phase.CLOSED && !draining
                && bridge.accepting()) {
            if (!bridge.flow.tryAcquire()) {
                park();
                break;
            }
            Pending next = waiting.pollFirst();
            next.holdsSlot = true;
            forwarding++;
            attempt(next);
        }
        updateReading();
    }

    private void updateReading() {
        if (phase == Phase.CLOSED) {
            return;
        }
        int window = config.maxInFlightPerConnection();
        // Acknowledgements go out in order, so a slow head message also bounds how many may wait behind it.
        boolean ownRoom = waiting.isEmpty() && forwarding < window && ackOrder.size() < window;
        boolean globalRoom = bridge.flow.hasRoom();
        if (ownRoom && !globalRoom) {
            park();
        }
        setReading(!draining && ownRoom && globalRoom && channel.isWritable());
    }

    private void setReading(boolean on) {
        if (readingPaused == on) {
            readingPaused = !on;
            channel.config().setAutoRead(on);
        }
    }

    private void park() {
        if (!parked) {
            parked = true;
            bridge.flow.park(this);
        }
    }

    @Override
    public void roomAvailable() {
        execute(() -> {
            parked = false;
            int before = forwarding;
            if (phase != Phase.CLOSED) {
                pump();
            }
            if (forwarding <= before) {
                bridge.flow.signal(); // did not need the room: pass it on
            }
        });
    }

    /**
     * One publish of the event. With a publisher that retries by itself this is the only one: its
     * transient failure means it gave up. Otherwise the bridge retries (short, growing, jittered waits).
     */
    private void attempt(Pending pending) {
        pending.attempt++;
        pending.attemptRunning = true;
        int attempt = pending.attempt;
        CompletionStage<PublishReceipt> stage;
        inAttempt = true;
        try {
            stage = config.publisher().publish(pending.event);
            if (stage == null) {
                stage = CompletableFuture.failedFuture(new IllegalStateException("the publisher returned no stage"));
            }
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        if (!bridge.publisherRetries) {
            pending.timer = loop.schedule(() -> attemptDone(pending, attempt, PublishException.transientFailure("publisher", 0,
                    "no answer within " + config.publishTimeout().toMillis() + " ms")), config.publishTimeout().toNanos(),
                    TimeUnit.NANOSECONDS);
        }
        stage.whenComplete((receipt, failure) -> {
            // Completed on this loop (a publisher sharing the bridge's loops): go on at once, without a task.
            if (!inAttempt && loop.inEventLoop()) {
                attemptDone(pending, attempt, failure);
            } else {
                execute(() -> attemptDone(pending, attempt, failure));
            }
        });
        inAttempt = false;
    }

    private void attemptDone(Pending pending, int attempt, Throwable failure) {
        if (!pending.attemptRunning || pending.attempt != attempt) {
            return; // a late answer to an attempt that already timed out
        }
        pending.attemptRunning = false;
        if (pending.timer != null) {
            pending.timer.cancel(false);
            pending.timer = null;
        }
        if (failure == null) {
            bridge.listeners.eventForwarded(clientId, Duration.ofNanos(System.nanoTime() - pending.receivedNanos));
            finish(pending);
            return;
        }
        Throwable cause = unwrap(failure);
        if (cause instanceof PublishException e && e.isPermanent()) {
            deadLetter(pending, DeadLetter.Reason.REJECTED, describe(e), new byte[0]);
            releaseSlot(pending);
            return;
        }
        if (phase == Phase.CLOSED) {
            releaseSlot(pending); // nobody to acknowledge to: the client sends it again
            return;
        }
        if (bridge.publisherRetries || pending.attempt >= config.publishAttempts()) {
            failures++;
            releaseSlot(pending);
            String attempts = bridge.publisherRetries ? "the publisher's retries" : pending.attempt + " attempts";
            LogContext.with(clientId, pending.event.id(), () -> {
                close(CloseReason.FORWARDING_FAILED, "event " + pending.event.id() + " (" + pending.event.type() + ") was not accepted after "
                        + attempts + " (" + describe(cause) + "); closing without PUBACK so the client redelivers");
            });
            return;
        }
        RuntimeException runtime = cause instanceof RuntimeException r ? r
                : PublishException.transientFailure("publisher", 0, describe(cause));
        bridge.listeners.eventRetried(clientId, pending.attempt + 1, runtime);
        Duration delay = backoff(pending.attempt, cause);
        pending.timer = loop.schedule(() -> {
            pending.timer = null;
            if (phase == Phase.CLOSED) {
                releaseSlot(pending);
            } else {
                attempt(pending);
            }
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The bridge's own retry wait: {@code retryBackoff} doubled per attempt up to the maximum, ±50 % jitter; a longer {@code Retry-After} wins. */
    private Duration backoff(int attemptsSoFar, Throwable cause) {
        long base = config.retryBackoff().toNanos() << Math.min(attemptsSoFar - 1, 20);
        long max = config.maxRetryBackoff().toNanos();
        long capped = base <= 0 || base > max ? max : base;
        long delay = (long) (capped * (0.5 + ThreadLocalRandom.current().nextDouble()));
        if (cause instanceof PublishException e && e.retryAfter().isPresent() && e.retryAfter().get().toNanos() > delay) {
            delay = e.retryAfter().get().toNanos();
        }
        return Duration.ofNanos(delay);
    }

    private void finish(Pending pending) {
        markDone(pending); // acknowledge before the freed slot may let a draining connection close
        releaseSlot(pending);
    }

    private void releaseSlot(Pending pending) {
        if (pending.holdsSlot) {
            pending.holdsSlot = false;
            forwarding--;
            bridge.flow.release();
            if (phase != Phase.CLOSED) {
                pump();
                closeIfDrained();
            }
        }
    }

    private void deadLetter(Pending pending, DeadLetter.Reason reason, String detail, byte[] payload) {
        failures++;
        DeadLetter deadLetter = new DeadLetter(config.clock().instant(), reason, detail, pending.topic, clientId, pending.payloadBytes,
                payload, Optional.ofNullable(pending.event));
        java.util.concurrent.atomic.AtomicReference<CompletionStage<Void>> stored = new java.util.concurrent.atomic.AtomicReference<>();
        LogContext.with(clientId, pending.event == null ? null : pending.event.id(), () -> stored.set(bridge.listeners.deadLetter(deadLetter)));
        CompletableFuture<Void> kept = stored.get().toCompletableFuture();
        if (kept.isDone() && !kept.isCompletedExceptionally()) {
            markDone(pending);
            return;
        }
        // Acknowledged only once the dead letter is kept (e.g. in the spool's dead-letter area).
        pending.event = null;
        kept.whenComplete((ignored, failure) -> execute(() -> {
            if (failure == null) {
                markDone(pending);
            } else if (phase != Phase.CLOSED) {
                close(CloseReason.FORWARDING_FAILED, "a dead letter on topic '" + pending.topic + "' could not be kept ("
                        + describe(unwrap(failure)) + "); closing without acknowledging so the client sends it again");
            }
        }));
    }

    /** Marks a message done and sends every acknowledgement that is now due, in arrival order. */
    private void markDone(Pending pending) {
        pending.done = true;
        pending.event = null;
        if (pending.qos == MqttQoS.AT_MOST_ONCE) {
            return;
        }
        boolean wrote = false;
        while (!ackOrder.isEmpty() && ackOrder.peekFirst().done) {
            Pending head = ackOrder.pollFirst();
            unacknowledged.remove(head.packetId);
            if (phase == Phase.CLOSED) {
                continue;
            }
            if (head.qos == MqttQoS.AT_LEAST_ONCE) {
                ctx.write(new MqttPubAckMessage(
                        new MqttFixedHeader(MqttMessageType.PUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                        MqttMessageIdVariableHeader.from(head.packetId)));
            } else {
                awaitRelease(head.packetId);
                ctx.write(reply(MqttMessageType.PUBREC, head.packetId));
            }
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
    }

    /**
     * A byte array of at least {@code size} bytes for copying a direct payload out to map it: the
     * event loop's own, reused (mapping copies what it keeps), unless the payload is unusually large.
     */
    private static byte[] scratch(int size) {
        if (size > MAX_SCRATCH_BYTES) {
            return new byte[size];
        }
        byte[] buffer = SCRATCH.get();
        if (buffer.length < size) {
            buffer = new byte[Math.max(size, Math.min(MAX_SCRATCH_BYTES, buffer.length * 2))];
            SCRATCH.set(buffer);
        }
        return buffer;
    }

    private static MqttMessage reply(MqttMessageType type, int packetId) {
        return new MqttMessage(new MqttFixedHeader(type, false, MqttQoS.AT_MOST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(packetId));
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        String text = message == null ? t.getClass().getSimpleName() : message;
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }
}
