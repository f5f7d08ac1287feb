package dev.fanout.server.websocket;

import dev.fanout.hub.Message;
import dev.fanout.hub.MessageForm;
import io.netty.buffer.ByteBuf;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Messages as {@code /ws} msg messages of one subscription id, each a whole WebSocket text frame:
 * {@code {"type":"msg","id":1,"topic":"news","epoch":"...","seq":42,"time":1795774665032,"data":"..."}}, with the
 * payload as JSON text when it is UTF-8, else as {@code "data64"}, base64. Encoded once per batch for all who share
 * the id, as {@code MsgForm} is for frames clients; so the size is worked out exactly before writing. Topic names
 * need no escaping (letters, digits and {@code _ - : @ ~ . * >}).
 *
 * @param subscriptionId the id the messages carry
 */
record WsMsgForm(int subscriptionId) implements MessageForm {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @Override
    public int size(Message message) {
        int json = jsonSize(message);
        return WebSocketFrames.headerSize(json) + json;
    }

    @Override
    public void writeTo(Message message, ByteBuf out) {
        boolean text = isUtf8(message.payload());
        byte[] head = head(message, text);
        int json = head.length + (text ? escapedSize(message.payload()) : base64Size(message.payload())) + 2;
        WebSocketFrames.writeHeader(out, WebSocketFrames.OPCODE_TEXT, json);
        out.writeBytes(head);
        if (text) {
            writeEscaped(message.payload(), out);
        } else {
            byte[] bytes = new byte[message.payload().readableBytes()];
            message.payload().getBytes(message.payload().readerIndex(), bytes);
            out.writeBytes(Base64.getEncoder().encode(bytes));
        }
        out.writeByte('"').writeByte('}');
    }

    private int jsonSize(Message message) {
        boolean text = isUtf8(message.payload());
        return head(message, text).length + (text ? escapedSize(message.payload()) : base64Size(message.payload()))
                + 2;
    }

    private byte[] head(Message message, boolean text) {
        return ("{\"type\":\"msg\",\"id\":" + subscriptionId + ",\"topic\":\"" + message.topic() + "\",\"epoch\":\""
                + Long.toUnsignedString(message.epoch()) + "\",\"seq\":" + message.sequence() + ",\"time\":"
                + message.publishedAtMillis() + (text ? ",\"data\":\"" : ",\"data64\":\""))
                .getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isUtf8(ByteBuf payload) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(payload.nioBuffer());
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static int base64Size(ByteBuf payload) {
        return (payload.readableBytes() + 2) / 3 * 4;
    }

    /** Bytes of the payload as a JSON string's content: quote, backslash and control characters escaped. */
    private static int escapedSize(ByteBuf payload) {
        int size = 0;
        for (int i = payload.readerIndex(); i < payload.writerIndex(); i++) {
            size += escapedSize(payload.getByte(i));
        }
        return size;
    }

    private static int escapedSize(byte b) {
        if (b == '"' || b == '\\' || b == '\n' || b == '\r' || b == '\t') {
            return 2;
        }
        return b >= 0 && b < 0x20 ? 6 : 1;
    }

    private static void writeEscaped(ByteBuf payload, ByteBuf out) {
        for (int i = payload.readerIndex(); i < payload.writerIndex(); i++) {
            byte b = payload.getByte(i);
            switch (b) {
                case '"', '\\' -> out.writeByte('\\').writeByte(b);
                case '\n' -> out.writeByte('\\').writeByte('n');
                case '\r' -> out.writeByte('\\').writeByte('r');
                case '\t' -> out.writeByte('\\').writeByte('t');
                default -> {
                    if (b >= 0 && b < 0x20) {
                        out.writeByte('\\').writeByte('u').writeByte('0').writeByte('0').writeByte(HEX[b >> 4])
                                .writeByte(HEX[b & 0xF]);
                    } else {
                        out.writeByte(b);
                    }
                }
            }
        }
    }
}
