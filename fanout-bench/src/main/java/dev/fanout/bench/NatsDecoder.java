package dev.fanout.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;

/**
 * Reads what a NATS server (the client protocol of nats-server 2.9) sends a client, in place: each message
 * payload goes to the sink as a slice of the received bytes, and nothing is allocated per message or passed
 * down the pipeline. Stateful: one per connection.
 *
 * <pre>
 * INFO {json} CR LF                                    ignored (nats-server puts a space before CR LF)
 * MSG subject sid [reply-to] #bytes CR LF              the #bytes bytes that follow, then CR LF, go to the sink
 * PING CR LF                                           answered with PONG CR LF
 * PONG CR LF                                           fires {@link WireEvent#SUBSCRIBED}
 * +OK CR LF                                            ignored (verbose mode only)
 * -ERR 'text' CR LF                                    fails: {@link ServerErrorException}
 * </pre>
 *
 * <p>Operation names match in any case, as the protocol allows. A control line longer than the maximum or a
 * payload larger than the maximum fails with a {@link TooLongFrameException}; anything else unexpected with a
 * {@link CorruptedFrameException}. After a failure the decoder discards whatever else arrives: the stream is
 * no longer trusted, and whoever handles the exception closes the connection.
 */
final class NatsDecoder extends ScanningDecoder {

    private static final byte[] MSG = ascii("MSG");
    private static final byte[] PING = ascii("PING");
    private static final byte[] PONG = ascii("PONG");
    private static final byte[] INFO = ascii("INFO");
    private static final byte[] OK = ascii("+OK");
    private static final byte[] ERR = ascii("-ERR");
    private static final byte[] PONG_LINE = ascii("PONG\r\n");

    private final PayloadSink sink;
    private final int maxControlLine;
    private final int maxPayload;
    /** The length of the payload whose MSG line has been read, or -1 while a control line comes next. */
    private int payloadLength = -1;

    NatsDecoder(PayloadSink sink, int maxControlLine, int maxPayload) {
        this.sink = sink;
        this.maxControlLine = maxControlLine;
        this.maxPayload = maxPayload;
    }

    @Override
    protected void scan(ChannelHandlerContext ctx, ByteBuf in) {
        while (true) {
            int start = in.readerIndex();
            if (payloadLength >= 0) {
                if (in.readableBytes() < payloadLength + 2) {
                    return;
                }
                int end = start + payloadLength;
                if (!Ascii.isCrlf(in, end)) {
                    throw new CorruptedFrameException("NATS payload of " + payloadLength
                            + " bytes not followed by CR LF but by " + Ascii.excerpt(in, end, end + 2));
                }
                sink.onPayload(in, start, payloadLength);
                in.readerIndex(end + 2);
                payloadLength = -1;
                continue;
            }
            int cr = Ascii.lineEnd(in, start, maxControlLine, "NATS control line");
            if (cr < 0) {
                return;
            }
            controlLine(ctx, in, start, cr);
            in.readerIndex(cr + 2);
        }
    }

    /** Acts on the control line {@code [start, cr)}. */
    private void controlLine(ChannelHandlerContext ctx, ByteBuf in, int start, int cr) {
        int opEnd = start;
        while (opEnd < cr && !Ascii.isBlank(in.getByte(opEnd))) {
            opEnd++;
        }
        if (Ascii.isWordIgnoreCase(in, start, opEnd, MSG)) {
            payloadLength = messageLength(in, start, opEnd, cr);
        } else if (Ascii.isWordIgnoreCase(in, start, opEnd, PING)) {
            ctx.writeAndFlush(ctx.alloc().buffer(PONG_LINE.length).writeBytes(PONG_LINE));
        } else if (Ascii.isWordIgnoreCase(in, start, opEnd, PONG)) {
            ctx.fireUserEventTriggered(WireEvent.SUBSCRIBED);
        } else if (Ascii.isWordIgnoreCase(in, start, opEnd, ERR)) {
            throw new ServerErrorException("NATS server error: " + Ascii.excerpt(in, start, cr));
        } else if (!Ascii.isWordIgnoreCase(in, start, opEnd, INFO) && !Ascii.isWordIgnoreCase(in, start, opEnd, OK)) {
            throw new CorruptedFrameException("unexpected NATS control line: " + Ascii.excerpt(in, start, cr));
        }
    }

    /**
     * The payload length of a MSG line: its last argument, after the subject, the sid and an optional reply-to.
     */
    private int messageLength(ByteBuf in, int start, int opEnd, int cr) {
        int args = 0;
        int lastStart = -1;
        int lastEnd = -1;
        for (int i = opEnd; i < cr; ) {
            if (Ascii.isBlank(in.getByte(i))) {
                i++;
                continue;
            }
            lastStart = i;
            while (i < cr && !Ascii.isBlank(in.getByte(i))) {
                i++;
            }
            lastEnd = i;
            args++;
        }
        if (args != 3 && args != 4) {
            throw new CorruptedFrameException("NATS MSG line with " + args + " arguments instead of 3 or 4: "
                    + Ascii.excerpt(in, start, cr));
        }
        long length = Ascii.parseDecimal(in, lastStart, lastEnd);
        if (length < 0) {
            throw new CorruptedFrameException("NATS MSG line without a byte count: " + Ascii.excerpt(in, start, cr));
        }
        if (length > maxPayload) {
            throw new TooLongFrameException("NATS message of " + (length == Long.MAX_VALUE ? "over 10^18" : length)
                    + " bytes exceeds the maximum of " + maxPayload);
        }
        return (int) length;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
