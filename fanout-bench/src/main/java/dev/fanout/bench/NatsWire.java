package dev.fanout.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import java.nio.charset.StandardCharsets;

/**
 * The NATS client protocol, as nats-server 2.9 speaks it. A connection first sends
 *
 * <pre>
 * CONNECT {"verbose":false,"pedantic":false,"echo":false} CR LF
 * </pre>
 *
 * so that the server neither acknowledges each command with {@code +OK} nor sends a connection the messages it
 * publishes itself. A subscriber then sends {@code SUB topic 1 CR LF PING CR LF}: the {@code PONG} that answers
 * tells it the subscription is in effect ({@link WireEvent#SUBSCRIBED}). Each publish is
 * {@code PUB topic #bytes CR LF payload CR LF}. The topic is the NATS subject, so it must hold no whitespace.
 *
 * <p>The server's maximum payload (nats-server's {@code max_payload}, 1 MiB by default) is the server's to
 * enforce: a larger publish is answered with {@code -ERR}, which fails the publisher's connection.
 *
 * <p>Acknowledged publishes ({@link AckedWire}) go to a JetStream stream with file storage (the server must run
 * with {@code -js}). A publisher first subscribes to its own inbox and asks for the stream, keeping the last
 * {@link AckedWire#RETAIN} messages of the topic:
 *
 * <pre>
 * SUB inbox 1 CR LF
 * PUB $JS.API.STREAM.CREATE.NAME inbox #bytes CR LF
 * {"name":"NAME","subjects":["topic"],"storage":"file","retention":"limits","discard":"old","max_msgs":1000,
 *  "num_replicas":1} CR LF
 * </pre>
 *
 * where NAME is the topic with every character but letters, digits, {@code -} and {@code _} made {@code _}; an
 * existing stream of that name with the same configuration is taken as it is. Each publish then names the inbox
 * for the reply, {@code PUB topic inbox #bytes CR LF payload CR LF}, and the server's PubAck
 * ({@code {"stream":"NAME","seq":N}}) on the inbox acknowledges it. A reply that holds {@code "error":} (the
 * stream refused, or a publish failed) fails the connection with the server's text.
 */
final class NatsWire implements AckedWire {

    /**
     * Control lines ({@code MSG}, {@code INFO}, ...) longer than this are treated as a broken stream. nats-server
     * limits what clients send to 4 KiB ({@code max_control_line}); its own lines are shorter but for {@code INFO},
     * which a single server keeps to a few hundred bytes.
     */
    static final int MAX_CONTROL_LINE = 4 * 1024;
    /** Payloads larger than this are treated as a broken stream: far above nats-server's default of 1 MiB. */
    static final int MAX_PAYLOAD = 64 * 1024 * 1024;

    private static final byte[] CONNECT =
            "CONNECT {\"verbose\":false,\"pedantic\":false,\"echo\":false}\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUB = "SUB ".getBytes(StandardCharsets.US_ASCII);
    /** The subscription id (the bench makes one subscription per connection), then the PING that confirms it. */
    private static final byte[] SID_AND_PING = " 1\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PUB = "PUB ".getBytes(StandardCharsets.US_ASCII);
    private static final String STREAM_CREATE = "$JS.API.STREAM.CREATE.";
    /** What a JetStream API reply or PubAck holds when it refuses. */
    private static final byte[] ERROR = "\"error\":".getBytes(StandardCharsets.US_ASCII);
    /** The most of a refusing reply an exception message quotes. */
    private static final int MAX_QUOTED_REPLY = 512;

    private final int maxControlLine;
    private final int maxPayload;

    NatsWire() {
        this(MAX_CONTROL_LINE, MAX_PAYLOAD);
    }

    /** With other limits for what the server sends, for tests. */
    NatsWire(int maxControlLine, int maxPayload) {
        if (maxControlLine < 16) {
            throw new IllegalArgumentException("maxControlLine (" + maxControlLine + ") must be at least 16");
        }
        if (maxPayload < 0) {
            throw new IllegalArgumentException("maxPayload (" + maxPayload + ") must not be negative");
        }
        this.maxControlLine = maxControlLine;
        this.maxPayload = maxPayload;
    }

    @Override
    public void checkTopic(String topic) {
        checkSubject(topic);
    }

    @Override
    public ByteBuf hello(ByteBufAllocator alloc) {
        return alloc.buffer(CONNECT.length).writeBytes(CONNECT);
    }

