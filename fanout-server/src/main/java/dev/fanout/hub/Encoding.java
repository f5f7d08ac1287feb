package dev.fanout.hub;

import dev.fanout.protocol.frame.Frames;
import dev.fanout.protocol.line.Lines;
import dev.fanout.protocol.line.SafeText;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The wire forms of the raw protocols, which look alike for every recipient. A {@link Message} makes each at
 * most once, on first use, and every recipient writes a shared duplicate of those bytes.
 */
public enum Encoding implements MessageForm {

    /** A frames-protocol frame: 4-byte length, then exactly the payload. */
    FRAME {
        @Override
        ByteBuf encode(Message message, ByteBufAllocator alloc) {
            return Frames.encode(alloc, message.payload());
        }

        @Override
        public int size(Message message) {
            return Frames.LENGTH_BYTES + message.size();
        }

        @Override
        public void writeTo(Message message, ByteBuf out) {
            Frames.write(out, message.payload());
        }
    },

    /**
     * A lines-protocol line: {@code name: text} and CR LF (the line end telnet expects), with any payload
     * that is not clean text shown in {@link SafeText}'s safe form.
     */
    LINE {
        @Override
        ByteBuf encode(Message message, ByteBufAllocator alloc) {
            String text = SafeText.render(message.payload().nioBuffer());
            return Lines.encode(alloc, message.origin().name() + ": " + text);
        }
    },

    /**
     * A lines-protocol line that names its topic, {@code [topic] name: text}: what a chat client sees of a topic
     * it follows with {@code /sub} besides its room.
     */
    LINE_WITH_TOPIC {
        @Override
        ByteBuf encode(Message message, ByteBufAllocator alloc) {
            String text = SafeText.render(message.payload().nioBuffer());
            return Lines.encode(alloc, "[" + message.topic() + "] " + message.origin().name() + ": " + text);
        }
    };

    /** Makes this form of {@code message}; the caller owns the result. */
    abstract ByteBuf encode(Message message, ByteBufAllocator alloc);

    /**
     * Bytes this form of {@code message} takes. By default the message's cached form is made and measured;
     * forms that are cheap to write directly (a frame) say so without making it.
     */
    @Override
    public int size(Message message) {
        return message.encoded(this).readableBytes();
    }

    /** Appends this form of {@code message} to {@code out}, by default by copying the cached form. */
    @Override
    public void writeTo(Message message, ByteBuf out) {
        ByteBuf bytes = message.encoded(this);
        out.writeBytes(bytes, bytes.readerIndex(), bytes.readableBytes());
    }
}
