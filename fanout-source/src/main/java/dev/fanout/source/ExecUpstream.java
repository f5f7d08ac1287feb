package dev.fanout.source;

import dev.fanout.server.source.SourceContext;

import dev.fanout.protocol.line.LineReader;
import dev.fanout.protocol.line.LineTooLongException;
import dev.fanout.protocol.line.SafeText;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command, run with {@code sh -c}, whose standard output is the stream: each line (or frame) one message. Its
 * standard input is empty; its standard error goes to the log line by line, at most
 * {@link #STDERR_LINES_PER_SECOND} a second (the rest are counted). Each run is one link: when the command
 * exits, the source runs it again after its backoff. Stopping sends SIGTERM to the command and everything it
 * started, then SIGKILL after {@link #KILL_AFTER}; the link ends once the command has exited, without waiting
 * on a read of its output.
 */
final class ExecUpstream implements Upstream {

    private static final Logger log = LoggerFactory.getLogger(ExecUpstream.class);

    /** Standard error lines logged per second at most; a command printing more must not flood the log. */
    static final int STDERR_LINES_PER_SECOND = 50;
    /** How long a command has to exit after SIGTERM before SIGKILL. */
    static final Duration KILL_AFTER = Duration.ofSeconds(2);
    /** Longest standard error line logged; the rest of a longer one is cut. */
    private static final int STDERR_LINE = 4096;

    /** Sends SIGKILL to commands that outlived SIGTERM; a daemon thread of its own, alive while the server is. */
    private static final ScheduledExecutorService KILLER = Executors.newSingleThreadScheduledExecutor(
            new DefaultThreadFactory("fanout-source-exec-kill", true));

    private final String command;
    private final StreamFormat format;

    ExecUpstream(String command, StreamFormat format) {
        if (format != StreamFormat.FRAMES && format != StreamFormat.LINES) {
            throw new IllegalArgumentException("exec: reads frames or lines, not " + format.label());
        }
        this.command = command;
        this.format = format;
    }

    @Override
    public String describe() {
        return "exec:" + command + " (" + format.label() + ")";
    }

    @Override
    public Link open(SourceContext context, SourcePublisher publisher, LinkEvents events) {
        Run run = new Run(context.maxMessage(), publisher, events);
        Thread thread = new Thread(run::run, "fanout-source-exec");
        thread.setDaemon(true);
        run.thread = thread;
        thread.start();
        return run;
    }

    /** One run of the command. */
    private final class Run implements Link {
        private final int maxMessage;
        private final SourcePublisher publisher;
        private final LinkEvents events;
        private volatile Process process;
        private volatile boolean closing;
        private volatile Thread thread;

        Run(int maxMessage, SourcePublisher publisher, LinkEvents events) {
            this.maxMessage = maxMessage;
            this.publisher = publisher;
            this.events = events;
        }

        void run() {
            Process started;
            try {
                ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command);
                builder.redirectInput(ProcessBuilder.Redirect.PIPE);
                started = builder.start();
            } catch (IOException e) {
                events.ended("could not start: " + Failures.describe(e));
                return;
            }
            process = started;
            try {
                started.getOutputStream().close();
            } catch (IOException e) {
                log.debug("source {}: closing the command's standard input: {}", describe(), e.toString());
            }
            if (closing) {
                terminate(started, "stopped");
                return;
            }
            events.connected("process " + started.pid());
            Thread errors = new Thread(() -> logErrors(started.getErrorStream()), "fanout-source-exec-stderr");
            errors.setDaemon(true);
            errors.start();
            String reason = StreamPump.pump(started.getInputStream(), format, maxMessage, publisher, events,
                    describe());
            if (closing) {
                return;
            }
            if (!reason.equals("end of output")) {
                // Garbage on its output: the rest of the stream cannot be trusted, so this run ends.
                terminate(started, reason);
                return;
            }
            try {
                if (!started.waitFor(KILL_AFTER.toMillis(), TimeUnit.MILLISECONDS)) {
                    terminate(started, "closed its output but did not exit; stopped");
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            events.ended("exited with status " + started.exitValue());
        }

        @Override
        public void close() {
            closing = true;
            Thread reader = thread;
            if (reader != null) {
                reader.interrupt();
            }
            Process running = process;
            if (running == null) {
                // Not started yet: run() sees closing once it has, and stops it.
                return;
            }
            terminate(running, "stopped");
        }

        /**
         * SIGTERM to the command and what it started, SIGKILL later if needed; ends the link, for {@code reason},
         * once it has exited, so the next run never overlaps this one.
         */
        private void terminate(Process running, String reason) {
            List<ProcessHandle> family = running.descendants().toList();
            running.destroy();
            family.forEach(ProcessHandle::destroy);
            KILLER.schedule(() -> {
                running.destroyForcibly();
                family.forEach(ProcessHandle::destroyForcibly);
            }, KILL_AFTER.toMillis(), TimeUnit.MILLISECONDS);
            // Once the shell and everything it started are gone: a child that takes its time with SIGTERM still
            // holds its upstream, and the next run must not start beside it.
            List<CompletableFuture<?>> exits = new ArrayList<>();
            exits.add(running.onExit());
            family.forEach(member -> exits.add(member.onExit()));
            CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new)).thenRun(() -> events.ended(reason));
        }


        /** Logs the command's standard error line by line, within the rate limit. */
        private void logErrors(InputStream stderr) {
            LineReader lines = new LineReader(stderr, STDERR_LINE);
            long windowStart = System.nanoTime();
            int inWindow = 0;
            long suppressed = 0;
            try {
                while (true) {
                    String line;
                    try {
                        byte[] bytes = lines.read();
                        if (bytes == null) {
                            break;
                        }
                        line = new String(bytes, StandardCharsets.UTF_8);
                    } catch (LineTooLongException e) {
                        line = "(a line longer than " + STDERR_LINE + " bytes, not shown)";
                    }
                    long now = System.nanoTime();
                    if (now - windowStart >= TimeUnit.SECONDS.toNanos(1)) {
                        if (suppressed > 0) {
                            log.warn("source {}: {} more lines of standard error not logged (over {} a second)",
                                    describe(), suppressed, STDERR_LINES_PER_SECOND);
                        }
                        windowStart = now;
                        inWindow = 0;
                        suppressed = 0;
                    }
                    if (++inWindow <= STDERR_LINES_PER_SECOND) {
                        log.warn("source {} stderr: {}", describe(), SafeText.escape(line));
                    } else {
                        suppressed++;
                    }
                }
            } catch (IOException e) {
                log.debug("source {}: reading standard error: {}", describe(), e.toString());
            }
            if (suppressed > 0) {
                log.warn("source {}: {} more lines of standard error not logged (over {} a second)", describe(),
                        suppressed, STDERR_LINES_PER_SECOND);
            }
        }
    }
}
