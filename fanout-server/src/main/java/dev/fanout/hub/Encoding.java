package dev.fanout.hub;

import dev.fanout.protocol.frame.Frames;
import dev.fanout.protocol.line.Lines;
import dev.fanout.protocol.line.SafeText;
import io.netty.buffer.ByteBuf;

/**
 * The wire forms of the raw protocols, which look alike for every recipient. A {@link Batch} writes each form of
 * its messages once, and every recipient of that form writes a shared view of those bytes.
 */
public enum Encoding implements MessageForm {

    /** A frames-protocol frame: 4-byte length, then exactly the payload. */
    FRAME {
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
        public int size(Message message) {
            return Lines.size(chatLine(message));
        }

        @Override
        public void writeTo(Message message, ByteBuf out) {
            Lines.write(out, chatLine(message));
        }
    },

    /**
     * A lines-protocol line that names its topic, {@code [topic] name: text}: what a chat client sees of a topic
     * it follows with {@code /sub} besides its room.
     */
    LINE_WITH_TOPIC {
        @Override
        public int size(Message message) {
            return Lines.size(topicLine(message));
        }

        @Override
        public void writeTo(Message message, ByteBuf out) {
            Lines.write(out, topicLine(message));
        }
    };

    private static String chatLine(Message message) {
        return message.origin().name() + ": " + SafeText.render(message.payload().nioBuffer());
    }

    private static String topicLine(Message message) {
        return "[" + message.topic() + "] " + chatLine(message);
    }
}
