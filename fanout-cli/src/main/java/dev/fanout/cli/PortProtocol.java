package dev.fanout.cli;

import java.io.IOException;
import java.io.PushbackInputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * Tells a client command pointed at the wrong port which protocol that port speaks, from the first bytes the
 * server sends. A lines (chat) port greets at once, and every line it sends starts with {@code *** }; a frames
 * port says nothing until something is published, and a frame starts with its 4-byte big-endian length, whose
 * first byte is 0 for any frame under 16 MiB. Without this, {@code sub} read the greeting's {@code *** } as a
 * 707406368-byte length and {@code pub} published into a chat room and exited 0.
 */
final class PortProtocol {

    /** What the first bytes say. */
    enum Seen {
        /** A lines port: its greeting, or a telnet option negotiation. */
        LINES,
        /** A frames port sending a frame. */
        FRAMES,
        /** Nothing within the time allowed: a frames port with a quiet topic, or not a fanout port. */
        SILENT,
        /** Anything else, the end of the connection included: left for the command to report as it reads. */
        UNKNOWN
    }

    /** Bytes enough to tell. */
    static final int SNIFF_BYTES = 4;

    private static final byte[] NOTICE = "*** ".getBytes(StandardCharsets.US_ASCII);
    /** Telnet's "interpret as command": a lines server negotiating options. No frame is 4 GiB or more. */
    private static final int TELNET_IAC = 0xff;

    private PortProtocol() {
    }

    /** Classifies the first {@code length} bytes a server sent (fewer than {@link #SNIFF_BYTES} if it ended). */
    static Seen classify(byte[] first, int length) {
        if (length == 0) {
            return Seen.UNKNOWN;
        }
        if ((first[0] & 0xff) == TELNET_IAC) {
            return Seen.LINES;
        }
        if (length >= NOTICE.length && Arrays.equals(first, 0, NOTICE.length, NOTICE, 0, NOTICE.length)) {
            return Seen.LINES;
        }
        return first[0] == 0 ? Seen.FRAMES : Seen.UNKNOWN;
    }

    /**
     * Reads up to {@link #SNIFF_BYTES} bytes and pushes them back, so the command then reads them as usual.
     *
     * @param within how long to wait for them; {@link Duration#ZERO} waits as long as it takes
     * @return what they say, or {@link Seen#SILENT} if none came in time
     * @throws IOException as reading the socket does
     */
    static Seen peek(Socket socket, PushbackInputStream in, Duration within) throws IOException {
        byte[] first = new byte[SNIFF_BYTES];
        int length = 0;
        int timeout = socket.getSoTimeout();
        socket.setSoTimeout((int) within.toMillis());
        try {
            while (length < first.length) {
                int n = in.read(first, length, first.length - length);
                if (n < 0) {
                    break;
                }
                length += n;
            }
        } catch (SocketTimeoutException e) {
            if (length == 0) {
                return Seen.SILENT;
            }
        } finally {
            socket.setSoTimeout(timeout);
            in.unread(first, 0, length);
        }
        return classify(first, length);
    }

    /** A frames client (sub, pub) reached a lines port. */
    static String linesPort(Endpoint endpoint, String command) {
        return describe(endpoint) + " speaks the lines protocol (chat), not frames: use './fanout chat "
                + argument(endpoint) + "' there, or give " + command + " the frames port (7070 by default)";
    }

    /** chat reached a frames port that sent a frame. */
    static String framesPort(Endpoint endpoint) {
        return describe(endpoint) + " speaks the frames protocol, not lines (chat): " + framesAdvice(endpoint);
    }

    /** chat waited for a greeting that did not come. */
    static String silentPort(Endpoint endpoint, Duration waited) {
        return describe(endpoint) + " sent no chat greeting within " + waited.toSeconds() + " s, so it is not a "
                + "lines (chat) port; a frames port says nothing first: " + framesAdvice(endpoint)
                + "; a TLS port says nothing before TLS either: add --tls (or --tls-ca FILE) if it is one";
    }

    private static String framesAdvice(Endpoint endpoint) {
        return "use './fanout sub " + argument(endpoint) + "' or './fanout pub " + argument(endpoint)
                + "' there, or give chat the lines port (7071 by default)";
    }

    /** "port 7071", or "chat.example.org:7071" when the host is not the default. */
    private static String describe(Endpoint endpoint) {
        return Endpoint.DEFAULT_HOST.equals(endpoint.host()) ? "port " + endpoint.port() : endpoint.toString();
    }

    /** The endpoint as the command line takes it. */
    private static String argument(Endpoint endpoint) {
        return Endpoint.DEFAULT_HOST.equals(endpoint.host()) ? String.valueOf(endpoint.port()) : endpoint.toString();
    }
}
