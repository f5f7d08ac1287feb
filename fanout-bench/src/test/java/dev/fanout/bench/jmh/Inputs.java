package dev.fanout.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/** Inputs the benchmarks share: chat-like text payloads, and encoded units joined as one socket read. */
final class Inputs {

    private static final byte[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 ".getBytes(StandardCharsets.US_ASCII);

    private Inputs() {
    }

    /**
     * Printable ASCII of exactly {@code size} bytes, different for each {@code index}: clean text, so the
     * lines encoding takes its usual path rather than the safe rendering of binary payloads.
     */
    static byte[] text(int size, int index) {
        byte[] text = new byte[size];
        for (int i = 0; i < size; i++) {
            text[i] = ALPHABET[(index + i) % ALPHABET.length];
        }
        return text;
    }

    /**
     * Encodes each input into a buffer of its own with {@code encoder}, measures and releases it, and returns
     * the bytes encoded: the encoders' benchmark loop.
     */
    static <T> long encodeEach(List<T> inputs, Function<T, ByteBuf> encoder) {
        long bytes = 0;
        for (T input : inputs) {
            ByteBuf encoded = encoder.apply(input);
            bytes += encoded.readableBytes();
            encoded.release();
        }
        return bytes;
    }

    /** One direct buffer from {@code alloc} holding {@code parts}' bytes back to back; releases the parts. */
    static ByteBuf joined(ByteBufAllocator alloc, List<ByteBuf> parts) {
        int bytes = 0;
        for (ByteBuf part : parts) {
            bytes += part.readableBytes();
        }
        ByteBuf joined = alloc.directBuffer(bytes);
        for (ByteBuf part : parts) {
            joined.writeBytes(part);
            part.release();
        }
        return joined;
    }
}
