package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.hub.Topic;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Regression: each client pointed at the other protocol's port did nothing useful. {@code pub} to the lines port
 * exited 0 having published nothing; {@code sub} to it said {@code frame of 707406368 bytes exceeds the maximum}
 * (the greeting's {@code *** } read as a length); {@code chat} to the frames port said only that the server closed
 * the connection. Each now names the protocol and the command that fits, and exits 1.
 */
class WrongPortCliTest {

    private final TestServer server = TestServer.start();

    @AfterEach
    void tearDown() {
        server.close();
    }

    private int framesPort() {
        return server.frames().getPort();
    }

    private int linesPort() {
        return server.lines().getPort();
    }

    @Test
    void sub_toTheLinesPort_saysToUseChat() throws Exception {
        try (CliProcess sub = CliProcess.start("sub", "127.0.0.1:" + linesPort())) {
            assertThat(sub.awaitExit()).isEqualTo(1);
            assertThat(sub.stderr()).containsExactly("fanout sub: port " + linesPort() + " speaks the lines protocol "
                    + "(chat), not frames: use './fanout chat " + linesPort() + "' there, or give sub the frames port "
                    + "(7070 by default)");
            assertThat(sub.stdout()).isEmpty();
        }
    }

    @Test
    void pub_toTheLinesPort_sendsNothingAndSaysToUseChat() throws Exception {
        // A warm server, which greets within milliseconds: its very first greeting may take longer than pub waits
        // (classes loading), and then pub fails as the next test shows, after sending.
        server.lineClient();
        try (CliProcess pub = CliProcess.start("pub", String.valueOf(linesPort()))) {
            pub.feed("hello\n");
            assertThat(pub.awaitExit()).isEqualTo(1);
            assertThat(pub.stderr()).containsExactly("fanout pub: port " + linesPort() + " speaks the lines protocol "
                    + "(chat), not frames: use './fanout chat " + linesPort() + "' there, or give pub the frames port "
                    + "(7070 by default); nothing was published");
        }
        assertThat(server.server().hub().stats().published()).isZero();
    }

    /**
     * A lines server whose greeting comes after pub has started sending takes the frames as chat text, then closes
     * at pub's half-close just as a frames server does once it has published everything. Scripted here: a peer
     * that greets only when pub's input has ended.
     */
    @Test
    void pub_toALinesPortThatGreetsLate_doesNotExitZero() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            listener.setSoTimeout(30_000);
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> greetAtTheEnd(listener));
            try (CliProcess pub = CliProcess.start("pub", String.valueOf(listener.getLocalPort()))) {
                pub.feed("hello\n");
                assertThat(pub.awaitExit()).isEqualTo(1);
                assertThat(pub.stderr()).containsExactly("fanout pub: sent 1 messages, but port "
                        + listener.getLocalPort() + " speaks the lines protocol (chat), not frames: use './fanout "
                        + "chat " + listener.getLocalPort() + "' there, or give pub the frames port (7070 by default); "
                        + "the server took them as chat text, not as messages");
            }
            assertThat(received.join()).containsExactly(0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o');
        }
    }

    /** Accepts one client, reads until its half-close, then greets as a lines server does and closes. */
    private static byte[] greetAtTheEnd(ServerSocket listener) {
        try (Socket client = listener.accept()) {
            client.setSoTimeout(30_000);
            InputStream in = client.getInputStream();
            byte[] bytes = in.readAllBytes();
            OutputStream out = client.getOutputStream();
            out.write("*** welcome to fanout: you are client #1\r\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void chat_toAQuietFramesPort_saysToUseSubOrPub() throws Exception {
        try (CliProcess chat = CliProcess.start("chat", String.valueOf(framesPort()), "--nick", "alice")) {
            assertThat(chat.awaitExit()).isEqualTo(1);
            assertThat(chat.stderr()).containsExactly("fanout chat: port " + framesPort() + " sent no chat greeting "
                    + "within 3 s, so it is not a lines (chat) port; a frames port says nothing first: use './fanout "
                    + "sub " + framesPort() + "' or './fanout pub " + framesPort() + "' there, or give chat the lines "
                    + "port (7071 by default); a TLS port says nothing before TLS either: add --tls (or --tls-ca FILE) "
                    + "if it is one");
        }
        assertThat(server.server().hub().stats().published()).as("'/nick alice' was not sent as a frame").isZero();
    }

    @Test
    void chat_toAFramesPortWithAStream_saysSoAtOnce() throws Exception {
        Topic stream = server.server().hub().find(server.server().hub().defaultTopic());
        try (CliProcess chat = CliProcess.start("chat", String.valueOf(framesPort()))) {
            await().atMost(TestServer.PATIENCE).until(() -> stream.subscriberCount() == 1);
            RawClient publisher = server.track(RawClient.connect(server.frames()));
            publisher.send("tick");
            assertThat(chat.awaitExit()).isEqualTo(1);
            assertThat(chat.stderr()).containsExactly("fanout chat: port " + framesPort() + " speaks the frames "
                    + "protocol, not lines (chat): use './fanout sub " + framesPort() + "' or './fanout pub "
                    + framesPort() + "' there, or give chat the lines port (7071 by default)");
        }
    }
}
