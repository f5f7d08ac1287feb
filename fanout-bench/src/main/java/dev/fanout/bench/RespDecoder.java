package dev.fanout.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;

/**
 * Reads what a Redis server sends a pub/sub client in RESP2, in place: each message payload goes to the sink
 * as a slice of the received bytes, and nothing is allocated per message or passed down the pipeline.
 * Stateful: one per connection.
 *
 * <pre>
 * *3 CR LF $7 CR LF message CR LF $n CR LF channel CR LF $n CR LF payload CR LF   the payload goes to the sink
 * *3 CR LF $9 CR LF subscribe CR LF $n CR LF channel CR LF :count CR LF           fires {@link WireEvent#SUBSCRIBED}
 * :n CR LF                                                    PUBLISH's reply (receivers), ignored
 * +text CR LF, $n CR LF bytes CR LF, other flat arrays        ignored
 * -ERR text CR LF                                             fails: {@link ServerErrorException}
 * </pre>
 *
 * <p>Each whole reply but an error (a value outside an array, or a whole array) also goes to the ack sink, if there
 * is one: a publisher that waits for its commands' replies (XADD's entry ids) counts them there, in order.
 *
 * <p>Pub/sub never nests arrays, so a nested array is a broken stream, as is a line or a bulk string longer than
 * the maximum ({@link TooLongFrameException}) or anything else unexpected ({@link CorruptedFrameException}).
 * After a failure the decoder discards whatever else arrives; whoever handles the exception closes the
 * connection.
 */
final class RespDecoder extends ScanningDecoder {

    /** Pub/sub pushes have 3 elements ({@code pmessage} 4); anything much longer is not one. */
    private static final int MAX_ARRAY = 16;
    private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUBSCRIBE = "subscribe".getBytes(StandardCharsets.US_ASCII);

    /** What the array being read is, known from its first element. */
    private enum Kind { MESSAGE, SUBSCRIBE, OTHER }

    private final PayloadSink sink;
    private final AckSink replies;
    private final int maxLine;
    private final int maxBulk;
    /** The length of the bulk string whose header has been read, or -1 while a line comes next. */
    private int bulkLength = -1;
    /** Elements of the current array still to come; 0 outside an array. */
    private int remaining;
    /** The current array's length and the index of its next element. */
    private int arrayLength;
    private int element;
    private Kind kind = Kind.OTHER;

    /** A decoder whose messages' payloads go to {@code sink}; replies are not counted. */
    RespDecoder(PayloadSink sink, int maxLine, int maxBulk) {
        this(sink, publishId -> { }, maxLine, maxBulk);
    }

    /** A decoder whose messages' payloads go to {@code sink}, and each whole reply to {@code replies}. */
    RespDecoder(PayloadSink sink, AckSink replies, int maxLine, int maxBulk) {
        this.sink = sink;
        this.replies = replies;
        this.maxLine = maxLine;
        this.maxBulk = maxBulk;
    }

    @Override
    protected void scan(ChannelHandlerContext ctx, ByteBuf in) {
        while (true) {
            int start = in.readerIndex();
            if (bulkLength >= 0) {
                if (in.readableBytes() < bulkLength + 2) {
                    return;
                }
                int end = start + bulkLength;
                if (!Ascii.isCrlf(in, end)) {
                    throw new CorruptedFrameException("RESP bulk string of " + bulkLength
                            + " bytes not followed by CR LF but by " + Ascii.excerpt(in, end, end + 2));
                }
                bulk(in, start, bulkLength);
                in.readerIndex(end + 2);
                bulkLength = -1;
                elementDone(ctx);
                continue;
            }
            int cr = Ascii.lineEnd(in, start, maxLine, "RESP line");
            if (cr < 0) {
                return;
            }
            line(ctx, in, start, cr);
            in.readerIndex(cr + 2);
        }
    }

    /** Acts on the line {@code [start, cr)}: its first byte is its type. */
    private void line(ChannelHandlerContext ctx, ByteBuf in, int start, int cr) {
        switch (cr > start ? in.getByte(start) : 0) {
            case '*' -> arrayHeader(in, start, cr);
            case '$' -> {
                long length = length(in, start, cr, maxBulk);
                if (length < 0) {
                    elementDone(ctx);
                } else {
                    bulkLength = (int) length;
                }
            }
            case ':' -> {
                boolean negative = cr > start + 1 && in.getByte(start + 1) == '-';
                if (Ascii.parseDecimal(in, start + (negative ? 2 : 1), cr) < 0) {
                    throw corrupted("RESP integer", in, start, cr);
                }
                elementDone(ctx);
            }
            case '+' -> elementDone(ctx);
            case '-' -> throw new ServerErrorException("Redis server error: " + Ascii.excerpt(in, start, cr));
            default -> throw corrupted("RESP line of unknown type", in, start, cr);
        }
    }

    private void arrayHeader(ByteBuf in, int start, int cr) {
        if (remaining > 0) {
            throw corrupted("nested RESP array, never sent in pub/sub", in, start, cr);
        }
        long length = length(in, start, cr, MAX_ARRAY);
        if (length > 0) {
            remaining = (int) length;
            arrayLength = remaining;
            element = 0;
            kind = Kind.OTHER;
        } else {
            // An empty or null array is a whole reply.
            replies.onAck(AckSink.IN_ORDER);
        }
    }

    /** The length in a {@code $} or {@code *} header: -1 for a null (RESP2's {@code -1}), else at most max. */
    private static long length(ByteBuf in, int start, int cr, int max) {
        if (cr - start == 3 && in.getByte(start + 1) == '-' && in.getByte(start + 2) == '1') {
            return -1;
        }
        long length = Ascii.parseDecimal(in, start + 1, cr);
        if (length < 0) {
            throw corrupted("RESP length", in, start, cr);
        }
        if (length > max) {
            throw new TooLongFrameException("RESP length " + (length == Long.MAX_VALUE ? "over 10^18" : length)
                    + " exceeds the maximum of " + max + ": " + Ascii.excerpt(in, start, cr));
        }
        return length;
    }

    /** A bulk string's bytes, {@code [index, index + length)}: a push's kind, or a message's payload. */
    private void bulk(ByteBuf in, int index, int length) {
        if (remaining == 0) {
            return;
        }
        if (element == 0 && arrayLength == 3) {
            kind = Ascii.isWord(in, index, index + length, MESSAGE) ? Kind.MESSAGE
                    : Ascii.isWord(in, index, index + length, SUBSCRIBE) ? Kind.SUBSCRIBE
                    : Kind.OTHER;
        } else if (element == 2 && kind == Kind.MESSAGE) {
            sink.onPayload(in, index, length);
        }
    }

    /** One value has been read: a whole reply outside an array, else one element of the current array. */
    private void elementDone(ChannelHandlerContext ctx) {
        if (remaining == 0) {
            replies.onAck(AckSink.IN_ORDER);
            return;
        }
        element++;
        if (--remaining == 0) {
            if (kind == Kind.SUBSCRIBE) {
                ctx.fireUserEventTriggered(WireEvent.SUBSCRIBED);
            }
            replies.onAck(AckSink.IN_ORDER);
        }
    }

    private static CorruptedFrameException corrupted(String what, ByteBuf in, int start, int cr) {
        return new CorruptedFrameException("bad " + what + ": " + Ascii.excerpt(in, start, cr));
    }
}
