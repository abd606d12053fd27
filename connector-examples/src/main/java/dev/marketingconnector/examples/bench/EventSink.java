package dev.marketingconnector.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
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
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * The events endpoint the benchmarks forward to, standing in for Kyma eventing: a small Netty HTTP
 * server on loopback. It takes
 * <ul>
 *   <li>CloudEvents 1.0 at any path but {@code …/v1/events} (binary mode: {@code ce-specversion},
 *       {@code ce-id}, {@code ce-source}, {@code ce-type} headers; structured mode:
 *       {@code application/cloudevents+json}) → 204;</li>
 *   <li>Kyma events v1 at {@code /{application}/v1/events}, or {@code /v1/events} with a {@code source-id}
 *       (the Kyma 1.x publish service the seed's Node bridge posts to): {@code event-type},
 *       {@code event-type-version}, {@code event-time}, {@code data}, optional {@code event-id} → 200
 *       {@code {"event-id": …}}.</li>
 * </ul>
 * A request that breaks its contract is answered 400 with the field named, and counted. Every
 * accepted event id goes into the current {@link DeliveryLedger}; an event without {@code event-id}
 * (the seed's bridge sends none) is identified by the contact id in {@code data.KEY[0].CONTACTID},
 * which the benchmark payloads set to the event id.
 *
 * <p>Faults, as a flaky Kyma: {@link #failRatio} answers a share of the POSTs 503 at random (seeded);
 * {@link #startOutage} answers every POST 503 ({@link OutageMode#UNAVAILABLE}) or closes the listening
 * socket and every connection so that connects are refused ({@link OutageMode#REFUSE}) until
 * {@link #endOutage}. Refused requests of a run go to the ledger as refusals, so it can prove that
 * each one came again with its id. An optional delay applies to every answer and blocks no thread.
 */
final class EventSink implements AutoCloseable {

    static final int DEFAULT_THREADS = 2;
    static final String V1_SUFFIX = "/v1/events";
    /** Kyma eventing refuses events over 64 KiB. */
    static final int MAX_EVENT_BYTES = 64 * 1024;
    private static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EVENT_TYPE = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
    private static final Pattern EVENT_TYPE_VERSION = Pattern.compile("[A-Za-z0-9]{1,4}");

    /** How the sink is down during an outage. */
    enum OutageMode {
        /** Every POST is answered 503 (Kyma's publisher proxy up, its backend down). */
        UNAVAILABLE,
        /** The port is closed: connects are refused, open connections are closed (Kyma unreachable). */
        REFUSE;

        static OutageMode parse(String text) {
            return switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "503", "unavailable" -> UNAVAILABLE;
                case "refuse", "refused", "down" -> REFUSE;
                default -> throw new IllegalArgumentException("outage mode must be 503 or refuse, got '" + text + "'");
            };
        }
    }

    private final EventLoopGroup group;
    private final ServerBootstrap bootstrap;
    private final ChannelGroup children = new DefaultChannelGroup("bench-sink-connections", GlobalEventExecutor.INSTANCE);
    private final InetSocketAddress address;
    private final URI base;
    private final LongAdder requests = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final AtomicLong firstAcceptAfterOutage = new AtomicLong();
    private volatile Channel server;
    private volatile String lastRejection;
    private volatile long delayNanos;
    private volatile DeliveryLedger ledger;
    private volatile double failRatio;
    private volatile Random faults = new Random(0);
    private volatile OutageMode outage;
    private volatile long outageEndedAt;

    private EventSink(int threads) {
        this.group = new NioEventLoopGroup(threads, new DefaultThreadFactory("bench-sink", true));
        this.bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        children.add(channel);
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
        this.address = (InetSocketAddress) server.localAddress();
        this.base = URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort());
    }

    static EventSink start(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("sink threads must be >= 1, got " + threads);
        }
        return new EventSink(threads);
    }

    /** {@code http://127.0.0.1:<port>/publish}: CloudEvents, as the publisher proxy of current Kyma. */
    URI publishUrl() {
        return base.resolve("/publish");
    }

    /** {@code http://127.0.0.1:<port>/v1/events}: Kyma events v1 with {@code source-id}, as the Kyma 1.x publish service. */
    URI kymaV1Url() {
        return base.resolve(V1_SUFFIX);
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

    /** Answers this share of the POSTs (0 to 1) with 503, drawn from a random sequence seeded with {@code seed}. */
    EventSink failRatio(double ratio, long seed) {
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("fault ratio must be between 0 and 1, got " + ratio);
        }
        this.faults = new Random(seed);
        this.failRatio = ratio;
        return this;
    }

    /** Kyma goes down until {@link #endOutage()}. */
    synchronized void startOutage(OutageMode mode) {
        Objects.requireNonNull(mode, "mode");
        if (outage != null) {
            throw new IllegalStateException("an outage is already on");
        }
        firstAcceptAfterOutage.set(0);
        outageEndedAt = 0;
        outage = mode;
        if (mode == OutageMode.REFUSE) {
            server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            children.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Kyma is back: the port listens again (same address), POSTs are accepted.
     *
     * @return when the outage ended ({@link System#nanoTime()}), 0 when none was on
     */
    synchronized long endOutage() {
        if (outage == null) {
            return 0;
        }
        if (outage == OutageMode.REFUSE) {
            server = rebind();
        }
        long now = System.nanoTime();
        outageEndedAt = now;
        outage = null;
        return now;
    }

    private Channel rebind() {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                return bootstrap.bind(address).syncUninterruptibly().channel();
            } catch (RuntimeException e) {
                last = e;
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new IllegalStateException("the events sink cannot listen on " + address + " again after the outage", last);
    }

    boolean inOutage() {
        return outage != null;
    }

    /** From the end of the last outage to the first event accepted after it; empty while none was. */
    Optional<Duration> firstAcceptAfterOutage() {
        long ended = outageEndedAt;
        long first = firstAcceptAfterOutage.get();
        return ended == 0 || first == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(Math.max(0, first - ended)));
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

    /** Events accepted (2xx), all runs. */
    long accepted() {
        return accepted.sum();
    }

    /** POSTs answered 503 or dropped by a fault or an outage, all runs. */
    long refused() {
        return refused.sum();
    }

    /** Requests answered 400/413 because they broke the contract, all runs. */
    long rejected() {
        return rejected.sum();
    }

    /** Why the last request was rejected, if one was. */
    Optional<String> lastRejection() {
        return Optional.ofNullable(lastRejection);
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        children.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    /** The event a request carries: its id, or why it breaks the contract. */
    record Parsed(String id, boolean v1, String error, List<String> details) {

        static Parsed ok(String id, boolean v1) {
            return new Parsed(id, v1, null, List.of());
        }

        static Parsed invalid(boolean v1, String error, List<String> details) {
            return new Parsed(null, v1, error, List.copyOf(details));
        }
    }

    /** Reads and checks one request (package-private for tests). */
    static Parsed parse(FullHttpRequest request) {
        String path = request.uri();
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        boolean v1 = path.endsWith(V1_SUFFIX);
        if (request.content().readableBytes() > MAX_EVENT_BYTES) {
            return Parsed.invalid(v1, "payload too large", List.of("body: " + request.content().readableBytes() + " bytes, at most "
                    + MAX_EVENT_BYTES));
        }
        return v1 ? parseV1(request, path.equals(V1_SUFFIX)) : parseCloudEvent(request);
    }

    private static Parsed parseCloudEvent(FullHttpRequest request) {
        String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        List<String> problems = new ArrayList<>();
        if (contentType.toLowerCase(Locale.ROOT).startsWith("application/cloudevents+json")) {
            JsonNode event = readJson(request);
            if (event == null || !event.isObject()) {
                return Parsed.invalid(false, "structured CloudEvent is not a JSON object", List.of("body"));
            }
            if (!"1.0".equals(text(event, "specversion"))) {
                problems.add("specversion: must be 1.0");
            }
            for (String field : List.of("id", "source", "type")) {
                if (text(event, field) == null || text(event, field).isEmpty()) {
                    problems.add(field + ": required");
                }
            }
            return problems.isEmpty() ? Parsed.ok(text(event, "id"), false) : Parsed.invalid(false, "invalid CloudEvent", problems);
        }
        if (!"1.0".equals(request.headers().get("ce-specversion"))) {
            problems.add("ce-specversion: must be 1.0");
        }
        for (String header : List.of("ce-id", "ce-source", "ce-type")) {
            String value = request.headers().get(header);
            if (value == null || value.isEmpty()) {
                problems.add(header + ": required");
            }
        }
        return problems.isEmpty() ? Parsed.ok(request.headers().get("ce-id"), false) : Parsed.invalid(false, "invalid CloudEvent", problems);
    }

    private static Parsed parseV1(FullHttpRequest request, boolean needsSourceId) {
        JsonNode event = readJson(request);
        if (event == null || !event.isObject()) {
            return Parsed.invalid(true, "body is not a JSON object", List.of("body"));
        }
        List<String> problems = new ArrayList<>();
        if (needsSourceId && (text(event, "source-id") == null || text(event, "source-id").isEmpty())) {
            problems.add("source-id: required at /v1/events");
        }
        String type = text(event, "event-type");
        if (type == null || type.length() > 253 || !EVENT_TYPE.matcher(type).matches()) {
            problems.add("event-type: dot-separated hostname-like labels, at most 253 characters");
        }
        String version = text(event, "event-type-version");
        if (version == null || !EVENT_TYPE_VERSION.matcher(version).matches()) {
            problems.add("event-type-version: 1 to 4 letters or digits");
        }
        String time = text(event, "event-time");
        try {
            if (time == null) {
                problems.add("event-time: required");
            } else {
                OffsetDateTime.parse(time);
            }
        } catch (DateTimeParseException e) {
            problems.add("event-time: not RFC 3339: " + time);
        }
        JsonNode data = event.get("data");
        if (data == null || data.isNull()) {
            problems.add("data: required, not null");
        }
        String id = text(event, "event-id");
        if (id != null) {
            try {
                UUID.fromString(id);
            } catch (IllegalArgumentException e) {
                problems.add("event-id: not a UUID: " + id);
            }
        }
        if (!problems.isEmpty()) {
            return Parsed.invalid(true, "invalid event", problems);
        }
        if (id == null && data != null) {
            // The seed's bridge drops the SAP event id; the benchmark payloads carry it as the contact id too.
            JsonNode key = data.path("KEY").path(0).path("CONTACTID");
            id = key.isTextual() ? key.asText() : null;
        }
        return Parsed.ok(id, true);
    }

    private static JsonNode readJson(FullHttpRequest request) {
        try (InputStream body = new ByteBufInputStream(request.content().duplicate())) {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() ? null : value.asText();
    }

    private boolean faultNow() {
        double ratio = failRatio;
        return ratio > 0 && faults.nextDouble() < ratio;
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            requests.increment();
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (!HttpMethod.POST.equals(request.method())) {
                reply(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, null);
                return;
            }
            Parsed event = parse(request);
            DeliveryLedger current = ledger;
            if (event.error() != null) {
                rejected.increment();
                lastRejection = event.error() + ": " + String.join("; ", event.details());
                HttpResponseStatus status = event.error().equals("payload too large") ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE
                        : HttpResponseStatus.BAD_REQUEST;
                reply(ctx, keepAlive, status, errorBody(status, event.error(), event.details()));
                return;
            }
            OutageMode down = outage;
            if (down == OutageMode.REFUSE) {
                refused.increment();
                if (current != null) {
                    current.recordRefused(event.id());
                }
                ctx.close();
                return;
            }
            if (down != null || faultNow()) {
                refused.increment();
                if (current != null) {
                    current.recordRefused(event.id());
                }
                reply(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE,
                        errorBody(HttpResponseStatus.SERVICE_UNAVAILABLE, "event bus unavailable", List.of()));
                return;
            }
            accepted.increment();
            if (current != null) {
                current.record(event.id());
            }
            if (outageEndedAt != 0 && firstAcceptAfterOutage.get() == 0) {
                firstAcceptAfterOutage.compareAndSet(0, System.nanoTime());
            }
            if (event.v1()) {
                String id = event.id() != null ? event.id() : UUID.randomUUID().toString();
                reply(ctx, keepAlive, HttpResponseStatus.OK, ("{\"event-id\":\"" + id + "\"}").getBytes(StandardCharsets.US_ASCII));
            } else {
                reply(ctx, keepAlive, HttpResponseStatus.NO_CONTENT, null);
            }
        }

        private void reply(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, byte[] json) {
            FullHttpResponse response = json == null ? new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status)
                    : new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(json));
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, json == null ? 0 : json.length);
            if (json != null) {
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            }
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

    /** Kyma's error shape: {@code {status, type, message, details[]}}. */
    private static byte[] errorBody(HttpResponseStatus status, String message, List<String> details) {
        ObjectNode body = JSON.createObjectNode().put("status", status.code()).put("type", status.reasonPhrase()).put("message", message);
        ArrayNode array = body.putArray("details");
        details.forEach(detail -> array.addObject().put("message", detail));
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            return ("{\"status\":" + status.code() + "}").getBytes(StandardCharsets.US_ASCII);
        }
    }
}
