package dev.fanout.protocol.line;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.time.Duration;

/** Constants of the lines protocol. */
public final class Lines {

    /** Default longest line a client may send, in bytes, not counting the line end: 4 KiB, as NATS's control line. */
    public static final int DEFAULT_MAX_LINE = 4096;

    /**
     * Default time a partial line may sit unfinished before it is taken as complete. Tutorial clients send
     * each {@code input()} as one write without a newline; 300 ms is longer than a write takes to arrive and
     * shorter than a person notices.
     */
    public static final Duration DEFAULT_LINE_FLUSH = Duration.ofMillis(300);

    /** What the server ends each line it sends with: CR LF, as telnet's network virtual terminal expects. */
    public static final String LINE_END = "\r\n";

    private Lines() {
    }

    /** Encodes {@code text} as one UTF-8 line ended by {@link #LINE_END}; the caller owns the buffer. */
    public static ByteBuf encode(ByteBufAllocator alloc, String text) {
        ByteBuf out = alloc.directBuffer(ByteBufUtil.utf8MaxBytes(text) + LINE_END.length());
        write(out, text);
        return out;
    }

    /** Appends {@code text} to {@code out} as one UTF-8 line ended by {@link #LINE_END}. */
    public static void write(ByteBuf out, CharSequence text) {
        ByteBufUtil.writeUtf8(out, text);
        ByteBufUtil.writeAscii(out, LINE_END);
    }

    /** Bytes {@link #write} appends for {@code text}. */
    public static int size(CharSequence text) {
        return ByteBufUtil.utf8Bytes(text) + LINE_END.length();
    }
}
