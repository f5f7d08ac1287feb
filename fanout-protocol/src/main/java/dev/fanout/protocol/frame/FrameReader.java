package dev.fanout.protocol.frame;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads frames from a blocking stream, for command-line clients and tests. Not thread-safe.
 */
public final class FrameReader {

    private final DataInputStream in;
    private final int maxFrame;

    /** Reads from {@code in} (buffered here), refusing payloads longer than {@code maxFrame}. */
    public FrameReader(InputStream in, int maxFrame) {
        this.in = new DataInputStream(new BufferedInputStream(in, 64 * 1024));
        this.maxFrame = maxFrame;
    }

    /**
     * Returns the next payload, or {@code null} at a clean end of stream (between frames).
     *
     * @throws FrameTooLargeException if the length prefix exceeds the maximum; nothing was allocated
     * @throws EOFException if the stream ends inside a frame
     */
    public byte[] read() throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        long length = ((long) first << 24) | (in.readUnsignedByte() << 16)
                | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
        if (length > maxFrame) {
            throw new FrameTooLargeException(length, maxFrame);
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return payload;
    }
}
