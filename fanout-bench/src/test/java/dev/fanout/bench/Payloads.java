package dev.fanout.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Payloads that a careless text-protocol parser would misread: each holds its index (so order and loss show),
 * CR LF, NUL and 0xFF bytes, lines of the NATS and RESP protocols, and random bytes, and ends with CR LF.
 */
final class Payloads {

    private static final byte[] PROTOCOL_LINES = ("-ERR 'x'\r\nPING\r\nMSG a 1 3\r\n*3\r\n$7\r\nmessage\r\n:1\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private Payloads() {
    }

    /** {@code count} distinct payloads of {@code size} bytes (at least 16), the same for the same arguments. */
    static List<byte[]> tricky(int count, int size) {
        if (size < 16) {
            throw new IllegalArgumentException("size (" + size + ") must be at least 16");
        }
        Random random = new Random(size);
        List<byte[]> payloads = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] payload = new byte[size];
            random.nextBytes(payload);
            payload[0] = (byte) (i >>> 24);
            payload[1] = (byte) (i >>> 16);
            payload[2] = (byte) (i >>> 8);
            payload[3] = (byte) i;
            payload[4] = '\r';
            payload[5] = '\n';
            payload[6] = 0;
            payload[7] = (byte) 0xFF;
            System.arraycopy(PROTOCOL_LINES, 0, payload, 8, Math.min(PROTOCOL_LINES.length, size - 10));
            payload[size - 2] = '\r';
            payload[size - 1] = '\n';
            payloads.add(payload);
        }
        return payloads;
    }

    /** The payloads as {@link Recorder#payloads()} holds them. */
    static List<String> asRecorded(List<byte[]> payloads) {
        List<String> recorded = new ArrayList<>(payloads.size());
        for (byte[] payload : payloads) {
            recorded.add(Recorder.latin1(payload));
        }
        return recorded;
    }
}
