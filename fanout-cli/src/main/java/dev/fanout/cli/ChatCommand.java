package dev.fanout.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PushbackInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fanout chat}: a full-duplex chat client for a lines port. One thread prints what arrives while
 * another sends what you type, so nobody waits for a turn.
 */
@Command(name = "chat",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = {
            "Chat on a fanout lines port: what others say appears while you type.",
            "Type /help once connected for the commands; /quit or end of input (Ctrl-D) leaves."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  ./fanout chat                    to 127.0.0.1:7071",
            "  ./fanout chat 7071 --nick alice",
            "  ./fanout chat chat.example.org:7071"
        })
final class ChatCommand implements Callable<Integer> {

    /** How long a lines port may take to greet; a frames port never does. */
    static final Duration GREETING_WAIT = Duration.ofSeconds(3);

    @Parameters(index = "0", arity = "0..1", paramLabel = "[HOST:]PORT", defaultValue = "7071",
            converter = Endpoint.Converter.class, description = "The server's lines port.")
    private Endpoint endpoint;

    @Option(names = "--nick", paramLabel = "NAME", description = "Name to take on joining (/nick NAME).")
    private String nick;

    @Override
    public Integer call() throws Exception {
        AtomicBoolean leaving = new AtomicBoolean();
        try (Socket socket = ClientConnection.open(endpoint, "./fanout serve")) {
            PushbackInputStream fromServer = new PushbackInputStream(socket.getInputStream(),
                    PortProtocol.SNIFF_BYTES);
            refuseFramesPort(socket, fromServer);
            OutputStream toServer = socket.getOutputStream();
            if (nick != null) {
                send(toServer, "/nick " + nick);
            }
            CompletableFuture<Integer> done = new CompletableFuture<>();
            startDaemon("fanout-chat-in", () -> printIncoming(fromServer, leaving, done));
            startDaemon("fanout-chat-out", () -> sendTyped(toServer, leaving, done));
            return done.join();
        }
    }

    /**
     * A lines port greets at once. Nothing is sent before the greeting: a frames port would read typed text as
     * frame lengths.
     */
    private void refuseFramesPort(Socket socket, PushbackInputStream fromServer) throws IOException {
        PortProtocol.Seen seen = PortProtocol.peek(socket, fromServer, GREETING_WAIT);
        if (seen == PortProtocol.Seen.FRAMES) {
            throw new CommandFailure(PortProtocol.framesPort(endpoint));
        }
        if (seen == PortProtocol.Seen.SILENT) {
            throw new CommandFailure(PortProtocol.silentPort(endpoint, GREETING_WAIT));
        }
    }

    private static void printIncoming(InputStream fromServer, AtomicBoolean leaving,
                                      CompletableFuture<Integer> done) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(fromServer, StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                out.println(line);
            }
        } catch (IOException e) {
            if (!leaving.get()) {
                System.err.println("fanout chat: connection lost: " + e.getMessage());
            }
        }
        boolean asked = leaving.get();
        if (!asked) {
            System.err.println("fanout chat: the server closed the connection");
        }
        done.complete(asked ? 0 : 1);
    }

    private static void sendTyped(OutputStream toServer, AtomicBoolean leaving, CompletableFuture<Integer> done) {
        BufferedReader typed = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            for (String line; (line = typed.readLine()) != null; ) {
                if (line.trim().equalsIgnoreCase("/quit")) {
                    break;
                }
                send(toServer, line);
            }
            // End of input or /quit: ask the server to close, so whatever it still sends is printed first.
            leaving.set(true);
            send(toServer, "/quit");
        } catch (IOException e) {
            if (!leaving.get()) {
                System.err.println("fanout chat: cannot send: " + e.getMessage());
                done.complete(1);
            }
        }
    }

    private static void send(OutputStream toServer, String line) throws IOException {
        toServer.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        toServer.flush();
    }

    private static void startDaemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }
}
