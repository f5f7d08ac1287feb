package dev.fanout.protocol.control;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes frame bodies field by field, for tests that need bodies the encoder would refuse to make. */
final class BodyBuilder {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static BodyBuilder type(FrameType type) {
        return new BodyBuilder().u8(type.code());
    }

    BodyBuilder u8(int value) {
        out.write(value);
        return this;
    }

    BodyBuilder u16(int value) {
        return u8(value >>> 8).u8(value);
    }

    BodyBuilder u32(long value) {
        return u16((int) (value >>> 16)).u16((int) value);
    }

    BodyBuilder u64(long value) {
        return u32(value >>> 32).u32(value);
    }

    BodyBuilder str(String value) {
        return strBytes(value.getBytes(StandardCharsets.UTF_8));
    }

    BodyBuilder strBytes(byte[] value) {
        return u16(value.length).bytes(value);
    }

    BodyBuilder bytes(byte[] value) {
        out.writeBytes(value);
        return this;
    }

    BodyBuilder magic() {
        return bytes(ControlCodec.MAGIC.getBytes(StandardCharsets.US_ASCII));
    }

    byte[] build() {
        return out.toByteArray();
    }
}
