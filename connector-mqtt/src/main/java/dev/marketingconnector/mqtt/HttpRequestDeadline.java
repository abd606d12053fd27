package dev.marketingconnector.mqtt;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deadline for one HTTP request (head and body): it starts when the connection starts (TLS
 * handshake included) and again with the first byte after each complete request, and it is not
 * moved by further bytes, so a client that trickles a request byte by byte (slowloris) is closed
 * when it runs out. Sits in front of the HTTP codec; {@link HttpRouter} reports each complete
 * request and removes it at the WebSocket upgrade, where the MQTT connect deadline takes over.
 */
final class HttpRequestDeadline extends ChannelInboundHandlerAdapter {

    static final String NAME = "http-deadline";
    private static final Logger LOG = LoggerFactory.getLogger(HttpRequestDeadline.class);

    private final long timeoutNanos;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;

    HttpRequestDeadline(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        start();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (timer == null) {
            start();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    /** A complete request arrived: the next one gets its own deadline from its first byte. */
    void requestReceived() {
        cancel();
    }

    private void start() {
        timer = ctx.executor().schedule(this::expired, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expired() {
        timer = null;
        if (ctx.channel().isActive()) {
            LOG.debug("Closing the HTTP connection from {}: no complete request within {} ms",
                    BridgeContext.address(ctx.channel().remoteAddress()), TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
            ctx.close();
        }
    }
}
