package dev.marketingconnector.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * Reads the protocol level of the first packet before Netty's MQTT decoder does. MQTT 3.1.1
 * §3.1.2.2 wants CONNACK 0x01 and the close for a level the server does not serve; the decoder
 * would parse a level-5 CONNECT as MQTT 5 (and, when its layout is 3.1.1's, wait for bytes that
 * never come) and answer in MQTT 5's format. For a level other than 4 this swallows the input and
 * tells {@link MqttConnection} ({@link UnsupportedLevel}), which refuses in 3.1.1's format; for
 * level 4, or anything that is no MQTT CONNECT, it steps aside.
 */
final class ProtocolLevelGuard extends ChannelInboundHandlerAdapter {

    static final String NAME = "mqtt-level";
    private static final int CONNECT = 0x10;
    private static final int NEED_MORE = -1;
    private static final int PASS = -2;

    /** Fired towards {@link MqttConnection} when the first CONNECT asks for another level. */
    record UnsupportedLevel(String protocolName, int level) {
    }

    private ByteBuf received;
    private boolean refused;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf in = bytes;
        if (received != null) {
            received.writeBytes(bytes);
            bytes.release();
            in = received;
        }
        int level = level(in);
        if (level == NEED_MORE) {
            if (received == null) {
                received = ctx.alloc().buffer(16).writeBytes(bytes);
                bytes.release();
            }
            return;
        }
        received = null;
        if (level == PASS || level == 4) {
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(in);
            return;
        }
        refused = true;
        String name = in.toString(in.readerIndex() + nameOffset(in) + 2, in.getUnsignedShort(in.readerIndex() + nameOffset(in)),
                StandardCharsets.UTF_8);
        in.release();
        ctx.fireUserEventTriggered(new UnsupportedLevel(name, level));
    }

    /** The protocol level, {@link #PASS} when this is no MQTT CONNECT, {@link #NEED_MORE} when more bytes are needed. */
    private static int level(ByteBuf in) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        if (end - start < 1) {
            return NEED_MORE;
        }
        if ((in.getUnsignedByte(start) & 0xf0) != CONNECT) {
            return PASS;
        }
        int offset = nameOffsetOrNeedMore(in);
        if (offset < 0) {
            return offset;
        }
        if (start + offset + 2 > end) {
            return NEED_MORE;
        }
        int nameLength = in.getUnsignedShort(start + offset);
        if (nameLength != 4 && nameLength != 6) {
            return PASS; // not MQTT's name: the decoder refuses it
        }
        int levelAt = start + offset + 2 + nameLength;
        if (levelAt >= end) {
            return NEED_MORE;
        }
        String name = in.toString(start + offset + 2, nameLength, StandardCharsets.UTF_8);
        if (!name.equals("MQTT") && !name.equals("MQIsdp")) {
            return PASS;
        }
        return in.getUnsignedByte(levelAt);
    }

    /** Where the protocol name starts, after the fixed header's remaining length. */
    private static int nameOffsetOrNeedMore(ByteBuf in) {
        int start = in.readerIndex();
        for (int i = 1; i <= 4; i++) {
            if (start + i >= in.writerIndex()) {
                return NEED_MORE;
            }
            if ((in.getUnsignedByte(start + i) & 0x80) == 0) {
                return i + 1;
            }
        }
        return PASS; // a remaining length of more than four bytes: malformed, the decoder closes
    }

    private static int nameOffset(ByteBuf in) {
        return nameOffsetOrNeedMore(in);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (received != null) {
            received.release();
            received = null;
        }
    }
}
