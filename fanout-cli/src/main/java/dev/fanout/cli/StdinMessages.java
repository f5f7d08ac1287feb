package dev.fanout.cli;

import dev.fanout.protocol.frame.FrameReader;
import dev.fanout.protocol.frame.FrameTooLargeException;
import dev.fanout.protocol.line.LineReader;
import dev.fanout.protocol.line.LineTooLongException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Standard input cut into messages for {@code fanout pub}: lines, or length-prefixed frames. A line over the
 * limit is skipped with a note on standard error; input that ends inside a frame, or a frame over the limit,
 * stops the command. Not thread-safe.
 */
final class StdinMessages {

    private final InputStream in;
    private final LineReader lines;
    private final FrameReader frames;

    StdinMessages(InputStream in, boolean framed, int maxFrame) {
        this.in = in;
        this.lines = framed ? null : new LineReader(in, maxFrame);
        this.frames = framed ? new FrameReader(in, maxFrame) : null;
    }

    /**
     * The next message, or null at the end of input. Where input cannot go on, runs {@code beforeFailing} (to
     * hand on what was read so far), then fails with a {@link CommandFailure} that counts {@code sent}.
     */
    byte[] next(long sent, Runnable beforeFailing) throws IOException {
        while (true) {
            try {
                return frames != null ? frames.read() : lines.read();
            } catch (LineTooLongException e) {
                System.err.println("fanout pub: " + e.getMessage());
            } catch (EOFException e) {
                beforeFailing.run();
                throw new CommandFailure("standard input ended inside a frame after " + sent
                        + " messages; the messages before it were sent");
            } catch (FrameTooLargeException e) {
                beforeFailing.run();
                throw new CommandFailure("standard input holds a " + e.getMessage() + " after " + sent
                        + " messages; raise --max-frame (and the server's) or fix the input");
            }
        }
    }

    /** True when no more input is waiting now: the moment to flush what was written. */
    boolean drained() throws IOException {
        return in.available() == 0;
    }
}
