package dev.marketingconnector.examples.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling, from the fastest client at hand: the same binary-mode CloudEvent the bridge's
 * publisher sends, POSTed straight to the sink by a Netty HTTP/1.1 client on one event-loop thread
 * ({@value #THREAD_NAME}) over {@code connections} keep-alive connections, with {@code concurrency}
 * requests in flight spread over them (pipelined when there are more requests than connections;
 * responses come back in order). Each answer sends the next request on the same connection; the
 * requests answered in one read go out in one flush. No MQTT, no bridge.
 */
final class NettyCeilingLoad implements CeilingClient {

    static final String THREAD_NAME = "bench-ceiling";
    static final int DEFAULT_CONCURRENCY = 128;
    static final int DEFAULT_CONNECTIONS = 16;
    private static final AsciiString CE_SPECVERSION = AsciiString.cached("ce-specversion");
    private static final AsciiString CE_ID = AsciiString.cached("ce-id");
    private static final AsciiString CE_SOURCE = AsciiString.cached("ce-source");
    private static final AsciiString CE_TYPE = AsciiString.cached("ce-type");
    private static final AsciiString CE_TIME = AsciiString.cached("ce-time");

    private final URI endpoint;
    private final int connections;
    private final int concurrency;
    private final EventPayloads payloads;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final String host;
    private final String path;
    private final List<Connection> open = new ArrayList<>();

    NettyCeilingLoad(URI endpoint, int connections, int concurrency, EventPayloads payloads) {
        IngestBenchmark.positive("ceiling connections", connections);
        IngestBenchmark.positive("ceiling concurrency", concurrency);
        this.endpoint = endpoint;
        this.connections = Math.min(connections, concurrency);
        this.concurrency = concurrency;
        this.payloads = payloads;
        this.host = endpoint.getHost() + ":" + endpoint.getPort();
        this.path = endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath();
        this.group = new NioEventLoopGroup(1, new DefaultThreadFactory(THREAD_NAME, true));
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000);
    }

    @Override
    public String describe() {
        int depth = (concurrency + connections - 1) / connections;
        return String.format("Netty HTTP/1.1, %d in flight over %d keep-alive connections%s", concurrency, connections,
                depth > 1 ? " (up to " + depth + " pipelined each)" : "");
    }

    @Override
    public LoadRun run(DeliveryLedger ledger, Duration timeout) throws InterruptedException {
        LoadTracker tracker = new LoadTracker(ledger);
        List<Connection> channels = connections();
        int perConnection = concurrency / channels.size();
        int extra = concurrency % channels.size();
        for (int i = 0; i < channels.size(); i++) {
            Connection connection = channels.get(i);
            int depth = perConnection + (i < extra ? 1 : 0);
            connection.channel.eventLoop().execute(() -> connection.start(tracker, depth));
        }
        return tracker.await(timeout);
    }

    private List<Connection> connections() throws InterruptedException {
        synchronized (open) {
            open.removeIf(c -> !c.channel.isActive());
            while (open.size() < connections) {
                Connection connection = new Connection();
                Channel channel = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), connection);
                    }
                }).connect(endpoint.getHost(), endpoint.getPort()).sync().channel();
                connection.channel = channel;
                open.add(connection);
            }
            return List.copyOf(open);
        }
    }

    @Override
    public List<String> threadGroups() {
        return List.of(THREAD_NAME);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    /** One keep-alive connection; its state lives on its event loop. */
    private final class Connection extends ChannelInboundHandlerAdapter {

        private final ArrayDeque<long[]> pending = new ArrayDeque<>();
        private Channel channel;
        private LoadTracker tracker;
        private boolean success;
        private boolean needsFlush;

        void start(LoadTracker run, int depth) {
            this.tracker = run;
            for (int i = 0; i < depth; i++) {
                if (!sendNext()) {
                    break;
                }
            }
            flush();
        }

        private boolean sendNext() {
            int sequence = tracker.claim();
            if (sequence < 0) {
                return false;
            }
            java.util.UUID id = DeliveryLedger.id(tracker.tag(), sequence);
            byte[] body = payloads.cloudEventData(id);
            HttpHeaders headers = new DefaultHttpHeaders(false);
            headers.set(HttpHeaderNames.HOST, host)
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                    .set(CE_SPECVERSION, "1.0")
                    .set(CE_ID, id.toString())
                    .set(CE_SOURCE, payloads.source())
                    .set(CE_TYPE, EventPayloads.CLOUD_EVENT_TYPE)
                    .set(CE_TIME, payloads.time().toString());
            DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
                    Unpooled.wrappedBuffer(body), headers, new DefaultHttpHeaders(false));
            pending.addLast(new long[] {sequence, System.nanoTime()});
            channel.write(request, channel.voidPromise());
            needsFlush = true;
            return true;
        }

        private void flush() {
            if (needsFlush) {
                needsFlush = false;
                channel.flush();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse response) {
                    success = response.status().code() / 100 == 2;
                }
                if (msg instanceof LastHttpContent) {
                    long[] request = pending.pollFirst();
                    if (request != null && tracker != null) {
                        if (success) {
                            tracker.acknowledged((int) request[0], request[1]);
                        } else {
                            tracker.failed((int) request[0]);
                        }
                        sendNext();
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            long[] request;
            while ((request = pending.pollFirst()) != null) {
                if (tracker != null) {
                    tracker.failed((int) request[0]);
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
