package dev.marketingconnector.mqtt;

import dev.marketingconnector.core.internal.LogSafe;
import dev.marketingconnector.mqtt.BridgeListener.ConnectRefusal;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the bridge's port: token endpoint, probes, the AsyncAPI document, extra routes,
 * and the WebSocket upgrade (bearer token checked first) that hands the channel over to MQTT.
 *
 * <p>Answers are written only while the channel is writable: a peer that sends requests and does
 * not read the answers gets its further requests held, the socket is no longer read, and once it
 * has {@code maxPipelinedRequests} requests waiting the connection is closed. So what a connection
 * holds in unwritten answers stays within the write-buffer water mark plus one answer.
 */
final class HttpRouter extends ChannelInboundHandlerAdapter {

    static final String HTTP_IDLE = "http-idle";
    private static final Logger LOG = LoggerFactory.getLogger(HttpRouter.class);
    private static final String SUBPROTOCOLS = "mqtt,mqttv3.1";
    private static final String JSON = "application/json";
    private static final String REALM = "marketing-connector";

    private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private final BridgeContext bridge;
    private final TokenEndpoint tokenEndpoint;
    /** Requests that arrived while earlier answers were still unwritten, in order. */
    private final ArrayDeque<FullHttpRequest> held = new ArrayDeque<>();
    private boolean closing;
    private boolean upgraded;

