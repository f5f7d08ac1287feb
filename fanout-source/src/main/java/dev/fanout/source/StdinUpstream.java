package dev.fanout.source;

import dev.fanout.server.source.SourceContext;

import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The server's standard input, read once on a thread of its own: when it ends, the source has ended. Stopping
 * does not wait for a read that is blocked (a read of standard input cannot be interrupted): the thread is a
 * daemon and what it reads afterwards is let go.
 */
final class StdinUpstream implements Upstream {

    private final InputStream in;
    private final StreamFormat format;
    private final AtomicBoolean opened = new AtomicBoolean();

    StdinUpstream(InputStream in, StreamFormat format) {
        if (format != StreamFormat.FRAMES && format != StreamFormat.LINES) {
            throw new IllegalArgumentException("stdin reads frames or lines, not " + format.label());
        }
        this.in = in;
        this.format = format;
    }

    @Override
    public String describe() {
        return "stdin (" + format.label() + ")";
    }

    @Override
    public boolean reopens() {
        return false;
    }

    @Override
    public Link open(SourceContext context, SourcePublisher publisher, LinkEvents events) {
        if (!opened.compareAndSet(false, true)) {
            throw new IllegalStateException("standard input is read once");
        }
        Thread reader = new Thread(() -> {
            events.connected("standard input");
            String reason = StreamPump.pump(in, format, context.maxMessage(), publisher, events, describe());
            events.ended(reason);
        }, "fanout-source-stdin");
        reader.setDaemon(true);
        reader.start();
        return () -> {
            reader.interrupt();
            events.ended("stopped");
        };
    }
}
