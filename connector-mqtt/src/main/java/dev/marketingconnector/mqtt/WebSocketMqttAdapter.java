package dev.marketingconnector.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * Turns binary WebSocket frames into the byte stream the MQTT decoder reads (an MQTT packet may
 * span frames and a frame may hold several packets), wraps outgoing bytes in binary frames and
 * answers the WebSocket control frames.
 */
final class WebSocketMqttAdapter extends ChannelDuplexHandler {

    /** Fired downstream when the client closed the WebSocket itself. */
    static final Object CLIENT_CLOSED = new Object();

    private boolean closeSent;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
            ctx.fireChannelRead(((WebSocketFrame) msg).content());
        } else if (msg instanceof PingWebSocketFrame ping) {
            ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
        } else if (msg instanceof CloseWebSocketFrame close) {
            close.release();
            ctx.fireUserEventTriggered(CLIENT_CLOSED);
            if (!closeSent) {
                closeSent = true;
                ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        } else if (msg instanceof WebSocketFrame frame) {
            boolean text = !(frame instanceof PongWebSocketFrame);
            frame.release();
            if (text) {
                ctx.fireExceptionCaught(new ProtocolViolationException("a text WebSocket frame (MQTT travels in binary frames)"));
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf bytes) {
            ctx.write(new BinaryWebSocketFrame(bytes), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (!closeSent && ctx.channel().isActive()) {
            closeSent = true;
            // Best effort and never waited for: a peer that does not read must not hold the socket open.
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE));
        }
        ctx.close(promise);
    }
}
