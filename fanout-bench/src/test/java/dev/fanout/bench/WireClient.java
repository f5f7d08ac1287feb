package dev.fanout.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;

/**
 * One connection to a real server speaking a {@link Wire}, as the bench makes them: the wire's handler, then a
 * {@link Recorder} of what it delivers, then a handler that closes the connection on an exception. Sends the
 * wire's hello on connecting.
 */
final class WireClient implements AutoCloseable {

    /** How long the server may take to answer. */
    static final Duration PATIENCE = Duration.ofSeconds(30);

    private final Wire wire;
    private final Channel channel;
    private final Recorder recorder;

    private WireClient(Wire wire, Channel channel, Recorder recorder) {
        this.wire = wire;
        this.channel = channel;
        this.recorder = recorder;
    }

    /** Connects a subscriber: its payloads go to {@link #recorder()}. */
    static WireClient subscriber(EventLoopGroup group, InetSocketAddress address, Wire wire) {
        Recorder recorder = new Recorder();
        return connect(group, address, wire, wire.subscriberHandler(recorder), recorder);
    }

    /** Connects a publisher. */
    static WireClient publisher(EventLoopGroup group, InetSocketAddress address, Wire wire) {
        return connect(group, address, wire, wire.publisherHandler(), new Recorder());
    }

    private static WireClient connect(EventLoopGroup group, InetSocketAddress address, Wire wire,
                                      ChannelHandler handler, Recorder recorder) {
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(handler, recorder, new ChannelInboundHandlerAdapter() {
                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                });
        Channel channel = bootstrap.connect(address).syncUninterruptibly().channel();
        ByteBuf hello = wire.hello(channel.alloc());
        if (hello != null) {
            channel.writeAndFlush(hello).syncUninterruptibly();
        }
        return new WireClient(wire, channel, recorder);
    }

    /** Subscribes to {@code topic} and waits until the server confirms it. */
    void subscribe(String topic) {
        int before = recorder.subscribed();
        channel.writeAndFlush(wire.subscribe(channel.alloc(), topic)).syncUninterruptibly();
        awaitSubscribed(before + 1);
    }

    /** Waits until {@code count} {@link WireEvent#SUBSCRIBED} events have gone by; fails on a connection error. */
    void awaitSubscribed(int count) {
        await("subscription confirmed", () -> recorder.subscribed() >= count);
    }

    /** Publishes each payload to {@code topic} in order, flushing once, and waits until all is written. */
    void publish(String topic, List<byte[]> payloads) {
        for (byte[] bytes : payloads) {
            ByteBuf payload = Unpooled.wrappedBuffer(bytes);
            ByteBuf out = channel.alloc().buffer(wire.publishSize(topic, bytes.length));
            try {
                wire.publish(out, topic, payload);
            } catch (RuntimeException e) {
                out.release();
                throw e;
            } finally {
                payload.release();
            }
            channel.write(out);
        }
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).syncUninterruptibly();
    }

    /** Writes raw bytes, as a broken or hostile client would. */
    void writeRaw(String text) {
        channel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1)).syncUninterruptibly();
    }

    /** Waits until {@code count} payloads have arrived; fails on a connection error. */
    void awaitPayloads(int count) {
        await(count + " payloads", () -> recorder.payloadCount() >= count);
    }

    /** Waits until the connection has failed, and returns why. */
    Throwable awaitFailure() {
        Awaitility.await("a connection error").atMost(PATIENCE).until(() -> recorder.failure() != null);
        return recorder.failure();
    }

    Recorder recorder() {
        return recorder;
    }

    Channel channel() {
        return channel;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private void await(String what, Callable<Boolean> condition) {
        Awaitility.await(what).atMost(PATIENCE).until(() -> {
            Throwable failure = recorder.failure();
            if (failure != null) {
                throw new AssertionError("the connection failed waiting for " + what, failure);
            }
            return condition.call();
        });
    }
}
