package dev.fanout.cli;

import dev.fanout.protocol.frame.FrameWriter;
import dev.fanout.protocol.control.TopicNames;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fanout pub}: publishes standard input to a frames port. At the end of input it shuts down its
 * sending side and waits for the server to close the connection, which the server does once every frame is
 * in: a clean end means nothing was lost.
 */
@Command(name = "pub",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = {
            "Publish each line of standard input as one message to a fanout frames port.",
            "Without --topic: to the default topic; with --topic: to a named topic in control mode, each message",
            "acknowledged (exit 0 once all are; across a dropped connection it reconnects and re-sends what was",
            "not acknowledged, so each is published once, unless the server restarted meanwhile: a single server",
            "remembers publish ids in memory only).",
            "Exits 0 once the server has taken everything; non-zero, with the reason, if it refuses or goes away,",
            "or if the port speaks the lines (chat) protocol: pub waits 0.5 s for a chat greeting before sending."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  echo hello | ./fanout pub                     to 127.0.0.1:7070",
            "  tail -f app.log | ./fanout pub 9000           a line per message, as they come",
            "  ./fanout pub --frames [::1]:7070 < frames.bin  length-prefixed input",
            "  seq 1 1000 | ./fanout pub --topic prices.eur   to a topic, every message acknowledged",
            "  echo hi | ./fanout pub feed.example.org:7070 --tls   over TLS, the certificate checked"
        })
