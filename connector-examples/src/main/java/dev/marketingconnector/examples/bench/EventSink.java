package dev.marketingconnector.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The events endpoint the benchmarks forward to: a small Netty HTTP server on loopback that answers
 * every {@code POST} with 204 (optionally after a delay that blocks no thread) and records the event
 * id in the current {@link DeliveryLedger}: the {@code ce-id} header of a binary CloudEvent, else the
 * {@code id} (structured CloudEvent) or {@code event-id} (Kyma events v1) of the JSON body.
 */
final class EventSink implements AutoCloseable {

    static final int DEFAULT_THREADS = 2;
    private static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventLoopGroup group;
    private final Channel server;
    private final URI publishUrl;
    private final LongAdder requests = new LongAdder();
    private volatile long delayNanos;
    private volatile DeliveryLedger ledger;

    private EventSink(int threads) {
        this.group = new NioEventLoopGroup(threads, new DefaultThreadFactory("bench-sink", true));
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(MAX_BODY_BYTES))
                                .addLast(new Handler());
                    }
                });
        try {
            this.server = bootstrap.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        } catch (InterruptedException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the events sink", e);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("the events sink cannot listen on loopback: " + e.getMessage(), e);
        }
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        this.publishUrl = URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort() + "/publish");
    }

    static EventSink start(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("sink threads must be >= 1, got " + threads);
        }
        return new EventSink(threads);
    }

    /** {@code http://127.0.0.1:<port>/publish} (any path is accepted). */
    URI publishUrl() {
        return publishUrl;
    }

    /** Every answer waits this long (0 for none). */
    EventSink delay(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("sink delay must not be negative, got " + delay);
        }
        this.delayNanos = delay.toNanos();
        return this;
    }

    /** Starts recording into a fresh ledger for a run of {@code events} ids tagged {@code tag}. */
    DeliveryLedger expect(long tag, int events) {
        DeliveryLedger next = new DeliveryLedger(tag, events);
        this.ledger = next;
        return next;
    }

    long requests() {
        return requests.sum();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpResponseStatus status;
            if (HttpMethod.POST.equals(request.method())) {
                requests.increment();
                DeliveryLedger current = ledger;
                if (current != null) {
                    current.record(eventId(request));
                }
                status = HttpResponseStatus.NO_CONTENT;
            } else {
                status = HttpResponseStatus.METHOD_NOT_ALLOWED;
            }
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
            if (keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            long delay = delayNanos;
            if (delay > 0) {
                ctx.executor().schedule(() -> respond(ctx, response, keepAlive), delay, TimeUnit.NANOSECONDS);
            } else {
                respond(ctx, response, keepAlive);
            }
        }

        private void respond(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
            if (keepAlive) {
                ctx.writeAndFlush(response, ctx.voidPromise());
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static String eventId(FullHttpRequest request) {
        String id = request.headers().get("ce-id");
        if (id != null) {
            return id;
        }
        try (InputStream body = new ByteBufInputStream(request.content().duplicate())) {
            JsonNode json = JSON.readTree(body);
            if (json == null) {
                return null;
            }
            JsonNode value = json.has("id") ? json.get("id") : json.get("event-id");
            return value == null ? null : value.asText();
        } catch (IOException e) {
            return null;
        }
    }
}
