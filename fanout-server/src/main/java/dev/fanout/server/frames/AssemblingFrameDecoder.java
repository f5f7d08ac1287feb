package dev.fanout.server.frames;

import dev.fanout.protocol.frame.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Splits a raw frames client's bytes into payloads, each a buffer the next handler must release, with every
 * frame's memory bounded before it is held.
 *
 * <ul>
 *   <li>A length above {@code maxFrame} fails at once with a {@link TooLongFrameException}, before any payload
 *       byte is buffered, so a 4 GiB prefix costs nothing.</li>
 *   <li>A frame whose payload is all there is passed on as a slice of what was read. One that is not yet all
 *       there is assembled in a buffer of exactly its length, charged to the server-wide {@link InboundBudget}
 *       first; when the budget is full the connection is not read until it has room.</li>
 *   <li>A frame that has started (a byte of its length prefix has arrived) must finish within
 *       {@code frameTimeout}, not counting time spent waiting for the budget, or the decoder fails with a
 *       {@link FrameTimeoutException}. A client that sends nothing is not affected: a raw reader is idle by
 *       design.</li>
 * </ul>
 *
 * <p>Stateful: one instance per channel.
 */
final class AssemblingFrameDecoder extends ByteToMessageDecoder {

    /** Loop-confined; raised once when the connection enters control mode, whose frames carry headers. */
    private int maxFrame;
    private final InboundBudget budget;
    private final long frameTimeoutNanos;
    /** The length prefix read so far when it came split across reads, and how many of its bytes arrived. */
    private long header;
    private int headerBytes;
    /** The frame being assembled, of its full length, or null. */
    private ByteBuf assembling;
    /** When the frame now in progress started; 0 when none is. */
    private long startedNanos;
    private ScheduledFuture<?> deadline;
    private boolean waitingForBudget;
    /**
     * Whether the connection's first frame has gone up the pipeline. Until it has, decoding stops after one frame:
     * the first may be a HELLO, whose handling raises {@link #maxFrame}, and a control client may send its first
     * PUBs in the same packet; their lengths must be checked against the raised limit, not the raw one.
     */
    private boolean firstFrameOut;

    /** Allows frames up to {@code bytes} from now on. On the channel's loop. */
    void maxFrame(int bytes) {
        this.maxFrame = bytes;
    }

    AssemblingFrameDecoder(int maxFrame, InboundBudget budget, Duration frameTimeout) {
        this.maxFrame = maxFrame;
        this.budget = budget;
        this.frameTimeoutNanos = frameTimeout.toNanos();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable() && !waitingForBudget) {
            if (assembling != null) {
                in.readBytes(assembling, Math.min(in.readableBytes(), assembling.writableBytes()));
                if (assembling.isWritable()) {
                    break;
                }
                out.add(assembling);
                budget.release(assembling.capacity());
                assembling = null;
                if (!firstFrameOut) {
                    firstFrameOut = true;
                    break;
                }
                continue;
            }
            if (headerBytes == 0 && in.readableBytes() >= Frames.LENGTH_BYTES) {
                header = in.getUnsignedInt(in.readerIndex());
            } else {
                // A length prefix split across reads is kept here, not in the read buffer it came in, which
                // could be far larger than its few bytes.
                while (headerBytes < Frames.LENGTH_BYTES && in.isReadable()) {
                    header = header << 8 | in.readUnsignedByte();
                    headerBytes++;
                }
                if (headerBytes < Frames.LENGTH_BYTES) {
                    break;
                }
            }
            int prefix = headerBytes == 0 ? Frames.LENGTH_BYTES : 0;
            long length = header;
            if (length > maxFrame) {
                in.skipBytes(in.readableBytes());
                throw new TooLongFrameException("frame length " + length + " exceeds the maximum of " + maxFrame
                        + " bytes");
            }
            if (in.readableBytes() - prefix >= length) {
                in.skipBytes(prefix);
                out.add(in.readRetainedSlice((int) length));
                clearHeader();
                if (!firstFrameOut) {
                    firstFrameOut = true;
                    break;
                }
            } else if (budget.tryCharge(length)) {
                in.skipBytes(prefix);
                assembling = ctx.alloc().buffer((int) length, (int) length);
                clearHeader();
            } else {
                // The length stays where it is (in the buffer, or here when it came split) until there is room.
                waitForBudget(ctx);
            }
        }
        trackDeadline(ctx, in.isReadable() || assembling != null || headerBytes > 0);
    }

    private void clearHeader() {
        header = 0;
        headerBytes = 0;
    }

    /** Stops reading until the budget has room, then decodes what is already here and reads again. */
    private void waitForBudget(ChannelHandlerContext ctx) {
        waitingForBudget = true;
        long waitStarted = System.nanoTime();
        ctx.channel().config().setAutoRead(false);
        budget.await(() -> ctx.executor().execute(() -> {
            waitingForBudget = false;
            // The wait was the server's doing, not the client's: it does not count against the deadline.
            if (startedNanos != 0) {
                startedNanos += System.nanoTime() - waitStarted;
            }
            if (ctx.isRemoved() || !ctx.channel().isActive()) {
                return;
            }
            // Decodes what waits in the cumulation, which may start waiting again, then reads on.
            try {
                channelRead(ctx, Unpooled.EMPTY_BUFFER);
                channelReadComplete(ctx);
            } catch (Exception e) {
                ctx.fireExceptionCaught(e);
                return;
            }
            if (!waitingForBudget) {
                ctx.channel().config().setAutoRead(true);
                ctx.read();
            }
        }));
    }

    /** Starts the clock when a frame starts and stops it when none is in progress. */
    private void trackDeadline(ChannelHandlerContext ctx, boolean inProgress) {
        if (!inProgress) {
            startedNanos = 0;
            return;
        }
        if (startedNanos == 0) {
            startedNanos = System.nanoTime();
        }
        if (deadline == null && frameTimeoutNanos > 0) {
            deadline = ctx.executor().schedule(() -> checkDeadline(ctx), frameTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The timer: cuts a frame that started too long ago; otherwise waits for the current one's deadline. */
    private void checkDeadline(ChannelHandlerContext ctx) {
        deadline = null;
        if (startedNanos == 0 || ctx.isRemoved()) {
            return;
        }
        if (waitingForBudget) {
            deadline = ctx.executor().schedule(() -> checkDeadline(ctx), frameTimeoutNanos, TimeUnit.NANOSECONDS);
            return;
        }
        long late = System.nanoTime() - startedNanos - frameTimeoutNanos;
        if (late >= 0) {
            ctx.fireExceptionCaught(new FrameTimeoutException(frameTimeoutNanos, received()));
        } else {
            deadline = ctx.executor().schedule(() -> checkDeadline(ctx), -late, TimeUnit.NANOSECONDS);
        }
    }

    private long received() {
        return assembling != null ? assembling.readableBytes() : headerBytes + internalBuffer().readableBytes();
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
        if (assembling != null) {
            budget.release(assembling.capacity());
            assembling.release();
            assembling = null;
        }
    }
}
