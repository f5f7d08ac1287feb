package dev.fanout.protocol.control;

import dev.fanout.protocol.control.ControlFrame.Ack;
import dev.fanout.protocol.control.ControlFrame.Error;
import dev.fanout.protocol.control.ControlFrame.Gap;
import dev.fanout.protocol.control.ControlFrame.Goodbye;
import dev.fanout.protocol.control.ControlFrame.Hello;
import dev.fanout.protocol.control.ControlFrame.Msg;
import dev.fanout.protocol.control.ControlFrame.Ping;
import dev.fanout.protocol.control.ControlFrame.Pong;
import dev.fanout.protocol.control.ControlFrame.Pub;
import dev.fanout.protocol.control.ControlFrame.Reset;
import dev.fanout.protocol.control.ControlFrame.Sub;
import dev.fanout.protocol.control.ControlFrame.Subscribed;
import dev.fanout.protocol.control.ControlFrame.Unsub;
import dev.fanout.protocol.control.ControlFrame.Welcome;
import dev.fanout.protocol.frame.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes one frame; the implementation of {@link ControlCodec#encode}. Sizes the frame first (checking each
 * str fits its u16 length), so the frame is written into one buffer of exactly its size.
 */
final class ControlEncoder {

    /** The largest body a Java buffer can hold behind its 4-byte length. */
    private static final long MAX_BODY = Integer.MAX_VALUE - Frames.LENGTH_BYTES;

    private ControlEncoder() {
    }

