package dev.fanout.bench;

import dev.fanout.protocol.control.ControlCodec;
import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.ControlProtocolException;
import dev.fanout.protocol.control.FrameType;
import dev.fanout.protocol.frame.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;

/**
 * Reads what a fanout server sends a control-mode client, in place: each MSG's payload goes to the sink as a
 * slice of the received bytes, its header fields are read where they lie, and nothing is allocated per message
 * or passed down the pipeline. Stateful: one per connection.
 *
 * <pre>
 * any frame before the WELCOME          skipped: raw frames of the default topic, sent before the server read HELLO
 * WELCOME (8a + magic)                  checked once: version 1; from then on every frame is typed
 * MSG (b0) for subscription 1           the payload (the rest of the body, after the topic) goes to the sink
 * ACK (a1)                              its publish id goes to the ack sink, read in place
 * SUBSCRIBED (92)                       fires {@link WireEvent#SUBSCRIBED}
 * PING (81)                             answered with a PONG carrying its token
 * PONG, GAP, RESET                      ignored: messages a GAP reports show as lost in the tally
 * ERROR (be)                            fails: {@link ServerErrorException}, with the code and the server's text
 * GOODBYE (bf)                          fails: {@link ServerErrorException}, with the reason; the server closes next
 * </pre>
 *
 * <p>A frame whose body is longer than the maximum fails with a {@link TooLongFrameException}; anything else
 * unexpected (an empty body, a type a server never sends, a MSG or an ACK cut short, a MSG for another
 * subscription) with a
 * {@link CorruptedFrameException}. After a failure the decoder discards whatever else arrives; whoever handles
 * the exception closes the connection.
 */
final class FanoutControlDecoder extends ScanningDecoder {

    /** A MSG body's bytes before its topic's: type, subscription id, epoch, sequence, publish time, topic length. */
    private static final int MSG_HEADER_BYTES = 1 + 4 + 8 + 8 + 8 + 2;
    private static final int MSG = FrameType.MSG.code();
    /** An ACK body: type, publish id, epoch, sequence. */
    private static final int ACK_BODY_BYTES = 1 + 8 + 8 + 8;
    private static final int ACK = FrameType.ACK.code();
    /** The most bytes of a broken frame an exception message shows. */
    private static final int EXCERPT_BYTES = 32;

    private final PayloadSink sink;
    private final AckSink acks;
    private final int maxBody;
    private boolean welcomed;

    /** A decoder whose MSG payloads go to {@code sink} and whose ACKs are ignored. */
    FanoutControlDecoder(PayloadSink sink, int maxBody) {
        this(sink, publishId -> { }, maxBody);
    }

    /** A decoder whose MSG payloads go to {@code sink} and ACKs' publish ids to {@code acks}. */
    FanoutControlDecoder(PayloadSink sink, AckSink acks, int maxBody) {
        this.sink = sink;
        this.acks = acks;
        this.maxBody = maxBody;
    }

    @Override
    protected void scan(ChannelHandlerContext ctx, ByteBuf in) {
        while (in.readableBytes() >= Frames.LENGTH_BYTES) {
            int start = in.readerIndex();
            long length = in.getUnsignedInt(start);
            if (length > maxBody) {
                throw new TooLongFrameException("fanout frame of " + length + " bytes exceeds the maximum of "
                        + maxBody);
            }
            if (in.readableBytes() < Frames.LENGTH_BYTES + length) {
                return;
            }
            int body = start + Frames.LENGTH_BYTES;
            int end = body + (int) length;
            if (!welcomed) {
                welcomed = isWelcome(in, body, end);
            } else if (length > 0 && in.getUnsignedByte(body) == MSG) {
                msg(in, body, end);
            } else if (length > 0 && in.getUnsignedByte(body) == ACK) {
                ack(in, body, end);
            } else {
                other(ctx, in, body, end);
            }
            in.readerIndex(end);
        }
    }

