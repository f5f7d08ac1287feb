package dev.fanout.server.lines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.server.session.CloseReason;
import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lines listener as telnet meets it: raw sockets, because the telnet bytes are the point. */
class TelnetIntegrationTest {

    private static final int IAC = 0xff;
    private static final int WILL = 0xfb;
    private static final int WONT = 0xfc;
    private static final int DO = 0xfd;
    private static final int DONT = 0xfe;
    private static final int AYT = 0xf6;
    private static final int ECHO = 1;
    private static final int TIMING_MARK = 6;
    private static final int NAWS = 31;

    /** What telnet sends on Ctrl-C: IAC IP, IAC DO TIMING-MARK. */
    private static final byte[] CTRL_C = {(byte) 0xff, (byte) 0xf4, (byte) 0xff, (byte) 0xfd, 0x06};

    private final TestServer server = TestServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    /** Connects a raw socket, reads its greeting and returns it ready for the test's bytes. */
    private Socket telnet() throws IOException {
        Socket socket = server.track(new Socket());
        socket.setSoTimeout((int) TestServer.PATIENCE.toMillis());
        socket.connect(server.lines(), 10_000);
        assertThat(readLine(socket.getInputStream())).startsWith("*** welcome to ");
        return socket;
    }

    /** Regression: telnet waited for the answer to Ctrl-C that never came, and the session froze. */
    @Test
    void ctrlC_answersTheTimingMarkThenSaysGoodbyeAndCloses() throws IOException {
        LineClient other = server.lineClient();
        Socket telnet = telnet();
        long id = server.sessionOf(telnet).id();
        other.drain();

        send(telnet, CTRL_C);

        byte[] expected = concat(new byte[] {(byte) IAC, (byte) WILL, TIMING_MARK},
                "*** disconnected: client quit: interrupted (Ctrl-C)\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(readToEnd(telnet.getInputStream())).containsExactly(expected);
        other.awaitLine("*** client-" + id + " left");
        await().until(() -> server.server().sessions().size() == 1);
        assertThat(server.server().sessionStats().closes(CloseReason.CLIENT_QUIT)).isEqualTo(1);
    }

    @Test
    void optionNegotiation_isRefusedAndTheTextAroundItIsChat() throws IOException {
        LineClient other = server.lineClient();
        Socket telnet = telnet();
        long id = server.sessionOf(telnet).id();

        send(telnet, concat(new byte[] {(byte) IAC, (byte) WILL, NAWS, (byte) IAC, (byte) DO, ECHO},
                "hel".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) IAC, (byte) DONT, ECHO},
                "lo\r\n".getBytes(StandardCharsets.UTF_8)));

        other.awaitLine("client-" + id + ": hello");
        byte[] refusals = {(byte) IAC, (byte) DONT, NAWS, (byte) IAC, (byte) WONT, ECHO};
        assertThat(telnet.getInputStream().readNBytes(refusals.length)).containsExactly(refusals);
        assertThat(server.server().sessions().size()).isEqualTo(2);
    }

    @Test
    void areYouThere_isAnsweredWithANotice() throws IOException {
        Socket telnet = telnet();

        send(telnet, new byte[] {(byte) IAC, (byte) AYT});

        assertThat(readLine(telnet.getInputStream())).matches("\\*\\*\\* yes, fanout .* is here");
    }

    @Test
    void literal255_inALine_isReportedAsInvalidUtf8() throws IOException {
        Socket telnet = telnet();

        send(telnet, concat("a".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) IAC, (byte) IAC},
                "b\r\n".getBytes(StandardCharsets.UTF_8)));

        assertThat(readLine(telnet.getInputStream()))
                .isEqualTo("*** error: line is not valid UTF-8; the line was not sent");
        assertThat(server.server().hub().stats().published()).isZero();
    }

    private static void send(Socket socket, byte[] bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    /** Reads up to and including CR LF; returns the line without it. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            assertThat(b).as("the connection ended mid-line after %s", line).isNotNegative();
            line.write(b);
        }
        String text = line.toString(StandardCharsets.UTF_8);
        assertThat(text).endsWith("\r");
        return text.substring(0, text.length() - 1);
    }

    /** Reads until the server closes the connection; fails after the patience (the socket's timeout). */
    private static byte[] readToEnd(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
