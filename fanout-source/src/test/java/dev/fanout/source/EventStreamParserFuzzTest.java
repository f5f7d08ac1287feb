package dev.fanout.source;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Any bytes as a server-sent event stream, whole and in any pieces: the parser reads the same events either way
 * (a line end split between reads must not make or lose a line), or finds the same garbage; no other exception
 * comes out; no event's data is over the limit and no kept event id is over its limit or holds a NUL, since the
 * id goes back to the upstream in a header. ./fuzz searches; the kept inputs in EventStreamParserFuzzTestInputs
 * run with the tests.
 */
class EventStreamParserFuzzTest {

    private static final int MAX_DATA = 256;

    @FuzzTest(maxDuration = "10s")
    void anyStreamInAnyPieces_readsAsItDoesWhole(FuzzedDataProvider data) {
        List<Integer> cuts = new ArrayList<>();
        for (int i = data.consumeInt(0, 8); i > 0; i--) {
            cuts.add(data.consumeInt(1, 64));
        }
        byte[] stream = data.consumeRemainingAsBytes();

        List<String> whole = read(stream, List.of());
        List<String> pieces = read(stream, cuts);
        if (!whole.equals(pieces)) {
            throw new AssertionError("read whole: " + whole + "\nread in pieces " + cuts + ": " + pieces);
        }
    }

    /** What the parser reports for stream fed in pieces of the given sizes (the rest in one), garbage included. */
    private static List<String> read(byte[] stream, List<Integer> pieceSizes) {
        List<String> seen = new ArrayList<>();
        EventStreamParser parser = new EventStreamParser(new Checked(seen), "", MAX_DATA);
        int at = 0;
        try {
            for (int size : pieceSizes) {
                int end = Math.min(stream.length, at + size);
                feed(parser, stream, at, end);
                at = end;
            }
            feed(parser, stream, at, stream.length);
        } catch (Garbage e) {
            seen.add("garbage|" + e.getMessage());
        }
        return seen;
    }

    private static void feed(EventStreamParser parser, byte[] stream, int from, int to) {
        ByteBuf chunk = Unpooled.wrappedBuffer(stream, from, to - from);
        try {
            parser.feed(chunk);
        } finally {
            chunk.release();
        }
    }

    /** Records what the parser reports, checking each report against the parser's bounds as it comes. */
    private record Checked(List<String> seen) implements EventStreamParser.Listener {

        @Override
        public void event(String type, String data, String lastEventId) {
            if (data.getBytes(StandardCharsets.UTF_8).length > MAX_DATA) {
                throw new AssertionError("an event's data over the limit came out: " + data.length() + " chars");
            }
            checkId(lastEventId);
            seen.add(type + "|" + data + "|" + lastEventId);
        }

        @Override
        public void lastEventId(String lastEventId) {
            checkId(lastEventId);
            seen.add("id|" + lastEventId);
        }

        @Override
        public void retry(long millis) {
            if (millis < 0) {
                throw new AssertionError("a negative retry came out: " + millis);
            }
            seen.add("retry|" + millis);
        }

        private static void checkId(String id) {
            if (id.length() > EventStreamParser.MAX_ID_CHARS || id.indexOf('\0') >= 0) {
                throw new AssertionError("an event id kept that goes over its limit or holds a NUL: " + id.length());
            }
        }
    }
}
