package dev.fanout.source;

import dev.fanout.protocol.frame.FrameReader;
import dev.fanout.protocol.line.LineReader;
import dev.fanout.protocol.line.LineTooLongException;
import io.netty.buffer.Unpooled;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a blocking stream (standard input, a command's output) on the caller's thread and publishes each line
 * or frame, waiting while the publisher must pause. A line over the limit is skipped with a warning, since the
 * next line is still a line; a frame over it ends the stream, since what follows can no longer be trusted.
 */
final class StreamPump {

    private static final Logger log = LoggerFactory.getLogger(StreamPump.class);

    private StreamPump() {
    }

    /** Pumps until the stream ends, fails or the thread is interrupted; returns why it stopped, for the log. */
    static String pump(InputStream in, StreamFormat format, int maxMessage, SourcePublisher publisher,
                       LinkEvents events, String describe) {
        LineReader lines = format == StreamFormat.LINES ? new LineReader(in, maxMessage) : null;
        FrameReader frames = format == StreamFormat.FRAMES ? new FrameReader(in, maxMessage) : null;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                byte[] payload;
                try {
                    payload = frames != null ? frames.read() : lines.read();
                } catch (LineTooLongException e) {
                    events.heard();
                    log.warn("source {}: a line was skipped: {}", describe, e.getMessage());
                    continue;
                }
                if (payload == null) {
                    return "end of output";
                }
                events.heard();
                publisher.publish(Unpooled.wrappedBuffer(payload));
                if (!publisher.awaitWritable()) {
                    return "stopped";
                }
            }
            return "stopped";
        } catch (EOFException e) {
            return "the output ended inside a frame";
        } catch (IOException e) {
            return Failures.describe(e);
        }
    }
}
