package dev.fanout.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import java.nio.charset.StandardCharsets;

/**
 * Redis pub/sub in RESP2. There is no handshake. A subscriber sends
 *
 * <pre>
 * *2 CR LF $9 CR LF SUBSCRIBE CR LF $len CR LF topic CR LF
 * </pre>
 *
 * and the server's {@code subscribe} confirmation tells it the subscription is in effect
 * ({@link WireEvent#SUBSCRIBED}). Each publish is
 *
 * <pre>
 * *3 CR LF $7 CR LF PUBLISH CR LF $len CR LF topic CR LF $n CR LF payload CR LF
 * </pre>
 *
 * which the server answers with {@code :receivers CR LF}; the publisher's handler consumes those. Topics (channel
 * names) are binary-safe and sent in UTF-8.
 *
 * <p>An acknowledged publish ({@link AckedWire}) appends the payload to the stream named by the topic, trimmed to
 * about {@link AckedWire#RETAIN} entries, as field {@code p}:
 *
 * <pre>
 * *8 CR LF $4 CR LF XADD CR LF $len CR LF topic CR LF $6 CR LF MAXLEN CR LF $1 CR LF ~ CR LF $4 CR LF 1000 CR LF
 *   $1 CR LF * CR LF $1 CR LF p CR LF $n CR LF payload CR LF
 * </pre>
 *
 * and the server's reply, the entry's id, acknowledges it. With {@code appendonly yes} and {@code appendfsync
 * always}, Redis writes and fsyncs its append-only file before it sends the replies of an event-loop turn.
 */
final class RedisWire implements AckedWire {

    /**
     * Lines (headers, integers, errors) longer than this are treated as a broken stream; Redis's own are a few
     * dozen bytes.
     */
    static final int MAX_LINE = 4 * 1024;
    /** Bulk strings (payloads) larger than this are treated as a broken stream: the bench never sends them. */
    static final int MAX_BULK = 64 * 1024 * 1024;

    private static final byte[] SUBSCRIBE = "*2\r\n$9\r\nSUBSCRIBE\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PUBLISH = "*3\r\n$7\r\nPUBLISH\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] XADD = "*8\r\n$4\r\nXADD\r\n".getBytes(StandardCharsets.US_ASCII);
    /** After the stream's name: trim to about RETAIN entries, a new id, the field's name. */
    private static final byte[] TRIM_ID_FIELD = ("$6\r\nMAXLEN\r\n$1\r\n~\r\n$" + Integer.toString(RETAIN).length()
            + "\r\n" + RETAIN + "\r\n$1\r\n*\r\n$1\r\np\r\n").getBytes(StandardCharsets.US_ASCII);

    private final int maxLine;
    private final int maxBulk;

    RedisWire() {
        this(MAX_LINE, MAX_BULK);
    }

    /** With other limits for what the server sends, for tests. */
    RedisWire(int maxLine, int maxBulk) {
        if (maxLine < 16) {
            throw new IllegalArgumentException("maxLine (" + maxLine + ") must be at least 16");
        }
        if (maxBulk < 0) {
            throw new IllegalArgumentException("maxBulk (" + maxBulk + ") must not be negative");
        }
        this.maxLine = maxLine;
        this.maxBulk = maxBulk;
    }

    @Override
    public ByteBuf hello(ByteBufAllocator alloc) {
        return null;
    }

    @Override
    public ByteBuf subscribe(ByteBufAllocator alloc, String topic) {
        int topicBytes = ByteBufUtil.utf8Bytes(topic);
        ByteBuf out = alloc.buffer(SUBSCRIBE.length + bulkSize(topicBytes));
        out.writeBytes(SUBSCRIBE);
        writeBulkHeader(out, topicBytes);
        ByteBufUtil.writeUtf8(out, topic);
        return out.writeByte(Ascii.CR).writeByte(Ascii.LF);
    }

    @Override
    public void publish(ByteBuf out, String topic, ByteBuf payload) {
        int length = payload.readableBytes();
        out.writeBytes(PUBLISH);
        writeBulkHeader(out, ByteBufUtil.utf8Bytes(topic));
        ByteBufUtil.writeUtf8(out, topic);
        out.writeByte(Ascii.CR).writeByte(Ascii.LF);
        writeBulkHeader(out, length);
        out.writeBytes(payload, payload.readerIndex(), length);
        out.writeByte(Ascii.CR).writeByte(Ascii.LF);
    }

    @Override
    public int publishSize(String topic, int payloadSize) {
        return PUBLISH.length + bulkSize(ByteBufUtil.utf8Bytes(topic)) + bulkSize(payloadSize);
    }

    @Override
    public void publishAcked(ByteBuf out, String topic, String inbox, long publishId, ByteBuf payload) {
        int length = payload.readableBytes();
        out.writeBytes(XADD);
        writeBulkHeader(out, ByteBufUtil.utf8Bytes(topic));
        ByteBufUtil.writeUtf8(out, topic);
        out.writeByte(Ascii.CR).writeByte(Ascii.LF);
        out.writeBytes(TRIM_ID_FIELD);
        writeBulkHeader(out, length);
        out.writeBytes(payload, payload.readerIndex(), length);
        out.writeByte(Ascii.CR).writeByte(Ascii.LF);
    }

    @Override
    public int publishAckedSize(String topic, String inbox, int payloadSize) {
        return XADD.length + bulkSize(ByteBufUtil.utf8Bytes(topic)) + TRIM_ID_FIELD.length + bulkSize(payloadSize);
    }

    @Override
    public ChannelHandler ackHandler(AckSink sink) {
        return new RespDecoder((buf, index, length) -> { }, sink, maxLine, maxBulk);
    }

    @Override
    public ChannelHandler subscriberHandler(PayloadSink sink) {
        return new RespDecoder(sink, maxLine, maxBulk);
    }

    @Override
    public ChannelHandler publisherHandler() {
        return new RespDecoder((buf, index, length) -> { }, maxLine, maxBulk);
    }

    /** {@code $length CR LF}. */
    private static void writeBulkHeader(ByteBuf out, int length) {
        out.writeByte('$');
        Ascii.writeDecimal(out, length);
        out.writeByte(Ascii.CR).writeByte(Ascii.LF);
    }

    /** The bytes of a bulk string of {@code length} bytes: {@code $length CR LF bytes CR LF}. */
    private static int bulkSize(int length) {
        return 1 + Ascii.decimalDigits(length) + 2 + length + 2;
    }
}
