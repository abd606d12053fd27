package dev.marketingconnector.mqtt;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT ingestion endpoint: one HTTP port serving the OAuth token endpoint, probes, the
 * AsyncAPI document and MQTT 3.1.1 over WebSocket; optionally MQTT over plain TCP on a second
 * port; TLS on both when configured. Each PUBLISH becomes a {@code BusinessEvent} handed to the
 * configured {@code EventPublisher}; QoS 1 is acknowledged only once the publisher accepted it.
 *
 * <pre>{@code
 * try (MqttBridge bridge = new MqttBridge(config).start()) {
 *     ... bridge.httpPort(), bridge.connectedClients() ...
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} shuts down gracefully within the configured deadline.
 */
public final class MqttBridge implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MqttBridge.class);
    private static final int HTTP_MAX_INITIAL_LINE = 4096;
    private static final int HTTP_MAX_HEADER_SIZE = 8192;
    private static final int HTTP_MAX_CHUNK_SIZE = 8192;
    private static final int FLUSH_AFTER = 64;
    /** Unwritten bytes at which a connection counts as not reading (and back): bounds what a non-reading peer holds. */
    private static final WriteBufferWaterMark HTTP_WATER_MARK = new WriteBufferWaterMark(8 * 1024, 16 * 1024);

    private enum State { NEW, RUNNING, STOPPING, STOPPED }

    private final BridgeConfig config;
    private final BridgeContext context;
    private State state = State.NEW;
    private EventLoopGroup acceptors;
    private EventLoopGroup workers;
    private boolean ownsEventLoops;
    private Class<? extends ServerChannel> serverChannelType;
    private Channel httpServer;
    private Channel tcpServer;
    private int httpPort = -1;
    private int tcpPort = -1;
    private ScheduledFuture<?> housekeeping;

    /**
     * Creates a MqttBridge.
     *
     * @param config the settings
     */
    public MqttBridge(BridgeConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.context = new BridgeContext(config, TokenService.create(config));
    }

    /**
     * Binds the ports and returns once they accept connections.
     *
     * @return the MQTT bridge
     * @throws BridgeException naming the address when a port cannot be bound or TLS cannot be set up
     */
    public synchronized MqttBridge start() {
        if (state != State.NEW) {
            throw new BridgeException("The bridge was already started (state " + state + ")");
        }
        SslContext tls = tlsContext();
        EventLoopGroup shared = (EventLoopGroup) config.eventLoops().orElse(null);
        ownsEventLoops = shared == null;
        // Shared loops accept too: a loop does little accepting, and a thread fewer counts in a small pod.
        acceptors = ownsEventLoops ? new NioEventLoopGroup(1, new DefaultThreadFactory("mqtt-bridge-accept")) : shared;
        workers = ownsEventLoops ? new NioEventLoopGroup(config.ioThreads(), new DefaultThreadFactory("mqtt-bridge-io")) : shared;
        serverChannelType = serverChannelType(workers);
        try {
            httpServer = bind("HTTP", config.httpPort(), new HttpInitializer(context, tls));
            httpPort = ((InetSocketAddress) httpServer.localAddress()).getPort();
            if (config.tcpPort().isPresent()) {
                tcpServer = bind("MQTT/TCP", config.tcpPort().getAsInt(), new TcpInitializer(context, tls));
                tcpPort = ((InetSocketAddress) tcpServer.localAddress()).getPort();
            }
        } catch (BridgeException e) {
            stopEventLoops();
            state = State.STOPPED;
            throw e;
        }
        housekeeping = acceptors.scheduleAtFixedRate(context::housekeeping, 1, 1, TimeUnit.SECONDS);
        context.accepting(true);
        state = State.RUNNING;
        LOG.info("MQTT bridge listening on {}:{} ({}; WebSocket at / and /mqtt, token endpoint /oauth/token){}; payloads up to {} bytes{}",
                config.host(), httpPort, tls == null ? "http" : "https",
                tcpPort < 0 ? "" : ", MQTT over " + (tls == null ? "TCP" : "TLS") + " on port " + tcpPort,
                context.maxPayloadBytes, context.payloadLimitIsPublishers ? " (what the event publisher can deliver)" : "");
        return this;
    }

    private SslContext tlsContext() {
        if (!config.tlsEnabled()) {
            return null;
        }
        try {
            return SslContextBuilder.forServer(config.tlsCertificateChain().orElseThrow().toFile(),
                    config.tlsPrivateKey().orElseThrow().toFile()).build();
        } catch (Exception e) {
            throw new BridgeException("Cannot set up TLS from certificate chain '" + config.tlsCertificateChain().orElseThrow()
                    + "' and private key '" + config.tlsPrivateKey().orElseThrow() + "' (PEM, key in PKCS#8): " + e.getMessage(), e);
        }
    }

    private Channel bind(String what, int port, ChannelInitializer<SocketChannel> initializer) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(serverChannelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(initializer);
        try {
            return bootstrap.bind(config.host(), port).sync().channel();
        } catch (Exception e) {
            throw new BridgeException("Cannot listen for " + what + " on " + config.host() + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** {@return the port the HTTP/WebSocket server listens on (useful with port 0)} */
    public synchronized int httpPort() {
        requireStarted();
        return httpPort;
    }

    /** {@return the MQTT-over-TCP port, if that listener is enabled} */
    public synchronized OptionalInt tcpPort() {
        requireStarted();
        return tcpPort < 0 ? OptionalInt.empty() : OptionalInt.of(tcpPort);
    }

    /** {@return {@code http(s)://host:port}, with the loopback address when listening on every interface} */
    public URI baseUri() {
        return URI.create((config.tlsEnabled() ? "https" : "http") + "://" + displayHost() + ":" + httpPort());
    }

    /** {@return the WebSocket endpoint, {@code ws(s)://host:port/mqtt}} */
    public URI webSocketUri() {
        return URI.create((config.tlsEnabled() ? "wss" : "ws") + "://" + displayHost() + ":" + httpPort() + "/mqtt");
    }

    private String displayHost() {
        String host = config.host();
        if ("0.0.0.0".equals(host) || "::".equals(host)) {
            return "127.0.0.1";
        }
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private void requireStarted() {
        if (state == State.NEW) {
            throw new BridgeException("The bridge has not been started");
        }
    }

    /** {@return the config} */
    public BridgeConfig config() {
        return config;
    }

    /**
     * Listening, not shutting down, and the publisher's circuit not open ({@code GET /readyz}).
     *
     * @return whether ready
     */
    public boolean isReady() {
        return context.notReadyReason() == null;
    }

    /**
     * The largest payload the bridge forwards: {@link BridgeConfig#maxPayloadBytes()}, or the event
     * publisher's limit ({@code EventPublisher#maxEventBytes()}) when that is smaller. Larger payloads
     * are dead-lettered ({@code PAYLOAD_TOO_LARGE}) and acknowledged at once.
     *
     * @return the largest payload forwarded, in bytes
     */
    public int maxPayloadBytes() {
        return context.maxPayloadBytes;
    }

    /** {@return messages being forwarded right now, bridge-wide (each holds one of {@code maxInFlight} slots)} */
    public int inFlight() {
        return context.flow.inFlight();
    }

    /** {@return the clients connected now (CONNECT accepted), in no particular order} */
    public List<ConnectedClient> connectedClients() {
        return context.clients.values().stream().filter(MqttConnection::isConnected).map(MqttConnection::snapshot).toList();
    }

    /** {@return how many clients are connected now (CONNECT accepted), without listing them} */
    public int connectedClientCount() {
        return (int) context.clients.values().stream().filter(MqttConnection::isConnected).count();
    }

    /** {@return open sockets on all ports (HTTP, WebSocket, MQTT over TCP), each counting against {@code maxConnections}} */
    public int openConnections() {
        return context.limits.open();
    }

    /** {@return the most recent dead letters the configured sink keeps} */
    public List<DeadLetter> recentDeadLetters() {
        return config.deadLetterSink().recent();
    }

    /**
     * Shuts down gracefully: stops accepting connections, stops reading from the open ones, lets
     * the messages being forwarded finish (acknowledging them) until {@code deadline}, then closes
     * every connection. Messages not yet forwarded are not acknowledged, so clients send them again.
     * The publisher is not closed (it belongs to the caller), nor are shared event loops
     * ({@link BridgeConfig.Builder#eventLoops}).
     *
     * @param deadline the deadline
     * @return true when every connection finished its work before the deadline
     */
    public boolean shutdown(Duration deadline) {
        Objects.requireNonNull(deadline, "deadline");
        synchronized (this) {
            if (state != State.RUNNING) {
                if (state == State.NEW) {
                    state = State.STOPPED;
                }
                return true;
            }
            state = State.STOPPING;
        }
        long end = System.nanoTime() + deadline.toNanos();
        context.accepting(false);
        closeServer(httpServer);
        closeServer(tcpServer);
        context.connections.forEach(MqttConnection::drain);
        boolean drained = awaitConnectionsClosed(end);
        if (!drained) {
            LOG.warn("{} MQTT connections still busy at the shutdown deadline; closing them", context.connections.size());
            context.connections.forEach(MqttConnection::forceClose);
        }
        context.channels.forEach(Channel::close);
        if (housekeeping != null) {
            housekeeping.cancel(false);
        }
        context.tokenFailures.flushAll();
        context.refusedConnections.flushAll();
        stopEventLoops();
        synchronized (this) {
            state = State.STOPPED;
        }
        LOG.info("MQTT bridge stopped{}", drained ? "" : " (deadline reached)");
        return drained;
    }

    /** {@link #shutdown(Duration)} with the configured deadline. */
    @Override
    public void close() {
        shutdown(config.shutdownDeadline());
    }

    private boolean awaitConnectionsClosed(long endNanos) {
        synchronized (context.connections) {
            while (!context.connections.isEmpty()) {
                long left = endNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(context.connections, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private static void closeServer(Channel server) {
        if (server != null) {
            server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /**
     * The server channel that matches the loops: NIO, or a native transport (epoll, kqueue) when
     * shared loops are that transport's (found by name, so that no native transport is needed here).
     */
    @SuppressWarnings("unchecked")
    static Class<? extends ServerChannel> serverChannelType(EventLoopGroup group) {
        String name = group.next().getClass().getName();
        if (name.startsWith("io.netty.channel.nio.")) {
            return NioServerSocketChannel.class;
        }
        String[][] natives = {{"io.netty.channel.epoll.", "io.netty.channel.epoll.EpollServerSocketChannel"},
                {"io.netty.channel.kqueue.", "io.netty.channel.kqueue.KQueueServerSocketChannel"}};
        for (String[] candidate : natives) {
            if (name.startsWith(candidate[0])) {
                try {
                    return (Class<? extends ServerChannel>) Class.forName(candidate[1], true, group.next().getClass().getClassLoader());
                } catch (ClassNotFoundException e) {
                    throw new BridgeException("event loops of type " + name + " but no " + candidate[1], e);
                }
            }
        }
        throw new BridgeException("eventLoops must be NIO, epoll or kqueue event loops, got " + name);
    }

    private void stopEventLoops() {
        if (!ownsEventLoops) {
            return; // shared: their owner shuts them down
        }
        if (acceptors != null) {
            acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (acceptors != null) {
            acceptors.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** HTTP first; {@link HttpRouter} turns the channel into MQTT over WebSocket at the upgrade. */
    private static final class HttpInitializer extends ChannelInitializer<SocketChannel> {

        private final BridgeContext context;
        private final SslContext tls;

        HttpInitializer(BridgeContext context, SslContext tls) {
            this.context = context;
            this.tls = tls;
        }

        @Override
        protected void initChannel(SocketChannel channel) {
            if (!context.admit(channel)) {
                return;
            }
            BridgeConfig config = context.config;
            // A peer that does not read its answers makes the channel unwritable early; the router then stops reading.
            channel.config().setWriteBufferWaterMark(HTTP_WATER_MARK);
            if (tls != null) {
                channel.pipeline().addLast("tls", tls.newHandler(channel.alloc()));
            }
            channel.pipeline()
                    .addLast("flush", new FlushConsolidationHandler(FLUSH_AFTER, true))
                    .addLast(HttpRouter.HTTP_IDLE, new IdleStateHandler(0, 0, config.httpIdleTimeout().toMillis(), TimeUnit.MILLISECONDS))
                    .addLast(HttpRequestDeadline.NAME, new HttpRequestDeadline(config.httpRequestTimeout()))
                    .addLast("http", new HttpServerCodec(HTTP_MAX_INITIAL_LINE, HTTP_MAX_HEADER_SIZE, HTTP_MAX_CHUNK_SIZE))
                    .addLast("aggregator", new HttpObjectAggregator(config.maxHttpRequestBytes()))
                    .addLast("router", new HttpRouter(context));
        }
    }

    /** MQTT straight over TCP (or TLS); the token must come as the CONNECT password. */
    private static final class TcpInitializer extends ChannelInitializer<SocketChannel> {

        private final BridgeContext context;
        private final SslContext tls;

        TcpInitializer(BridgeContext context, SslContext tls) {
            this.context = context;
            this.tls = tls;
        }

        @Override
        protected void initChannel(SocketChannel channel) {
            if (!context.admit(channel)) {
                return;
            }
            if (tls != null) {
                channel.pipeline().addLast("tls", tls.newHandler(channel.alloc()));
            }
            channel.pipeline()
                    .addLast("flush", new FlushConsolidationHandler(FLUSH_AFTER, true))
                    .addLast(ProtocolLevelGuard.NAME, new ProtocolLevelGuard())
                    .addLast("mqtt-decoder", new MqttDecoder(context.maxPacketBytes))
                    .addLast("mqtt-encoder", MqttEncoder.INSTANCE)
                    .addLast("mqtt", new MqttConnection(context, "tcp", false));
        }
    }
}
