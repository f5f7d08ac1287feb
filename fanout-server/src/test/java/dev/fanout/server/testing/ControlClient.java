package dev.fanout.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.protocol.control.ControlCodec;
import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.Option;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A blocking control-mode client at the level of frames, for tests whose point is the protocol itself: what
 * the server answers to each frame, byte-exact. Payloads of frames it returns are copies the caller need not
 * release. Not thread-safe.
 */
public final class ControlClient implements AutoCloseable {

    private final RawClient raw;
    private ControlFrame.Welcome welcome;

    private ControlClient(RawClient raw) {
        this.raw = raw;
    }

    /** Connects and says HELLO with {@code options} (key, value, key, value ...); reads up to the WELCOME. */
    public static ControlClient connect(InetSocketAddress address, String... options) throws IOException {
        return connect(address, 0, options);
    }

    /** As {@link #connect(InetSocketAddress, String...)}, with a receive buffer of that many bytes (0: default). */
    public static ControlClient connect(InetSocketAddress address, int receiveBuffer, String... options)
            throws IOException {
        ControlClient client = new ControlClient(RawClient.connect(address, receiveBuffer));
        List<Option> list = new ArrayList<>();
        for (int i = 0; i < options.length; i += 2) {
            list.add(new Option(options[i], options[i + 1]));
        }
        client.send(new ControlFrame.Hello(ControlCodec.VERSION, list));
        client.welcome = client.awaitWelcome();
        return client;
    }

    /**
     * Says HELLO with {@code options} to a server that is to refuse it: returns its ERROR, and checks that the
     * connection then ends.
     */
    public static ControlFrame.Error helloRefused(InetSocketAddress address, String... options) throws IOException {
        try (ControlClient client = new ControlClient(RawClient.connect(address))) {
            List<Option> list = new ArrayList<>();
            for (int i = 0; i < options.length; i += 2) {
                list.add(new Option(options[i], options[i + 1]));
            }
            client.send(new ControlFrame.Hello(ControlCodec.VERSION, list));
            ControlFrame.Error error = client.readUntil(ControlFrame.Error.class);
            while (true) {
                ControlFrame next = client.read();
                if (next == null) {
                    return error;
                }
                assertThat(next).as("after the refusal").isInstanceOf(ControlFrame.Goodbye.class);
            }
        }
    }

    /** Skips raw frames that were on their way before the server read HELLO, as a client must. */
    private ControlFrame.Welcome awaitWelcome() throws IOException {
        while (true) {
            byte[] body = raw.read();
            assertThat(body).as("the connection closed before WELCOME").isNotNull();
            if (ControlCodec.isWelcome(Unpooled.wrappedBuffer(body))) {
                return (ControlFrame.Welcome) decode(body);
            }
        }
    }

    /** The server's WELCOME. */
    public ControlFrame.Welcome welcome() {
        return welcome;
    }

    /** Sends a frame and flushes. */
    public void send(ControlFrame frame) throws IOException {
        ByteBuf wire = ControlCodec.encode(ByteBufAllocator.DEFAULT, frame);
        try {
            byte[] bytes = new byte[wire.readableBytes()];
            wire.readBytes(bytes);
            raw.socket().getOutputStream().write(bytes);
            raw.socket().getOutputStream().flush();
        } finally {
            wire.release();
        }
    }

    /** Sends a frame body as it is, for bodies the codec would not make. */
    public void sendBody(byte[] body) throws IOException {
        raw.send(body);
    }

    /** Reads the next frame, or null at the end of the stream; fails after the patience runs out. */
    public ControlFrame read() throws IOException {
        byte[] body = raw.read();
        return body == null ? null : decode(body);
    }

    /** Reads the next frame, which must be of {@code type}. */
    public <T extends ControlFrame> T read(Class<T> type) throws IOException {
        ControlFrame frame = read();
        assertThat(frame).as("the next frame").isInstanceOf(type);
        return type.cast(frame);
    }

    /** Reads frames until one of {@code type}, skipping PINGs and others; returns it. */
    public <T extends ControlFrame> T readUntil(Class<T> type) throws IOException {
        while (true) {
            ControlFrame frame = read();
            assertThat(frame).as("the connection closed before a " + type.getSimpleName()).isNotNull();
            if (type.isInstance(frame)) {
                return type.cast(frame);
            }
        }
    }

    /** Reads {@code n} MSG frames (skipping nothing else) and returns their payloads as text. */
    public List<ControlFrame.Msg> readMessages(int n) throws IOException {
        List<ControlFrame.Msg> out = new ArrayList<>();
        while (out.size() < n) {
            out.add(read(ControlFrame.Msg.class));
        }
        return out;
    }

    /** The underlying raw client, for half-closing or raw bytes. */
    public RawClient raw() {
        return raw;
    }

    private static ControlFrame decode(byte[] body) {
        // Copied bytes: what the frame holds needs no release by the test.
        return ControlCodec.decode(Unpooled.wrappedBuffer(body));
    }

    @Override
    public void close() throws IOException {
        raw.close();
    }
}
