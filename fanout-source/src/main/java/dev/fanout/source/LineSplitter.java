package dev.fanout.source;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.Consumer;

/**
 * Cuts a body that arrives in chunks into lines, each in a buffer of its own size (a {@code \r} before the
 * {@code \n} dropped). A line longer than the limit is garbage ({@link Garbage}); a last line without its end
 * is dropped when the body ends, since it may be a torn one. Stateful, one per connection; not thread-safe.
 */
final class LineSplitter {

    private final int maxLine;
    private final ByteBufAllocator alloc;
    /** The start of a line whose end has not arrived; null when there is none. */
    private ByteBuf partial;

    LineSplitter(int maxLine, ByteBufAllocator alloc) {
        this.maxLine = maxLine;
        this.alloc = alloc;
    }

    /** Reads {@code chunk} (not released here) and hands each line it completes to {@code lines}. */
    void feed(ByteBuf chunk, Consumer<ByteBuf> lines) {
        while (chunk.isReadable()) {
            int end = chunk.indexOf(chunk.readerIndex(), chunk.writerIndex(), (byte) '\n');
            int length = (end < 0 ? chunk.writerIndex() : end) - chunk.readerIndex();
            int held = partial == null ? 0 : partial.readableBytes();
            // One byte of slack for the '\r' before the '\n'.
            if (held + length > maxLine + 1) {
                throw new Garbage("a line is over " + maxLine + " bytes (--max-frame)");
            }
            if (end < 0) {
                if (partial == null) {
                    partial = alloc.heapBuffer(Math.min(Math.max(64, length), maxLine + 1), maxLine + 1);
                }
                partial.writeBytes(chunk, length);
                return;
            }
            int size = held + length;
            if (size > 0 && (length > 0 ? chunk.getByte(end - 1) : partial.getByte(partial.writerIndex() - 1))
                    == '\r') {
                size--;
            }
            ByteBuf line = alloc.buffer(size, size);
            if (partial != null) {
                line.writeBytes(partial, partial.readerIndex(), Math.min(held, size));
                release();
            }
            line.writeBytes(chunk, chunk.readerIndex(), size - line.readableBytes());
            chunk.readerIndex(end + 1);
            lines.accept(line);
        }
    }

    /** Lets go of a line whose end never came. */
    void release() {
        if (partial != null) {
            partial.release();
            partial = null;
        }
    }
}