    /** Hands a MSG's payload to the sink; the fields before it are checked only as far as finding it needs. */
    private void msg(ByteBuf in, int body, int end) {
        if (end - body < MSG_HEADER_BYTES) {
            throw new CorruptedFrameException("fanout MSG of " + (end - body) + " bytes, shorter than its "
                    + MSG_HEADER_BYTES + "-byte header: " + hex(in, body, end));
        }
        int subscription = in.getInt(body + 1);
        if (subscription != FanoutControlWire.SUBSCRIPTION_ID) {
            throw new CorruptedFrameException("fanout MSG for subscription " + subscription + "; the bench made only "
                    + FanoutControlWire.SUBSCRIPTION_ID);
        }
        int payload = body + MSG_HEADER_BYTES + in.getUnsignedShort(body + MSG_HEADER_BYTES - 2);
        if (payload > end) {
            throw new CorruptedFrameException("fanout MSG whose topic runs past the end of its " + (end - body)
                    + "-byte body");
        }
        sink.onPayload(in, payload, end - payload);
    }

    /** Hands an ACK's publish id to the ack sink; with an acknowledged publisher there is one per message. */
    private void ack(ByteBuf in, int body, int end) {
        long publishId = end - body == ACK_BODY_BYTES ? in.getLong(body + 1) : 0;
        if (publishId < 1) {
            throw new CorruptedFrameException("fanout ACK of " + (end - body) + " bytes (" + ACK_BODY_BYTES
                    + " expected) or without a publish id: " + hex(in, body, end));
        }
        acks.onAck(publishId);
    }

    /** Whether the frame is the WELCOME, checked whole; anything before it is skipped. Allocates only here. */
    private static boolean isWelcome(ByteBuf in, int body, int end) {
        ByteBuf frame = in.slice(body, end - body);
        if (!ControlCodec.isWelcome(frame)) {
            return false;
        }
        ControlFrame.Welcome welcome = (ControlFrame.Welcome) decode(frame);
        if (welcome.version() != ControlCodec.VERSION) {
            throw new CorruptedFrameException("fanout WELCOME of protocol version " + welcome.version()
                    + "; the bench speaks version " + ControlCodec.VERSION);
        }
        return true;
    }

    /** Acts on a typed frame that is not a MSG: rare, so it is decoded whole. */
    private static void other(ChannelHandlerContext ctx, ByteBuf in, int body, int end) {
        ControlFrame frame = decode(in.slice(body, end - body));
        frame.release();
        if (frame instanceof ControlFrame.Ping ping) {
            ctx.writeAndFlush(ControlCodec.encode(ctx.alloc(), new ControlFrame.Pong(ping.token())));
        } else if (frame instanceof ControlFrame.Subscribed) {
            ctx.fireUserEventTriggered(WireEvent.SUBSCRIBED);
        } else if (frame instanceof ControlFrame.Error error) {
            throw new ServerErrorException("fanout server error: " + error.code().label() + ": " + error.text());
        } else if (frame instanceof ControlFrame.Goodbye goodbye) {
            throw new ServerErrorException("fanout server said goodbye: " + goodbye.reason() + ": "
                    + goodbye.text());
        } else if (!frame.type().fromServer() || frame.type() == FrameType.WELCOME) {
            throw new CorruptedFrameException("unexpected fanout " + frame.type() + " frame: "
                    + hex(in, body, end));
        }
        // PONG, GAP, RESET: nothing to do.
    }

    /** The first bytes of {@code [from, to)} in hex, for a message about a broken frame. */
    private static String hex(ByteBuf in, int from, int to) {
        int shown = Math.min(to - from, EXCERPT_BYTES);
        return ByteBufUtil.hexDump(in, from, shown) + (shown < to - from ? "..." : "");
    }

    private static ControlFrame decode(ByteBuf body) {
        try {
            return ControlCodec.decode(body);
        } catch (ControlProtocolException e) {
            throw new CorruptedFrameException("broken fanout frame: " + e.getMessage(), e);
        }
    }
}
