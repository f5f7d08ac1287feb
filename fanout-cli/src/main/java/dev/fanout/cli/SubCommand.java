package dev.fanout.cli;

import dev.fanout.client.SubscribeOptions;
import dev.fanout.protocol.control.TopicNames;
import dev.fanout.protocol.frame.FrameReader;
import dev.fanout.protocol.frame.FrameTooLargeException;
import dev.fanout.protocol.line.SafeText;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fanout sub}: prints each message of the default topic from a frames port. */
@Command(name = "sub",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = {
            "Subscribe to a fanout frames port and print each message on its own line.",
            "Without --topic: the default topic's messages; with --topic: those of named topics and patterns in",
            "control mode, resuming after a lost connection.",
            "Text is printed as it is; control characters and binary payloads are shown in a safe escaped form."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  ./fanout sub                     from 127.0.0.1:7070",
            "  ./fanout sub 9000 --count 10     exit after ten messages",
            "  ./fanout sub [::1]:7070 --raw > out.bin   payloads only, nothing between",
            "  ./fanout sub --topic 'prices.>' --last 10 --json   the last 10 of each, then live, as JSON",
            "  ./fanout sub --topic orders --from 1 --count 100   from the oldest held, exit after 100",
            "  ./fanout sub feed.example.org:7070 --tls          over TLS, the certificate checked",
            "  ./fanout sub --tls-ca tls/cert.pem               over TLS to a self-signed server"
        })
final class SubCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private TlsClientFlags tls;

    @Mixin
    private LoginFlags login;

    @Parameters(index = "0", arity = "0..1", paramLabel = "[HOST:]PORT", defaultValue = "7070",
            converter = Endpoint.Converter.class, description = "The server's frames port.")
    private Endpoint endpoint;

    @Option(names = "--raw", description = "Write payloads unchanged, with nothing between them.")
    private boolean raw;

    @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "0",
            description = "Exit after N messages; 0 means never.")
    private long count;

    @Option(names = "--topic", paramLabel = "TOPIC",
            description = "A topic or pattern (prices.*, prices.>) to read in control mode; repeat for several. "
                    + "Without it, the default topic in raw mode.")
    private List<String> topics = new ArrayList<>();

    @Option(names = "--from", paramLabel = "SEQ",
            description = "With --topic: start at sequence SEQ of what the server holds (1: the oldest held).")
    private Long from;

    @Option(names = "--last", paramLabel = "N", description = "With --topic: start with the last N messages held.")
    private Long last;

    @Option(names = "--json", description = "With --topic: one JSON object per line: topic, seq, epoch, time, "
            + "payload (text, or base64 with \"encoding\":\"base64\"); gaps and resets as \"type\" objects.")
    private boolean json;

    @Option(names = "--max-frame", defaultValue = "16MiB", paramLabel = "SIZE", converter = Converters.IntSize.class,
            description = "Largest frame accepted from the server.")
    private int maxFrame;

    @Override
    public Integer call() throws IOException {
        if (count < 0) {
            throw new ParameterException(spec.commandLine(), "--count must be 0 (never stop) or more, not " + count);
        }
        if (!topics.isEmpty()) {
            return readTopics();
        }
        if (from != null || last != null || json) {
            throw new ParameterException(spec.commandLine(), "--from, --last and --json need --topic: the default "
                    + "topic in raw mode has no numbering to start from");
        }
        if (login.given()) {
            throw new ParameterException(spec.commandLine(), "--user and --token need --topic: raw mode has no "
                    + "login, and reads and writes as anonymous");
        }
        try (Socket socket = ClientConnection.open(endpoint, "./fanout serve", tls.clientTls())) {
            PushbackInputStream socketIn = new PushbackInputStream(socket.getInputStream(), PortProtocol.SNIFF_BYTES);
            refuseLinesPort(socket, socketIn);
            FrameReader frames = new FrameReader(socketIn, maxFrame);
            OutputStream out = new BufferedOutputStream(System.out, 64 * 1024);
            long received = 0;
            while (count == 0 || received < count) {
                byte[] payload = read(frames, received);
                if (payload == null) {
                    out.flush();
                    throw new CommandFailure("the server closed the connection after " + received + " messages"
                            + (received == 0 && tls.clientTls() == null ? " (a TLS port closes a plaintext client at "
                            + "once: add --tls if it is one; a server with --auth may not let anonymous read it)"
                            : ""));
                }
                received++;
                print(out, payload);
                // Flush when nothing else is waiting, so a live stream shows at once and a burst costs one write.
                if (socketIn.available() == 0) {
                    out.flush();
                }
            }
            out.flush();
        }
        return 0;
    }

    /** Control mode, through the client library. */
    private int readTopics() {
        for (String topic : topics) {
            if (!TopicNames.isValidFilter(topic)) {
                throw new ParameterException(spec.commandLine(), "--topic '" + topic + "' is not a topic or pattern: "
                        + "up to 255 letters, digits, _ - : @ or ~, in parts joined by dots; * for one part, > at the "
                        + "end for the rest");
            }
        }
        if (from != null && last != null) {
            throw new ParameterException(spec.commandLine(), "--from and --last both say where to start; give one");
        }
        if (json && raw) {
            throw new ParameterException(spec.commandLine(), "--json and --raw are two output formats; give one");
        }
        if (from != null && from < 1 || last != null && last < 0) {
            throw new ParameterException(spec.commandLine(), "--from must be 1 or more and --last 0 or more");
        }
        SubscribeOptions start = from != null ? SubscribeOptions.fromSequence(from)
                : last != null ? SubscribeOptions.last(last) : SubscribeOptions.newOnly();
        return new TopicReader(new ClientTarget(endpoint, tls.clientTls(), login), topics, start, count, json, raw,
                System.out, System.err).run();
    }

    /** A lines port greets at once: its {@code *** } would be read as a 707406368-byte frame length. */
    private void refuseLinesPort(Socket socket, PushbackInputStream socketIn) {
        try {
            if (PortProtocol.peek(socket, socketIn, Duration.ZERO) == PortProtocol.Seen.LINES) {
                throw new CommandFailure(PortProtocol.linesPort(endpoint, "sub"));
            }
        } catch (IOException e) {
            throw failure(e, 0);
        }
    }

    private static byte[] read(FrameReader frames, long received) {
        try {
            return frames.read();
        } catch (FrameTooLargeException e) {
            throw new CommandFailure(e.getMessage() + "; raise --max-frame");
        } catch (EOFException e) {
            throw new CommandFailure("the connection ended inside a frame after " + received + " messages");
        } catch (IOException e) {
            throw failure(e, received);
        }
    }

    private static CommandFailure failure(IOException e, long received) {
        if (e instanceof SocketException) {
            return new CommandFailure("connection lost after " + received + " messages: " + e.getMessage()
                    + (received == 0 ? " (the server may be full: see its log)" : ""));
        }
        return new CommandFailure("cannot read from the server: " + e.getMessage());
    }

    private void print(OutputStream out, byte[] payload) throws IOException {
        if (raw) {
            out.write(payload);
        } else {
            out.write(SafeText.render(payload).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
    }
}
