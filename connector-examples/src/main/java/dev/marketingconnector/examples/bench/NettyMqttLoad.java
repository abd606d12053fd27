package dev.marketingconnector.examples.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.util.ArrayDeque;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A lean MQTT 3.1.1 QoS 1 load client on Netty's WebSocket and MQTT codecs: all clients share one
 * event-loop thread ({@value #THREAD_NAME}), PUBLISHes answered in one read are followed by the next
 * ones in one flush, nothing is allocated per message beyond the frame. It does what the benchmarks
 * need of SAP's side: the bearer token on the upgrade, subprotocol {@code mqtt}, CONNECT, PUBLISH QoS 1
 * with packet ids, PUBACK, PINGREQ when idle, and — with a persistent session — reconnect and
 * resend of every unacknowledged PUBLISH with the DUP flag, as MQTT 3.1.1 §4.4 asks.
 *
 * <p>Runs are either closed-loop ({@link #start}: a window per client, each PUBACK sends the next) or
 * paced ({@link #startPaced}: open-loop at a fixed rate, capped by the window, latency measured from
 * when each event was due, so a stall shows in full).
 */
final class NettyMqttLoad implements MqttLoadClients {

    static final String THREAD_NAME = "bench-mqtt";
    private static final int PACKET_IDS = 65_536;
    private static final int MAX_FRAME = 64 * 1024;
    private static final long RECONNECT_MIN_MILLIS = 100;
    private static final long RECONNECT_MAX_MILLIS = 2_000;

    private final Connection how;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final URI webSocketUri;
    private final List<Client> clients = new ArrayList<>();
    private volatile boolean closing;

    private NettyMqttLoad(Connection how) {
        this.how = how;
        this.group = new NioEventLoopGroup(1, new DefaultThreadFactory(THREAD_NAME, true));
        this.loop = group.next();
        this.webSocketUri = URI.create("ws://" + how.bridge().getHost() + ":" + how.bridge().getPort() + "/mqtt");
        this.bootstrap = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, how.timeout().toMillis()));
    }

    static NettyMqttLoad connect(Connection how, int count) throws InterruptedException {
        NettyMqttLoad load = new NettyMqttLoad(how);
        Semaphore connecting = new Semaphore(how.connectConcurrency());
        List<CompletableFuture<Void>> connects = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Client client = load.new Client(how.clientIdPrefix() + "-" + i);
            load.clients.add(client);
            connecting.acquire();
            client.firstConnect.whenComplete((ok, error) -> connecting.release());
            load.loop.execute(client::connect);
            connects.add(client.firstConnect);
        }
        try {
            CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).get(how.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            long failed = connects.stream().filter(f -> f.isCompletedExceptionally() || !f.isDone()).count();
            Throwable cause = connects.stream().filter(CompletableFuture::isCompletedExceptionally).findFirst()
                    .map(f -> f.handle((ok, error) -> error).join()).orElse(e.getCause() == null ? e : e.getCause());
            load.close();
            if (e instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw new IllegalStateException(failed + " of " + count + " MQTT clients could not connect to " + how.bridge() + ": " + cause, cause);
        }
        return load;
    }

    @Override
    public LoadTracker start(EventPayloads payloads, DeliveryLedger ledger, int inFlightPerClient, Duration sendFor) {
        IngestBenchmark.positive("in-flight", inFlightPerClient);
        LoadTracker tracker = new LoadTracker(ledger, sendFor);
        ClosedLoop feed = new ClosedLoop(payloads, tracker, inFlightPerClient);
        loop.execute(() -> {
            for (Client client : clients) {
                client.feed = feed;
                feed.onRoom(client);
                client.flush();
            }
        });
        return tracker;
    }

    /**
     * Starts an open-loop run: event {@code i} is due at {@code start + i / rate}; it is sent as soon as
     * it is due and a connected client has fewer than {@code windowPerClient} unacknowledged messages.
     */
    PacedRun startPaced(EventPayloads payloads, long tag, double eventsPerSecond, int events, int windowPerClient, PacedRun.Listener listener) {
        PacedRun run = new PacedRun(payloads, tag, eventsPerSecond, events, windowPerClient, listener);
        loop.execute(() -> {
            run.startNanos = System.nanoTime();
            for (Client client : clients) {
                client.feed = run;
            }
            run.tick = loop.scheduleAtFixedRate(run::tick, 0, 1, TimeUnit.MILLISECONDS);
        });
        return run;
    }

    EventLoop loop() {
        return loop;
    }

    @Override
    public int size() {
        return clients.size();
    }

    @Override
    public long connected() {
        return clients.stream().filter(c -> c.ready).count();
    }

    @Override
    public List<String> threadGroups() {
        return List.of(THREAD_NAME);
    }

    @Override
    public void close() {
        closing = true;
        try {
            loop.submit(() -> {
                for (Client client : clients) {
                    Channel channel = client.channel;
                    if (channel != null && channel.isActive()) {
                        channel.writeAndFlush(MqttMessage.DISCONNECT).addListener(f -> channel.close());
                    }
                }
            }).await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // the loop is gone already
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** What to send and what to do with an acknowledgement; called on the loop thread only. */
    abstract static class Feed {

        /** A client has room in its window (after an acknowledgement, or once it is connected). */
        abstract void onRoom(Client client);

        abstract byte[] payload(int sequence);

        abstract void acknowledged(int sequence, long origin, long now);

        /** An unacknowledged event whose connection is gone for good. */
        abstract void lost(int sequence);
    }

    /** Each PUBACK sends the next event on the same client. */
    private static final class ClosedLoop extends Feed {

        private final EventPayloads payloads;
        private final LoadTracker tracker;
        private final int window;

        ClosedLoop(EventPayloads payloads, LoadTracker tracker, int window) {
            this.payloads = payloads;
            this.tracker = tracker;
            this.window = window;
        }

        @Override
        void onRoom(Client client) {
            while (client.ready && client.inFlight < window) {
                int sequence = tracker.claim();
                if (sequence < 0) {
                    return;
                }
                client.publish(sequence, System.nanoTime());
            }
        }

        @Override
        byte[] payload(int sequence) {
            return payloads.legacy(DeliveryLedger.id(tracker.tag(), sequence));
        }

        @Override
        void acknowledged(int sequence, long origin, long now) {
            tracker.acknowledged(sequence, origin);
        }

        @Override
        void lost(int sequence) {
            tracker.failed(sequence);
        }
    }

    /** An open-loop run at a fixed rate (see {@link #startPaced}). */
    final class PacedRun extends Feed {

        /** Told about every acknowledgement, on the loop thread. */
        interface Listener {
            void acknowledged(int sequence, long dueNanos, long ackNanos);
        }

        private final EventPayloads payloads;
        private final long tag;
        private final double nanosPerEvent;
        private final int events;
        private final int window;
        private final Listener listener;
        private volatile long startNanos;
        private volatile int next;
        private volatile int acknowledged;
        private volatile int lost;
        private volatile boolean stopped;
        private io.netty.util.concurrent.ScheduledFuture<?> tick;
        private int cursor;

        private PacedRun(EventPayloads payloads, long tag, double eventsPerSecond, int events, int window, Listener listener) {
            if (!(eventsPerSecond > 0)) {
                throw new IllegalArgumentException("rate must be > 0 events/s, got " + eventsPerSecond);
            }
            IngestBenchmark.positive("window", window);
            this.payloads = payloads;
            this.tag = tag;
            this.nanosPerEvent = 1e9 / eventsPerSecond;
            this.events = events;
            this.window = window;
            this.listener = listener;
        }

        long startNanos() {
            return startNanos;
        }

        /** When event {@code sequence} is due, in {@link System#nanoTime()} terms. */
        long due(int sequence) {
            return startNanos + (long) (sequence * nanosPerEvent);
        }

        /** Events due by {@code now} (whether sent or not), at most the run's events. */
        int dueBy(long now) {
            if (stopped) {
                return next;
            }
            return (int) Math.min(events, Math.max(0, (now - startNanos) / nanosPerEvent + 1));
        }

        /** Events sent so far. */
        int sent() {
            return next;
        }

        int acknowledgedCount() {
            return acknowledged;
        }

        int lostCount() {
            return lost;
        }

        /** Stops sending new events (those in flight are still acknowledged); returns how many were sent. */
        int stop() {
            try {
                return loop.submit(() -> {
                    stopped = true;
                    if (tick != null) {
                        tick.cancel(false);
                    }
                    return next;
                }).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                stopped = true;
                return next;
            }
        }

        private void tick() {
            if (stopped) {
                return;
            }
            long now = System.nanoTime();
            int due = dueBy(now);
            int tried = 0;
            while (next < due && tried < clients.size()) {
                Client client = clients.get(cursor);
                if (client.ready && client.inFlight < window) {
                    client.publish(next, due(next));
                    next++;
                    tried = 0;
                } else {
                    tried++;
                }
                cursor = (cursor + 1) % clients.size();
            }
            for (Client client : clients) {
                client.flush();
            }
        }

        @Override
        void onRoom(Client client) {
            if (stopped) {
                return;
            }
            int due = dueBy(System.nanoTime());
            while (next < due && client.ready && client.inFlight < window) {
                client.publish(next, due(next));
                next++;
            }
        }

        @Override
        byte[] payload(int sequence) {
            return payloads.legacy(DeliveryLedger.id(tag, sequence));
        }

        @Override
        void acknowledged(int sequence, long origin, long now) {
            acknowledged++;
            listener.acknowledged(sequence, origin, now);
        }

        @Override
        void lost(int sequence) {
            lost++;
        }
    }

    /** One MQTT connection (re-established after a loss when the session is persistent). All state lives on the loop thread. */
    final class Client {

        private final String clientId;
        private final CompletableFuture<Void> firstConnect = new CompletableFuture<>();
        private final int[] sequenceOf = new int[PACKET_IDS];
        private final long[] originOf = new long[PACKET_IDS];
        private final Feed[] feedOf = new Feed[PACKET_IDS];
        private final boolean[] inUse = new boolean[PACKET_IDS];
        private final ArrayDeque<Integer> unacknowledged = new ArrayDeque<>();
        private Channel channel;
        private volatile boolean ready;
        private boolean needsFlush;
        private int nextPacketId = 1;
        private int inFlight;
        private long reconnectDelay = RECONNECT_MIN_MILLIS;
        private Feed feed;

        Client(String clientId) {
            this.clientId = clientId;
        }

        void connect() {
            ChannelFuture connecting = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    HttpHeaders headers = new DefaultHttpHeaders().set("Authorization", "Bearer " + how.token().reveal());
                    int keepAlive = how.keepAliveSeconds();
                    ch.pipeline().addLast(
                            new HttpClientCodec(),
                            new HttpObjectAggregator(MAX_FRAME),
                            new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                                    .webSocketUri(webSocketUri)
                                    .subprotocol("mqtt")
                                    .customHeaders(headers)
                                    .maxFramePayloadLength(MAX_FRAME)
                                    .handshakeTimeoutMillis(how.timeout().toMillis())
                                    .dropPongFrames(true)
                                    .build()),
                            new Frames(),
                            new MqttDecoder(MAX_FRAME),
                            MqttEncoder.INSTANCE,
                            new IdleStateHandler(0, keepAlive > 0 ? Math.max(1, keepAlive / 2) : 0, 0, TimeUnit.SECONDS),
                            new Handler());
                }
            }).connect(how.bridge().getHost(), how.bridge().getPort());
            channel = connecting.channel();
            connecting.addListener(f -> {
                if (!f.isSuccess()) {
                    connectionLost(f.cause());
                }
            });
        }

        void publish(int sequence, long origin) {
            int packetId = allocatePacketId();
            sequenceOf[packetId] = sequence;
            originOf[packetId] = origin;
            feedOf[packetId] = feed;
            inUse[packetId] = true;
            unacknowledged.addLast(packetId);
            inFlight++;
            channel.write(publishMessage(packetId, feed.payload(sequence), false), channel.voidPromise());
            needsFlush = true;
        }

        void flush() {
            if (needsFlush && channel != null) {
                needsFlush = false;
                channel.flush();
            }
        }

        private int allocatePacketId() {
            for (int i = 0; i < PACKET_IDS; i++) {
                int id = nextPacketId;
                nextPacketId = nextPacketId == PACKET_IDS - 1 ? 1 : nextPacketId + 1;
                if (!inUse[id]) {
                    return id;
                }
            }
            throw new IllegalStateException("all 65,535 packet ids of " + clientId + " are in flight");
        }

        private void acknowledged(int packetId) {
            if (packetId <= 0 || packetId >= PACKET_IDS || !inUse[packetId]) {
                return;
            }
            long now = System.nanoTime();
            inUse[packetId] = false;
            inFlight--;
            Integer head = unacknowledged.peekFirst();
            if (head != null && head == packetId) {
                unacknowledged.pollFirst();
            } else {
                unacknowledged.removeFirstOccurrence(packetId);
            }
            Feed owner = feedOf[packetId];
            feedOf[packetId] = null;
            owner.acknowledged(sequenceOf[packetId], originOf[packetId], now);
            if (feed != null) {
                feed.onRoom(this);
            }
        }

        private void connected() {
            ready = true;
            reconnectDelay = RECONNECT_MIN_MILLIS;
            firstConnect.complete(null);
            for (int packetId : unacknowledged) {
                channel.write(publishMessage(packetId, feedOf[packetId].payload(sequenceOf[packetId]), true), channel.voidPromise());
                needsFlush = true;
            }
            if (feed != null) {
                feed.onRoom(this);
            }
            flush();
        }

        private void connectionLost(Throwable cause) {
            boolean wasReady = ready;
            ready = false;
            if (!firstConnect.isDone()) {
                firstConnect.completeExceptionally(cause != null ? cause : new IllegalStateException("connection closed before CONNACK"));
                return;
            }
            if (closing) {
                return;
            }
            if (how.persistentSession()) {
                long delay = reconnectDelay;
                reconnectDelay = Math.min(RECONNECT_MAX_MILLIS, reconnectDelay * 2);
                loop.schedule(this::connect, wasReady ? RECONNECT_MIN_MILLIS : delay, TimeUnit.MILLISECONDS);
            } else {
                for (int packetId : unacknowledged) {
                    inUse[packetId] = false;
                    feedOf[packetId].lost(sequenceOf[packetId]);
                    feedOf[packetId] = null;
                }
                unacknowledged.clear();
                inFlight = 0;
            }
        }

        private final class Handler extends ChannelInboundHandlerAdapter {

            private boolean lost;

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
                if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                    ctx.writeAndFlush(MqttMessageBuilders.connect()
                            .protocolVersion(MqttVersion.MQTT_3_1_1)
                            .clientId(clientId)
                            .cleanSession(!how.persistentSession())
                            .keepAlive(how.keepAliveSeconds())
                            .build());
                } else if (event instanceof IdleStateEvent) {
                    if (ready) {
                        ctx.writeAndFlush(MqttMessage.PINGREQ, ctx.voidPromise());
                    }
                } else {
                    super.userEventTriggered(ctx, event);
                }
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (!(msg instanceof MqttMessage message)) {
                    io.netty.util.ReferenceCountUtil.release(msg);
                    return;
                }
                if (message.decoderResult().isFailure()) {
                    ctx.close();
                    return;
                }
                MqttMessageType type = message.fixedHeader().messageType();
                if (type == MqttMessageType.PUBACK) {
                    acknowledged(((MqttMessageIdVariableHeader) message.variableHeader()).messageId());
                } else if (type == MqttMessageType.CONNACK) {
                    MqttConnectReturnCode code = ((MqttConnAckMessage) message).variableHeader().connectReturnCode();
                    if (code == MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                        connected();
                    } else {
                        firstConnect.completeExceptionally(new IllegalStateException("CONNACK " + code + " for " + clientId));
                        ctx.close();
                    }
                }
                io.netty.util.ReferenceCountUtil.release(msg);
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                flush();
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                if (!lost && ctx.channel() == channel) {
                    lost = true;
                    connectionLost(null);
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                if (!firstConnect.isDone()) {
                    firstConnect.completeExceptionally(cause);
                }
                ctx.close();
            }
        }
    }

    private static MqttPublishMessage publishMessage(int packetId, byte[] payload, boolean dup) {
        return new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.AT_LEAST_ONCE, false, 0),
                new MqttPublishVariableHeader(EventPayloads.TOPIC, packetId), Unpooled.wrappedBuffer(payload));
    }

    /** MQTT packets travel in binary WebSocket frames (MQTT 3.1.1 §6); a frame may hold part of a packet or several. */
    private static final class Frames extends MessageToMessageCodec<WebSocketFrame, ByteBuf> {

        @Override
        protected void encode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
            out.add(new BinaryWebSocketFrame(msg.retain()));
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
            if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
                out.add(frame.content().retain());
            }
        }
    }
}