    HttpRouter(BridgeContext bridge) {
        this.bridge = bridge;
        this.tokenEndpoint = new TokenEndpoint(bridge.config.clientId(), bridge.config.clientSecret(), bridge.tokens);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (ctx.pipeline().get(HttpRequestDeadline.NAME) instanceof HttpRequestDeadline deadline) {
            deadline.requestReceived();
        }
        if (closing) {
            request.release();
            return;
        }
        if (!held.isEmpty() || !ctx.channel().isWritable()) {
            if (held.size() >= bridge.config.maxPipelinedRequests()) {
                request.release();
                closing = true;
                bridge.refusedConnections.count(BridgeContext.host(ctx.channel().remoteAddress()),
                        "for more than " + bridge.config.maxPipelinedRequests() + " requests ahead of unread answers");
                ctx.close();
                return;
            }
            held.addLast(request);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        serve(ctx, request);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        drain(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    /** Answers held requests while the channel takes more; reads again once none is left. */
    private void drain(ChannelHandlerContext ctx) {
        while (!held.isEmpty() && ctx.channel().isWritable() && !closing && !upgraded) {
            serve(ctx, held.pollFirst());
        }
        if (held.isEmpty() && !closing && !upgraded && ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
        try {
            route(ctx, request);
        } finally {
            ReferenceCountUtil.release(request);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseHeld();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseHeld();
        ctx.fireChannelInactive();
    }

    private void releaseHeld() {
        FullHttpRequest request;
        while ((request = held.pollFirst()) != null) {
            request.release();
        }
    }

    private void route(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            send(ctx, request, error(HttpResponseStatus.BAD_REQUEST, "bad_request", "the request could not be read"), true);
            return;
        }
        HttpVersion version = request.protocolVersion();
        if (!"HTTP".equals(version.protocolName()) || version.majorVersion() != 1 || version.minorVersion() > 1) {
            send(ctx, request, error(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "http_version_not_supported",
                    "this server speaks HTTP/1.1 and HTTP/1.0"), true);
            return;
        }
        String path;
        try {
            path = new QueryStringDecoder(request.uri()).path();
        } catch (IllegalArgumentException e) {
            send(ctx, request, error(HttpResponseStatus.BAD_REQUEST, "bad_request", "the request URI is malformed"), true);
            return;
        }
        switch (path) {
            case "/", "/mqtt" -> {
                if (isUpgrade(request)) {
                    upgrade(ctx, request);
                } else {
                    FullHttpResponse response = error(HttpResponseStatus.UPGRADE_REQUIRED, "upgrade_required",
                            "MQTT is served over a WebSocket (subprotocol mqtt) on this path");
                    response.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
                    send(ctx, request, response, false);
                }
            }
            case "/oauth/token" -> token(ctx, request);
            case "/healthz" -> {
                if (readOnly(ctx, request)) {
                    send(ctx, request, json(HttpResponseStatus.OK, "{\"status\":\"ok\"}"), false);
                }
            }
            case "/readyz" -> {
                if (readOnly(ctx, request)) {
                    String reason = bridge.notReadyReason();
                    send(ctx, request, reason == null ? json(HttpResponseStatus.OK, "{\"status\":\"ready\"}")
                            : json(HttpResponseStatus.SERVICE_UNAVAILABLE, "{\"status\":\"not ready\",\"reason\":\"" + reason + "\"}"),
                            false);
                }
            }
            case "/asyncapi.json" -> {
                if (readOnly(ctx, request)) {
                    send(ctx, request, bridge.asyncApiJson == null
                            ? error(HttpResponseStatus.NOT_FOUND, "not_found", "no event catalog is configured")
                            : response(HttpResponseStatus.OK, JSON, bridge.asyncApiJson), false);
                }
            }
            default -> {
                HttpRoute route = bridge.config.routes().get(path);
                if (route == null) {
                    send(ctx, request, error(HttpResponseStatus.NOT_FOUND, "not_found", "no such path"), false);
                } else {
                    extra(ctx, request, path, route);
                }
            }
        }
    }

    private boolean readOnly(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (HttpMethod.GET.equals(request.method()) || HttpMethod.HEAD.equals(request.method())) {
            return true;
        }
        FullHttpResponse response = error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "use GET");
        response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        send(ctx, request, response, false);
        return false;
    }

    private void token(ChannelHandlerContext ctx, FullHttpRequest request) {
        String client = clientAddress(ctx, request);
        long retryAfter = bridge.tokenThrottle.retryAfterSeconds(client);
        if (retryAfter > 0) {
            FullHttpResponse response = error(HttpResponseStatus.TOO_MANY_REQUESTS, "too_many_requests",
                    "too many failed attempts from this address; retry after " + retryAfter + " s");
            response.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(retryAfter));
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
            bridge.tokenFailures.count(client, "throttled (429)");
            bridge.listeners.tokenRequest(BridgeListener.TokenOutcome.THROTTLED);
            send(ctx, request, response, false);
            return;
        }
        TokenEndpoint.Answer answer = tokenEndpoint.handle(request);
        FullHttpResponse response = json(answer.status(), answer.body());
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        response.headers().set(HttpHeaderNames.PRAGMA, HttpHeaderValues.NO_CACHE);
        if (answer.challenge()) {
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\"");
        }
        if (answer.status() == HttpResponseStatus.METHOD_NOT_ALLOWED) {
            response.headers().set(HttpHeaderNames.ALLOW, "POST");
        }
        if (answer.outcome() == BridgeListener.TokenOutcome.INVALID_CLIENT) {
            bridge.tokenThrottle.failed(client);
        }
        if (answer.status() != HttpResponseStatus.OK) {
            bridge.tokenFailures.count(client, answer.outcome().name().toLowerCase(Locale.ROOT));
        }
        bridge.listeners.tokenRequest(answer.outcome());
        send(ctx, request, response, false);
    }

    private void extra(ChannelHandlerContext ctx, FullHttpRequest request, String path, HttpRoute route) {
        Map<String, String> headers = new HashMap<>();
        request.headers().forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        String uri = request.uri();
        int q = uri.indexOf('?');
        HttpRoute.Response answer;
        try {
            answer = route.handle(new HttpRoute.Request(request.method().name(), path, q < 0 ? "" : uri.substring(q + 1), headers));
            if (answer == null) {
                throw new IllegalStateException("the route returned no response");
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            LOG.warn("Route {} failed: {}", LogSafe.of(path), LogSafe.of(e));
            send(ctx, request, error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error", "the route failed"), false);
            return;
        }
        send(ctx, request, response(HttpResponseStatus.valueOf(answer.status()), answer.contentType(), answer.body()), false);
    }

    // ---------------------------------------------------------------- WebSocket upgrade

    private static boolean isUpgrade(FullHttpRequest request) {
        return HttpMethod.GET.equals(request.method())
                && request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
        String remote = remote(ctx);
        if (!bridge.accepting()) {
            LOG.info("Refused the WebSocket upgrade from {} (shutting_down): the bridge is shutting down", remote);
            bridge.listeners.connectRefused(remote, ConnectRefusal.SHUTTING_DOWN);
            send(ctx, request, error(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable", "the bridge is shutting down"), true);
            return;
        }
        boolean authenticated;
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (authorization == null) {
            if (!bridge.config.tokenAsConnectPassword()) {
                unauthorized(ctx, request, remote, ConnectRefusal.NO_TOKEN);
                return;
            }
            authenticated = false;
        } else {
            String token = authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).strip() : null;
            TokenService.Verdict verdict = token == null ? TokenService.Verdict.INVALID : bridge.tokens.verify(token);
            if (verdict != TokenService.Verdict.VALID) {
                unauthorized(ctx, request, remote,
                        verdict == TokenService.Verdict.EXPIRED ? ConnectRefusal.EXPIRED_TOKEN : ConnectRefusal.BAD_TOKEN);
                return;
            }
            authenticated = true;
        }
        WebSocketDecoderConfig frames = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(bridge.maxPacketBytes + 8)
                .expectMaskedFrames(true)
                .allowMaskMismatch(false)
                .allowExtensions(false)
                .closeOnProtocolViolation(true)
                .build();
        String host = request.headers().get(HttpHeaderNames.HOST, "localhost");
        String scheme = bridge.config.tlsEnabled() ? "wss://" : "ws://";
        WebSocketServerHandshaker handshaker =
                new WebSocketServerHandshakerFactory(scheme + host + request.uri(), SUBPROTOCOLS, frames).newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel()).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        try {
            handshaker.handshake(ctx.channel(), request).addListener((ChannelFutureListener) done -> {
                if (!done.isSuccess()) {
                    LOG.debug("WebSocket handshake with {} failed: {}", remote, LogSafe.of(done.cause()));
                    done.channel().close();
                }
            });
        } catch (RuntimeException e) {
            send(ctx, request, error(HttpResponseStatus.BAD_REQUEST, "bad_request", "not a valid WebSocket upgrade"), true);
            return;
        }
        upgraded = true;
        releaseHeld();
        ChannelPipeline pipeline = ctx.pipeline();
        pipeline.remove(HTTP_IDLE);
        if (pipeline.get(HttpRequestDeadline.NAME) != null) {
            pipeline.remove(HttpRequestDeadline.NAME); // the MQTT connect deadline, counted from the accept, takes over
        }
        pipeline.addAfter(ctx.name(), "ws-mqtt", new WebSocketMqttAdapter());
        pipeline.addAfter("ws-mqtt", ProtocolLevelGuard.NAME, new ProtocolLevelGuard());
        pipeline.addAfter(ProtocolLevelGuard.NAME, "mqtt-decoder", new MqttDecoder(bridge.maxPacketBytes));
        pipeline.addAfter("mqtt-decoder", "mqtt-encoder", MqttEncoder.INSTANCE);
        pipeline.addAfter("mqtt-encoder", "mqtt", new MqttConnection(bridge, "websocket", authenticated));
        pipeline.remove(this);
        ctx.channel().config().setAutoRead(true); // MqttConnection takes over flow control from here
    }

    private void unauthorized(ChannelHandlerContext ctx, FullHttpRequest request, String remote, ConnectRefusal reason) {
        String description = switch (reason) {
            case NO_TOKEN -> "a bearer token is required";
            case EXPIRED_TOKEN -> "the token has expired";
            default -> "the token is not valid";
        };
        LOG.info("Refused the WebSocket upgrade from {} ({}): {}", remote, reason.name().toLowerCase(Locale.ROOT), description);
        bridge.listeners.connectRefused(remote, reason);
        FullHttpResponse response = reason == ConnectRefusal.NO_TOKEN
                ? error(HttpResponseStatus.UNAUTHORIZED, "unauthorized", description)
                : error(HttpResponseStatus.UNAUTHORIZED, "invalid_token", description);
        response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, reason == ConnectRefusal.NO_TOKEN
                ? "Bearer realm=\"" + REALM + "\""
                : "Bearer realm=\"" + REALM + "\", error=\"invalid_token\", error_description=\"" + description + "\"");
        send(ctx, request, response, true);
    }

    // ---------------------------------------------------------------- plumbing

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("HTTP connection from {} failed: {}", remote(ctx), LogSafe.of(cause));
        ctx.close();
    }

    private static String remote(ChannelHandlerContext ctx) {
        return BridgeContext.address(ctx.channel().remoteAddress());
    }

    /**
     * The client's address for throttling and logs: the TCP peer, or with {@code trustedProxyHops}
     * n the n-th {@code X-Forwarded-For} entry from the right (entries further left are the
     * client's own claims and never trusted). Falls back to the peer when the header has fewer
     * entries or the entry is no IP address.
     */
    private String clientAddress(ChannelHandlerContext ctx, FullHttpRequest request) {
        String peer = BridgeContext.host(ctx.channel().remoteAddress());
        int hops = bridge.config.trustedProxyHops();
        if (hops == 0) {
            return peer;
        }
        List<String> entries = new ArrayList<>();
        for (String value : request.headers().getAll("X-Forwarded-For")) {
            for (String entry : value.split(",")) {
                entries.add(entry.strip());
            }
        }
        if (entries.size() < hops) {
            return peer;
        }
        String entry = entries.get(entries.size() - hops);
        return IP_LITERAL.matcher(entry).matches() ? entry : peer;
    }

    private static FullHttpResponse error(HttpResponseStatus status, String error, String description) {
        return json(status, "{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}");
    }

    private static FullHttpResponse json(HttpResponseStatus status, String body) {
        return response(status, JSON, body.getBytes(StandardCharsets.UTF_8));
    }

    private static FullHttpResponse response(HttpResponseStatus status, String contentType, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        return response;
    }

    private void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response, boolean close) {
        HttpUtil.setContentLength(response, response.content().readableBytes());
        if (HttpMethod.HEAD.equals(request.method())) {
            response.content().clear();
        }
        boolean keepAlive = !close && HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            closing = true;
            releaseHeld();
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
