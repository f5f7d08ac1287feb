package dev.fanout.cli;

import java.io.BufferedReader;
import java.io.IOError;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSocket;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fanout chat}: a full-duplex chat client for a lines port. One thread shows what arrives while another
 * sends what you type, so nobody waits for a turn; in a terminal, a line editor keeps what arrives out of the
 * line being typed ({@link ChatScreen}).
 */
@Command(name = "chat",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = {
            "Chat on a fanout lines port: what others say appears above the line you type.",
            "Type /help once connected for the commands. /quit, Ctrl-D or Ctrl-C leaves.",
            "In a terminal, Up and Down recall your lines and Ctrl-U clears the line;",
            "from a pipe or a file, each line read is sent."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  ./fanout chat                    to 127.0.0.1:7071",
            "  ./fanout chat 7071 --nick alice",
            "  ./fanout chat chat.example.org:7071",
            "  ./fanout chat chat.example.org:7071 --tls        over TLS, the certificate checked",
            "  ./fanout chat 7071 --tls-ca tls/cert.pem          over TLS to a self-signed server"
        })
final class ChatCommand implements Callable<Integer> {

    /** How long a lines port may take to greet; a frames port never does. */
    static final Duration GREETING_WAIT = Duration.ofSeconds(3);

    @Parameters(index = "0", arity = "0..1", paramLabel = "[HOST:]PORT", defaultValue = "7071",
            converter = Endpoint.Converter.class, description = "The server's lines port.")
    private Endpoint endpoint;

    @Option(names = "--nick", paramLabel = "NAME", description = "Name to take on joining (/nick NAME).")
    private String nick;

    @Mixin
    private TlsClientFlags tls;

    @Mixin
    private LoginFlags login;

    @Override
    public Integer call() throws Exception {
        String failure;
        try (Socket socket = ClientConnection.open(endpoint, "./fanout serve", tls.clientTls())) {
            PushbackInputStream fromServer = new PushbackInputStream(socket.getInputStream(),
                    PortProtocol.SNIFF_BYTES);
            refuseFramesPort(socket, fromServer);
            OutputStream toServer = socket.getOutputStream();
            String loginLine = login.loginLine();
            if (loginLine != null && !(socket instanceof SSLSocket) && !socket.getInetAddress().isLoopbackAddress()) {
                throw new CommandFailure("--user to " + endpoint + " over plaintext would send the password in "
                        + "clear (and the server refuses it): add --tls, or --tls-ca FILE");
            }
            if (loginLine != null) {
                send(toServer, loginLine);
            }
            if (nick != null) {
                send(toServer, "/nick " + nick);
            }
            // Completes with null when the user left, else with what went wrong; told once the screen is closed.
            CompletableFuture<String> done = new CompletableFuture<>();
            AtomicBoolean leaving = new AtomicBoolean();
            try (ChatScreen screen = ChatScreen.open()) {
                startDaemon("fanout-chat-in", () -> showIncoming(fromServer, screen, leaving, done));
                startDaemon("fanout-chat-out", () -> sendTyped(screen, toServer, leaving, done));
                failure = done.join();
            }
        }
        if (failure != null) {
            throw new CommandFailure(failure);
        }
        return 0;
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

    private static void showIncoming(InputStream fromServer, ChatScreen screen, AtomicBoolean leaving,
                                     CompletableFuture<String> done) {
        String failure = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(fromServer, StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                screen.show(line);
            }
        } catch (IOException e) {
            failure = "connection lost: " + e.getMessage();
        }
        // After /quit the server's close is the expected end; before it, the server ended the chat.
        done.complete(leaving.get() ? null : failure != null ? failure : "the server closed the connection");
    }

    private static void sendTyped(ChatScreen screen, OutputStream toServer, AtomicBoolean leaving,
                                  CompletableFuture<String> done) {
        try {
            for (String line; (line = screen.readLine()) != null; ) {
                if (line.trim().equalsIgnoreCase("/quit")) {
                    break;
                }
                send(toServer, line);
            }
            // Left: ask the server to close, so whatever it still sends is shown first.
            leaving.set(true);
            send(toServer, "/quit");
        } catch (IOException | IOError e) {
            // Once the chat is over, the screen and socket close under this thread: nothing to tell.
            done.complete(leaving.get() ? null : "cannot send: " + e.getMessage());
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
