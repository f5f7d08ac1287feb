package dev.fanout.protocol.line;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads lines of raw bytes from a blocking stream (no UTF-8 check: a line is a payload), for sources and
 * command-line clients. A line ends at {@code \n}; a {@code \r} before it is dropped. Not thread-safe.
 */
public final class LineReader {

    private final InputStream in;
    private final int maxLine;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    /** Reads from {@code in} (buffered here), refusing lines longer than {@code maxLine} bytes. */
    public LineReader(InputStream in, int maxLine) {
        this.in = new BufferedInputStream(in, 64 * 1024);
        this.maxLine = maxLine;
    }

    /**
     * Returns the next line without its line end, or null at end of stream. A last line without a line end
     * is returned as it is.
     *
     * @throws LineTooLongException when the line exceeds the maximum; the rest of it was skipped, so the next
     *                              call reads the line after it
     */
    public byte[] read() throws IOException {
        line.reset();
        boolean tooLong = false;
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (line.size() <= maxLine) {
                line.write(b);
            } else {
                tooLong = true;
            }
        }
        if (b < 0 && line.size() == 0 && !tooLong) {
            return null;
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        if (tooLong || length > maxLine) {
            throw new LineTooLongException(maxLine);
        }
        return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
    }
}
