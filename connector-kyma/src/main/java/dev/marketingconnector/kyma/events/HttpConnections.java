package dev.marketingconnector.kyma.events;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * HTTP/1.1 keep-alive connections to the event service: how they are opened (TLS with the
 * configured stores and host-name verification), and the handler that reads one answer per request.
 * The request goes out as the bytes {@link EventRequest} wrote; only the answer is decoded.
 */
final class HttpConnections {

    private static final int MAX_INITIAL_LINE = 4096;
    private static final int MAX_HEADER_SIZE = 16 * 1024;
    private static final int MAX_CHUNK_SIZE = 16 * 1024;
    /** How much of an error answer's body is kept for the message. */
    private static final int MAX_ERROR_BODY = 4096;
    /** A resolved address is used this long before it is looked up again (in the background). */
    private static final long ADDRESS_TTL_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final ResilientSender sender;
    private final String host;
    private final int port;
    private final boolean literalAddress;
    private final SslContext tls;
    private final int connectTimeoutMillis;
    private final Class<? extends Channel> channelType;
    private final ExecutorService resolver;
    private volatile InetSocketAddress address;
    private volatile long resolvedAtNanos;
    private volatile CompletableFuture<InetSocketAddress> resolving;

    HttpConnections(PublisherConfig config, ResilientSender sender, EventLoopGroup group) {
        this.sender = sender;
        URI endpoint = config.endpoint();
        String rawHost = endpoint.getHost();
        this.host = rawHost.startsWith("[") && rawHost.endsWith("]") ? rawHost.substring(1, rawHost.length() - 1) : rawHost;
        boolean https = "https".equalsIgnoreCase(endpoint.getScheme());
        this.port = endpoint.getPort() != -1 ? endpoint.getPort() : https ? 443 : 80;
        this.literalAddress = isLiteral(host);
        this.tls = https ? sslContext(config) : null;
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis());
        this.channelType = socketChannelType(group);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(r, config.name() + "-dns");
            thread.setDaemon(true);
            return thread;
        });
        this.resolver = pool;
    }

    private static SslContext sslContext(PublisherConfig config) {
        try {
            SSLContext context = config.tls().isPresent() ? config.tls().get().sslContext() : SSLContext.getDefault();
            return new JdkSslContext(context, true, null, io.netty.handler.ssl.IdentityCipherSuiteFilter.INSTANCE, null,
                    ClientAuth.NONE, null, false);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK offers no default TLS context", e);
        }
    }

    /**
     * The socket channel that matches the loops: NIO, or a native transport (epoll, kqueue) when the
     * loops are that transport's (found by name, so that no native transport is needed here).
     */
    @SuppressWarnings("unchecked")
    static Class<? extends Channel> socketChannelType(EventLoopGroup group) {
        EventLoop loop = group.next();
        String name = loop.getClass().getName();
        if (name.startsWith("io.netty.channel.nio.")) {
            return NioSocketChannel.class;
        }
        String[][] natives = {{"io.netty.channel.epoll.", "io.netty.channel.epoll.EpollSocketChannel"},
                {"io.netty.channel.kqueue.", "io.netty.channel.kqueue.KQueueSocketChannel"}};
        for (String[] candidate : natives) {
            if (name.startsWith(candidate[0])) {
                try {
                    return (Class<? extends Channel>) Class.forName(candidate[1], true, loop.getClass().getClassLoader());
                } catch (ClassNotFoundException e) {
                    throw new IllegalArgumentException("eventLoops of type " + name + " but no " + candidate[1], e);
                }
            }
        }
        throw new IllegalArgumentException("eventLoops must be NIO, epoll or kqueue event loops for TCP, got " + name);
    }

    private static boolean isLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    Bootstrap bootstrap(EventLoop loop, EventLoopState state) {
        return new Bootstrap()
                .group(loop)
                .channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (tls != null) {
                            SslHandler handler = tls.newHandler(channel.alloc(), host, port);
                            SSLEngine engine = handler.engine();
                            SSLParameters parameters = engine.getSSLParameters();
                            parameters.setEndpointIdentificationAlgorithm("HTTPS");
                            engine.setSSLParameters(parameters);
                            channel.pipeline().addLast("tls", handler);
                        }
                        channel.pipeline()
                                .addLast("http", new HttpResponseDecoder(MAX_INITIAL_LINE, MAX_HEADER_SIZE, MAX_CHUNK_SIZE))
                                .addLast("answer", new Connection(channel, state));
                    }
                });
    }

    /** Opens a connection for {@code d} (on the loop of {@code state}) and sends it there, or fails it. */
    void connect(EventLoopState state, Delivery d) {
        InetSocketAddress known = address;
        if (known != null && (literalAddress || System.nanoTime() - resolvedAtNanos < ADDRESS_TTL_NANOS)) {
            open(state, d, known);
            return;
        }
        if (literalAddress) {
            try {
                known = new InetSocketAddress(InetAddress.getByName(host), port);
            } catch (UnknownHostException e) {
                sender.failedWithoutAnswer(d, e, false);
                return;
            }
            address = known;
            open(state, d, known);
            return;
        }
        CompletableFuture<InetSocketAddress> lookup = lookUp();
        if (known != null) {
            open(state, d, known); // a stale address while the new one is looked up: addresses rarely change
            return;
        }
        lookup.whenComplete((resolved, error) -> state.run(d, delivery -> {
            if (delivery.done) {
                return;
            }
            if (error != null) {
                sender.failedWithoutAnswer(delivery, ResilientSender.unwrap(error), false);
            } else {
                open(state, delivery, resolved);
            }
        }));
    }

    /** One look-up at a time, off the event loops (a slow DNS must not stall them). */
    private synchronized CompletableFuture<InetSocketAddress> lookUp() {
        CompletableFuture<InetSocketAddress> current = resolving;
        if (current != null && !current.isDone()) {
            return current;
        }
        CompletableFuture<InetSocketAddress> lookup = CompletableFuture.supplyAsync(() -> {
            try {
                InetSocketAddress resolved = new InetSocketAddress(InetAddress.getByName(host), port);
                address = resolved;
                resolvedAtNanos = System.nanoTime();
                return resolved;
            } catch (UnknownHostException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, resolver);
        resolving = lookup;
        return lookup;
    }

    private void open(EventLoopState state, Delivery d, InetSocketAddress to) {
        ChannelFuture connecting = state.bootstrap().connect(to);
        connecting.addListener(future -> {
            Channel channel = connecting.channel();
            if (!future.isSuccess()) {
                sender.failedWithoutAnswer(d, future.cause(), false);
                return;
            }
            Connection connection = (Connection) channel.pipeline().get("answer");
            if (d.done || state.isClosed()) {
                channel.close();
                return;
            }
            connection.send(d);
        });
    }

    void close() {
        resolver.shutdownNow();
    }

    /** One keep-alive connection: sends a request, reads its one answer, then goes back to the idle ones. */
    final class Connection extends ChannelInboundHandlerAdapter {

        private final Channel channel;
        private final EventLoopState state;
        private Delivery current;
        private int status;
        private boolean keepAlive;
        private String retryAfter;
        private ByteBuf errorBody;
        private Throwable failure;
        private boolean timedOut;
        private long idleSinceNanos;

        Connection(Channel channel, EventLoopState state) {
            this.channel = channel;
            this.state = state;
        }

        boolean usable() {
            return channel.isActive() && current == null;
        }

        long idleSinceNanos() {
            return idleSinceNanos;
        }

        void send(Delivery d) {
            current = d;
            d.connection = this;
            d.requestDeadlineNanos = System.nanoTime() + sender.requestTimeoutNanos();
            status = 0;
            channel.writeAndFlush(d.request.retainedDuplicate(), channel.voidPromise());
        }

        void timeOut() {
            timedOut = true;
            channel.close();
        }

        void close() {
            channel.close();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
                    failure = new DecoderException(object.decoderResult().cause());
                    channel.close();
                    return;
                }
                if (msg instanceof HttpResponse response) {
                    status = response.status().code();
                    keepAlive = keepAlive(response);
                    retryAfter = ResilientSender.TRANSIENT_STATUSES.contains(status)
                            ? response.headers().get(HttpHeaderNames.RETRY_AFTER) : null;
                    if (status / 100 != 2 && status >= 200 && errorBody == null) {
                        errorBody = ctx.alloc().heapBuffer(256, MAX_ERROR_BODY);
                    }
                }
                if (msg instanceof HttpContent content) {
                    if (errorBody != null) {
                        ByteBuf bytes = content.content();
                        errorBody.writeBytes(bytes, bytes.readerIndex(), Math.min(bytes.readableBytes(), errorBody.maxWritableBytes()));
                    }
                    if (msg instanceof LastHttpContent) {
                        answered();
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        /** HTTP/1.1 keeps the connection unless it says {@code close} (read without the header helpers' garbage). */
        private boolean keepAlive(HttpResponse response) {
            String connection = response.headers().get(HttpHeaderNames.CONNECTION);
            if (response.protocolVersion().isKeepAliveDefault()) {
                return connection == null || !AsciiString.containsIgnoreCase(connection, HttpHeaderValues.CLOSE);
            }
            return connection != null && AsciiString.containsIgnoreCase(connection, HttpHeaderValues.KEEP_ALIVE);
        }

        private void answered() {
            if (status < 200) {
                status = 0; // 1xx: the final answer follows
                return;
            }
            Delivery d = current;
            current = null;
            String body = null;
            if (errorBody != null) {
                body = errorBody.toString(StandardCharsets.UTF_8);
                errorBody.release();
                errorBody = null;
            }
            if (d == null) {
                channel.close(); // an answer to nothing: this connection is out of step
                return;
            }
            d.connection = null;
            d.requestDeadlineNanos = 0;
            if (keepAlive && channel.isActive()) {
                idleSinceNanos = System.nanoTime();
                state.idle(this);
            } else {
                channel.close();
            }
            sender.answered(d, status, retryAfter, body);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            state.closed(this);
            if (errorBody != null) {
                errorBody.release();
                errorBody = null;
            }
            Delivery d = current;
            current = null;
            if (d != null) {
                d.connection = null;
                d.requestDeadlineNanos = 0;
                sender.failedWithoutAnswer(d, failure, timedOut);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (failure == null) {
                failure = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
            }
            channel.close();
        }
    }
}
