package dev.fanout.protocol.frame;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes frames to a blocking stream, buffered; call {@link #flush()} when a batch is done. Not thread-safe.
 */
public final class FrameWriter implements AutoCloseable {

    private final OutputStream out;

    /** Writes to {@code out}, buffering up to 64 KiB between flushes. */
    public FrameWriter(OutputStream out) {
        this.out = new BufferedOutputStream(out, 64 * 1024);
    }

    /** Writes one frame holding {@code payload[offset, offset + length)}. */
    public void write(byte[] payload, int offset, int length) throws IOException {
        out.write(length >>> 24);
        out.write(length >>> 16);
        out.write(length >>> 8);
        out.write(length);
        out.write(payload, offset, length);
    }

    /** Writes one frame holding all of {@code payload}. */
    public void write(byte[] payload) throws IOException {
        write(payload, 0, payload.length);
    }

    /** Pushes buffered frames to the stream. */
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