final class PubCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private TlsClientFlags tls;

    @Mixin
    private LoginFlags login;

    /** How long to wait, after the last frame, for the server to confirm it has taken everything. */
    private static final long FINISH_TIMEOUT_SECONDS = 30;
    /**
     * How long to wait, beyond two connect times, for a lines port's greeting before sending anything: a frames
     * port says nothing first, so every pub to a quiet frames port waits this long once. A warm server greets
     * within milliseconds; a server's very first lines client waited about 0.3 s on a 2-core machine (classes
     * loading). A greeting later than this still fails pub, after the frames reached the chat room as text.
     */
    static final Duration GREETING_WAIT = Duration.ofMillis(500);
    private static final String REFUSAL_HINT = " (the server may be full, may have refused a frame over its "
            + "--max-frame, or the topic may be fed by a source and read-only: see its log)";

    @Parameters(index = "0", arity = "0..1", paramLabel = "[HOST:]PORT", defaultValue = "7070",
            converter = Endpoint.Converter.class, description = "The server's frames port.")
    private Endpoint endpoint;

    @Option(names = "--frames", description = "Read length-prefixed frames from stdin instead of lines "
            + "(the same as --format frames).")
    private boolean frames;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "lines",
            description = "How standard input is cut into messages: lines, or frames (4-byte length, then bytes).")
    private String format;

    @Option(names = "--topic", paramLabel = "TOPIC",
            description = "Publish to this topic in control mode, each message acknowledged, instead of raw frames "
                    + "to the default topic.")
    private String topic;

    @Option(names = "--max-frame", defaultValue = "1MiB", paramLabel = "SIZE", converter = Converters.IntSize.class,
            description = "Largest message to send; longer lines are skipped with a warning. Match the server's.")
    private int maxFrame;

    @Override
    public Integer call() throws Exception {
        if (maxFrame < 1) {
            throw new ParameterException(spec.commandLine(), "--max-frame must be at least 1 byte, not " + maxFrame);
        }
        if (!format.equals("lines") && !format.equals("frames")) {
            throw new ParameterException(spec.commandLine(), "--format is lines or frames, not '" + format + "'");
        }
        frames |= format.equals("frames");
        if (topic != null) {
            return publishToTopic();
        }
        long connecting = System.nanoTime();
        if (login.given()) {
            throw new ParameterException(spec.commandLine(), "--user and --token need --topic: raw mode has no "
                    + "login, and reads and writes as anonymous");
        }
        try (Socket socket = ClientConnection.open(endpoint, "./fanout serve", tls.clientTls())) {
            ServerWatch server = ServerWatch.start(socket);
            // A lines port greets at once; a frames port says nothing. Wait a moment for a greeting before sending
            // anything, so that frames never reach a chat room as garbled text.
            Duration connect = Duration.ofNanos(System.nanoTime() - connecting);
            if (server.firstBytes(GREETING_WAIT.plus(connect.multipliedBy(2))) == PortProtocol.Seen.LINES) {
                throw new CommandFailure(PortProtocol.linesPort(endpoint, "pub") + "; nothing was published");
            }
            long sent = publish(socket, server);
            if (sent == 0) {
                return 0;
            }
            socket.shutdownOutput();
            String end;
            try {
                end = server.end().get(FINISH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new CommandFailure("sent " + sent + " messages, but the server did not confirm it took them "
                        + "within " + FINISH_TIMEOUT_SECONDS + " s");
            } catch (ExecutionException e) {
                throw new CommandFailure("sent " + sent + " messages, then " + e.getCause().getMessage());
            }
            refuseLinesPort(server, sent);
            if (end != null) {
                throw new CommandFailure("sent " + sent + " messages, then " + end + REFUSAL_HINT);
            }
        }
        return 0;
    }

    /**
     * A lines server that greeted late took the frames as chat text, and closes at the half-close just as a frames
     * server does when it has published everything: its greeting is what tells them apart.
     */
    private void refuseLinesPort(ServerWatch server, long sent) {
        if (server.sawLines()) {
            throw new CommandFailure("sent " + sent + " messages, but " + PortProtocol.linesPort(endpoint, "pub")
                    + "; the server took them as chat text, not as messages");
        }
    }

    private long publish(Socket socket, ServerWatch server) throws IOException {
        CompletableFuture<String> serverEnd = server.end();
        StdinMessages input = new StdinMessages(System.in, frames, maxFrame);
        FrameWriter out = new FrameWriter(socket.getOutputStream());
        long sent = 0;
        try {
            for (byte[] payload; (payload = input.next(sent, () -> flushQuietly(out))) != null; ) {
                if (serverEnd.isDone()) {
                    refuseLinesPort(server, sent);
                    throw new CommandFailure("the server closed the connection after " + sent
                            + " messages were sent: " + describeEnd(serverEnd) + REFUSAL_HINT);
                }
                out.write(payload);
                sent++;
                if (input.drained()) {
                    out.flush();
                }
            }
            out.flush();
        } catch (IOException e) {
            refuseLinesPort(server, sent);
            throw new CommandFailure("the server went away after " + sent + " messages were sent: "
                    + e.getMessage() + REFUSAL_HINT);
        }
        return sent;
    }

    private static void flushQuietly(FrameWriter out) {
        try {
            out.flush();
        } catch (IOException e) {
            // The failure being reported says what matters; a failed flush only means fewer were sent.
        }
    }

    /** Control mode: every message acknowledged before the exit. */
    private int publishToTopic() throws IOException {
        if (!TopicNames.isValidTopic(topic)) {
            throw new ParameterException(spec.commandLine(), "--topic '" + topic + "' is not a topic name: up to "
                    + "255 letters, digits, _ - : @ or ~, in parts joined by dots (prices.eur), no wildcards");
        }
        StdinMessages input = new StdinMessages(System.in, frames, maxFrame);
        ClientTarget target = new ClientTarget(endpoint, tls.clientTls(), login);
        try (TopicWriter writer = new TopicWriter(target, topic, maxFrame, System.err)) {
            Runnable drain = () -> writer.finish(FINISH_TIMEOUT_SECONDS);
            for (byte[] payload; (payload = input.next(writer.published(), drain)) != null; ) {
                writer.publish(payload);
            }
            writer.finish(FINISH_TIMEOUT_SECONDS);
        }
        return 0;
    }

    private static String describeEnd(CompletableFuture<String> serverEnd) {
        String end = serverEnd.getNow(null);
        return end == null ? "it ended the connection" : end;
    }
}
