package dev.fanout.server.source;

import dev.fanout.protocol.frame.FrameReader;
import dev.fanout.protocol.line.LineReader;
import dev.fanout.protocol.line.LineTooLongException;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Standard input as a source: each line is one message, or, with {@link Format#FRAMES}, each length-prefixed
 * frame. A line longer than the frame limit is skipped with a warning; a frame longer than it ends the
 * source, since the rest of the stream can no longer be trusted.
 */
public final class StdinSource implements Source {

    private static final Logger log = LoggerFactory.getLogger(StdinSource.class);

    /** How standard input is cut into messages. */
    public enum Format {
        /** One message per line. */
        LINES,
        /** 4-byte big-endian length, then the payload. */
        FRAMES
    }

    private final Format format;
    private final LineReader lines;
    private final FrameReader frames;

    /** Reads {@code in} in the given format; messages longer than {@code maxMessage} bytes are refused. */
    public StdinSource(InputStream in, Format format, int maxMessage) {
        this.format = format;
        this.lines = format == Format.LINES ? new LineReader(in, maxMessage) : null;
        this.frames = format == Format.FRAMES ? new FrameReader(in, maxMessage) : null;
    }

    @Override
    public String describe() {
        return "stdin (" + format.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    @Override
    public byte[] next() throws IOException {
        if (frames != null) {
            return frames.read();
        }
        while (true) {
            try {
                return lines.read();
            } catch (LineTooLongException e) {
                log.warn("{}: {}", describe(), e.getMessage());
            }
        }
    }
}
