package dev.fanout.protocol.line;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Splits a byte stream into lines. Emits a {@link String} (without the line end) for each good line and a
 * {@link LineProblem} for each rejected one, so the next handler can answer with an error and carry on.
 *
 * <p>A partial line that stays idle for {@code lineFlush} is emitted as if it had ended: clients written
 * from tutorials send each message as one write with no newline. For the same clients, an over-long line
 * that was being discarded ends when they go idle, not only at the next line end. A partial line at end of
 * stream is emitted too. Stateful: one instance per channel.
 */
public final class LineDecoder extends ByteToMessageDecoder {

    private final int maxLine;
    private final long lineFlushNanos;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    /** True after a too-long line was reported, until its end arrives. */
    private boolean discarding;
    private ScheduledFuture<?> flushTimer;

    /**
     * Creates a decoder for lines of at most {@code maxLine} bytes; a {@code lineFlush} of zero turns the
     * partial-line flush off.
     */
    public LineDecoder(int maxLine, Duration lineFlush) {
        if (maxLine < 1) {
            throw new IllegalArgumentException("maxLine must be positive: " + maxLine);
        }
        this.maxLine = maxLine;
        this.lineFlushNanos = lineFlush.toNanos();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        cancelFlushTimer();
        while (in.isReadable()) {
            int end = in.forEachByte(ByteProcessor.FIND_LF);
            if (discarding) {
                if (end < 0) {
                    in.skipBytes(in.readableBytes());
                    scheduleFlush(ctx);
                    return;
                }
                in.readerIndex(end + 1);
                discarding = false;
                continue;
            }
            if (end < 0) {
                // One byte of slack for a '\r' that may precede the coming '\n'.
                if (in.readableBytes() > maxLine + 1) {
                    out.add(LineProblem.TOO_LONG);
                    in.skipBytes(in.readableBytes());
                    discarding = true;
                }
                scheduleFlush(ctx);
                return;
            }
            int length = end - in.readerIndex();
            out.add(lineOrProblem(in, length));
            in.readerIndex(end + 1);
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        cancelFlushTimer();
        if (in.isReadable() && !discarding) {
            out.add(lineOrProblem(in, in.readableBytes()));
            in.skipBytes(in.readableBytes());
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        cancelFlushTimer();
    }

    private void scheduleFlush(ChannelHandlerContext ctx) {
        if (lineFlushNanos > 0) {
            flushTimer = ctx.executor().schedule(() -> flushPartial(ctx), lineFlushNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The client went idle mid-line: what it sent counts as a whole line; a discarded over-long line ends. */
    private void flushPartial(ChannelHandlerContext ctx) {
        flushTimer = null;
        if (discarding) {
            discarding = false;
            return;
        }
        ByteBuf pending = internalBuffer();
        if (!pending.isReadable() || !ctx.channel().isActive()) {
            return;
        }
        Object line = lineOrProblem(pending, pending.readableBytes());
        pending.skipBytes(pending.readableBytes());
        ctx.fireChannelRead(line);
        ctx.fireChannelReadComplete();
    }

    /** Decodes {@code length} bytes at the reader index (not moving it), without a trailing '\r'. */
    private Object lineOrProblem(ByteBuf in, int length) {
        int start = in.readerIndex();
        if (length > 0 && in.getByte(start + length - 1) == '\r') {
            length--;
        }
        if (length > maxLine) {
            return LineProblem.TOO_LONG;
        }
        String line;
        try {
            ByteBuffer bytes = in.nioBuffer(start, length);
            line = utf8.reset().decode(bytes).toString();
        } catch (CharacterCodingException e) {
            return LineProblem.INVALID_UTF8;
        }
        return hasControlCharacter(line) ? LineProblem.CONTROL_CHARACTER : line;
    }

    /** True for C0 controls except tab, DEL, and C1 controls: they would let a client mangle others' screens. */
    static boolean hasControlCharacter(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if ((c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f)) {
                return true;
            }
        }
        return false;
    }

    private void cancelFlushTimer() {
        if (flushTimer != null) {
            flushTimer.cancel(false);
            flushTimer = null;
        }
    }
}