    static ByteBuf encode(ByteBufAllocator alloc, ControlFrame frame) {
        long size = bodySize(frame);
        if (size > MAX_BODY) {
            throw new IllegalArgumentException(frame.type() + ": a body of " + size + " bytes is over the "
                    + MAX_BODY + " a buffer can hold");
        }
        ByteBuf out = alloc.ioBuffer(Frames.LENGTH_BYTES + (int) size);
        try {
            if (frame instanceof Msg f) {
                // The same bytes the server's fast path writes.
                ControlCodec.writeMsg(out, f.subscriptionId(), f.epoch(), f.sequence(), f.publishedAtMillis(),
                        f.topic().getBytes(StandardCharsets.US_ASCII), f.payload());
            } else {
                out.writeInt((int) size);
                writeBody(out, frame);
            }
            if (out.readableBytes() != Frames.LENGTH_BYTES + size) {
                throw new IllegalStateException(frame.type() + ": sized " + size + " bytes but wrote "
                        + (out.readableBytes() - Frames.LENGTH_BYTES));
            }
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /** The body's length in bytes, type byte included. */
    private static long bodySize(ControlFrame frame) {
        String name = frame.type().name();
        return switch (frame.type()) {
            case HELLO -> 1 + 7 + 2 + 2 + options(name, ((Hello) frame).options());
            case WELCOME -> {
                Welcome f = (Welcome) frame;
                yield 1 + 7 + 2 + 8 + str(name, "server name", f.serverName()) + str(name, "server version",
                        f.serverVersion()) + 4 + 8 + 4 + 4 + 2 + options(name, f.options());
            }
            case PING, PONG -> 1 + 8;
            case SUB -> {
                Sub f = (Sub) frame;
                long size = 1 + 4 + 1 + 1 + 8 + 8 + str(name, "filter", f.filter()) + 2;
                for (TopicPosition position : f.positions()) {
                    size += str(name, "position topic", position.topic()) + 8 + 8;
                }
                yield size;
            }
            case UNSUB -> 1 + 4;
            case SUBSCRIBED -> 1 + 4 + 8 + 8;
            case PUB -> 1 + 8 + str(name, "topic", ((Pub) frame).topic()) + ((Pub) frame).payload().readableBytes();
            case ACK -> 1 + 8 + 8 + 8;
            // A valid topic is ASCII, one byte per character.
            case MSG -> ControlCodec.msgSize(((Msg) frame).topic().length(), ((Msg) frame).payload().readableBytes())
                    - Frames.LENGTH_BYTES;
            case GAP -> 1 + 4 + 1 + 5 * 8 + str(name, "topic", ((Gap) frame).topic());
            case RESET -> 1 + 4 + 4 * 8 + str(name, "topic", ((Reset) frame).topic());
            case ERROR -> 1 + 2 + 1 + 8 + str(name, "text", ((Error) frame).text());
            case GOODBYE -> 1 + 1 + str(name, "text", ((Goodbye) frame).text());
        };
    }

    private static long options(String frame, List<Option> options) {
        long size = 0;
        for (Option option : options) {
            size += str(frame, "option key", option.key()) + str(frame, "option value", option.value());
        }
        return size;
    }

    /** The bytes {@code value} takes as a str; fails if it is too long for one. */
    private static int str(String frame, String field, String value) {
        int bytes = ByteBufUtil.utf8Bytes(value);
        if (bytes > ControlCodec.MAX_STR_BYTES) {
            throw new IllegalArgumentException(frame + ": field '" + field + "' is " + bytes
                    + " bytes of UTF-8, over the " + ControlCodec.MAX_STR_BYTES + " a str holds");
        }
        return 2 + bytes;
    }

    private static void writeBody(ByteBuf out, ControlFrame frame) {
        out.writeByte(frame.type().code());
        switch (frame.type()) {
            case HELLO -> {
                out.writeBytes(ControlCodec.magicBytes());
                out.writeShort(((Hello) frame).version());
                writeOptions(out, ((Hello) frame).options());
            }
            case WELCOME -> {
                Welcome f = (Welcome) frame;
                out.writeBytes(ControlCodec.magicBytes());
                out.writeShort(f.version()).writeLong(f.clientId());
                writeStr(out, f.serverName());
                writeStr(out, f.serverVersion());
                out.writeInt(f.maxPayload()).writeLong(f.queueBytes());
                out.writeInt(f.pingIntervalMillis()).writeInt(f.pingTimeoutMillis());
                writeOptions(out, f.options());
            }
            case PING -> out.writeLong(((Ping) frame).token());
            case PONG -> out.writeLong(((Pong) frame).token());
            case SUB -> writeSub(out, (Sub) frame);
            case UNSUB -> out.writeInt(((Unsub) frame).subscriptionId());
            case SUBSCRIBED -> {
                Subscribed f = (Subscribed) frame;
                out.writeInt(f.subscriptionId()).writeLong(f.epoch()).writeLong(f.lastSequence());
            }
            case PUB -> {
                Pub f = (Pub) frame;
                out.writeLong(f.publishId());
                writeStr(out, f.topic());
                out.writeBytes(f.payload(), f.payload().readerIndex(), f.payload().readableBytes());
            }
            case ACK -> {
                Ack f = (Ack) frame;
                out.writeLong(f.publishId()).writeLong(f.epoch()).writeLong(f.sequence());
            }
            case GAP -> {
                Gap f = (Gap) frame;
                out.writeInt(f.subscriptionId()).writeByte(f.cause().code()).writeLong(f.epoch());
                out.writeLong(f.firstMissing()).writeLong(f.lastMissing());
                out.writeLong(f.firstHeld()).writeLong(f.lastHeld());
                writeStr(out, f.topic());
            }
            case RESET -> {
                Reset f = (Reset) frame;
                out.writeInt(f.subscriptionId()).writeLong(f.clientEpoch()).writeLong(f.epoch());
                out.writeLong(f.firstHeld()).writeLong(f.lastHeld());
                writeStr(out, f.topic());
            }
            case ERROR -> {
                Error f = (Error) frame;
                out.writeShort(f.code().code()).writeByte(f.refKind().code()).writeLong(f.ref());
                writeStr(out, f.text());
            }
            case GOODBYE -> {
                out.writeByte(((Goodbye) frame).reason().code());
                writeStr(out, ((Goodbye) frame).text());
            }
            default -> throw new IllegalStateException("not written here: " + frame.type());
        }
    }

    private static void writeSub(ByteBuf out, Sub f) {
        out.writeInt(f.subscriptionId()).writeByte(f.echo() ? 1 : 0).writeByte(f.mode().code());
        out.writeLong(f.epoch()).writeLong(f.value());
        writeStr(out, f.filter());
        out.writeShort(f.positions().size());
        for (TopicPosition position : f.positions()) {
            writeStr(out, position.topic());
            out.writeLong(position.epoch()).writeLong(position.nextSequence());
        }
    }

    private static void writeOptions(ByteBuf out, List<Option> options) {
        out.writeShort(options.size());
        for (Option option : options) {
            writeStr(out, option.key());
            writeStr(out, option.value());
        }
    }

    /** Writes a str whose length {@link #str} has checked. */
    private static void writeStr(ByteBuf out, String value) {
        int lengthAt = out.writerIndex();
        out.writeShort(0);
        int bytes = ByteBufUtil.writeUtf8(out, value);
        out.setShort(lengthAt, bytes);
    }
}
