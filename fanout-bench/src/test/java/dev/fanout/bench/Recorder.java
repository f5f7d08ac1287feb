package dev.fanout.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Records what a wire's handler delivers: as its sink, each payload; placed after it in the pipeline, each
 * {@link WireEvent#SUBSCRIBED} and the first exception, which it passes on. Per connection; read from any thread.
 */
final class Recorder extends ChannelInboundHandlerAdapter implements PayloadSink {

    private final List<String> payloads = new ArrayList<>();
    private final AtomicInteger subscribed = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    @Override
    public void onPayload(ByteBuf buf, int index, int length) {
        String payload = buf.toString(index, length, StandardCharsets.ISO_8859_1);
        synchronized (payloads) {
            payloads.add(payload);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == WireEvent.SUBSCRIBED) {
            subscribed.incrementAndGet();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failure.compareAndSet(null, cause);
        ctx.fireExceptionCaught(cause);
    }

    /** The payloads so far, each byte as one ISO-8859-1 character, so any bytes compare exactly. */
    List<String> payloads() {
        synchronized (payloads) {
            return List.copyOf(payloads);
        }
    }

    int payloadCount() {
        synchronized (payloads) {
            return payloads.size();
        }
    }

    /** How many {@link WireEvent#SUBSCRIBED} events went by. */
    int subscribed() {
        return subscribed.get();
    }

    /** The first exception that went by, or null. */
    Throwable failure() {
        return failure.get();
    }

    /** Bytes as the one-character-per-byte text {@link #payloads()} holds. */
    static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