    @Override
    public ByteBuf subscribe(ByteBufAllocator alloc, String topic) {
        checkSubject(topic);
        ByteBuf out = alloc.buffer(SUB.length + ByteBufUtil.utf8Bytes(topic) + SID_AND_PING.length);
        out.writeBytes(SUB);
        ByteBufUtil.writeUtf8(out, topic);
        return out.writeBytes(SID_AND_PING);
    }

    @Override
    public void publish(ByteBuf out, String topic, ByteBuf payload) {
        checkSubject(topic);
        int length = payload.readableBytes();
        out.writeBytes(PUB);
        ByteBufUtil.writeUtf8(out, topic);
        out.writeByte(' ');
        Ascii.writeDecimal(out, length);
        out.writeByte(Ascii.CR).writeByte(Ascii.LF);
        out.writeBytes(payload, payload.readerIndex(), length);
        out.writeByte(Ascii.CR).writeByte(Ascii.LF);
    }

    @Override
    public int publishSize(String topic, int payloadSize) {
        return PUB.length + ByteBufUtil.utf8Bytes(topic) + 1 + Ascii.decimalDigits(payloadSize) + 2 + payloadSize + 2;
    }

    @Override
    public ByteBuf prepare(ByteBufAllocator alloc, String topic, String inbox) {
        checkSubject(topic);
        checkSubject(inbox);
        String config = "{\"name\":\"" + streamName(topic) + "\",\"subjects\":[" + jsonString(topic) + "],"
                + "\"storage\":\"file\",\"retention\":\"limits\",\"discard\":\"old\",\"max_msgs\":" + RETAIN
                + ",\"num_replicas\":1}";
        byte[] json = config.getBytes(StandardCharsets.UTF_8);
        String lines = "SUB " + inbox + " 1\r\nPUB " + STREAM_CREATE + streamName(topic) + " " + inbox + " "
                + json.length + "\r\n";
        ByteBuf out = alloc.buffer(ByteBufUtil.utf8Bytes(lines) + json.length + 2);
        ByteBufUtil.writeUtf8(out, lines);
        return out.writeBytes(json).writeByte(Ascii.CR).writeByte(Ascii.LF);
    }

    @Override
    public int prepareReplies() {
        return 1;
    }

    @Override
    public void publishAcked(ByteBuf out, String topic, String inbox, long publishId, ByteBuf payload) {
        checkSubject(topic);
        int length = payload.readableBytes();
        out.writeBytes(PUB);
        ByteBufUtil.writeUtf8(out, topic);
        out.writeByte(' ');
        ByteBufUtil.writeUtf8(out, inbox);
        out.writeByte(' ');
        Ascii.writeDecimal(out, length);
        out.writeByte(Ascii.CR).writeByte(Ascii.LF);
        out.writeBytes(payload, payload.readerIndex(), length);
        out.writeByte(Ascii.CR).writeByte(Ascii.LF);
    }

    @Override
    public int publishAckedSize(String topic, String inbox, int payloadSize) {
        return publishSize(topic, payloadSize) + ByteBufUtil.utf8Bytes(inbox) + 1;
    }

    @Override
    public ChannelHandler ackHandler(AckSink sink) {
        return new NatsDecoder((buf, index, length) -> {
            if (Ascii.contains(buf, index, index + length, ERROR)) {
                throw new ServerErrorException("NATS JetStream refused: "
                        + buf.toString(index, Math.min(length, MAX_QUOTED_REPLY), StandardCharsets.UTF_8));
            }
            sink.onAck(AckSink.IN_ORDER);
        }, maxControlLine, maxPayload);
    }

    /** The JetStream stream the topic's acknowledged publishes go to. */
    static String streamName(String topic) {
        StringBuilder name = new StringBuilder(topic.length());
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            boolean kept = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_';
            name.append(kept ? c : '_');
        }
        return name.toString();
    }

    /** {@code text} as a JSON string, quotes included. */
    private static String jsonString(String text) {
        StringBuilder json = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }

    @Override
    public ChannelHandler subscriberHandler(PayloadSink sink) {
        return new NatsDecoder(sink, maxControlLine, maxPayload);
    }

    @Override
    public ChannelHandler publisherHandler() {
        return new NatsDecoder((buf, index, length) -> { }, maxControlLine, maxPayload);
    }

    /** A subject is one argument of a control line: whitespace in it would break the stream. */
    private static void checkSubject(String topic) {
        if (topic.isEmpty()) {
            throw new IllegalArgumentException("a NATS subject must not be empty");
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                throw new IllegalArgumentException("a NATS subject must hold no whitespace: \"" + topic + "\"");
            }
        }
    }
}
