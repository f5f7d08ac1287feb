package dev.fanout.protocol.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.protocol.control.ControlFrame.Ack;
import dev.fanout.protocol.control.ControlFrame.Gap;
import dev.fanout.protocol.control.ControlFrame.Goodbye;
import dev.fanout.protocol.control.ControlFrame.Hello;
import dev.fanout.protocol.control.ControlFrame.Msg;
import dev.fanout.protocol.control.ControlFrame.Ping;
import dev.fanout.protocol.control.ControlFrame.Pong;
import dev.fanout.protocol.control.ControlFrame.Pub;
import dev.fanout.protocol.control.ControlFrame.Sub;
import dev.fanout.protocol.control.ControlFrame.Subscribed;
import dev.fanout.protocol.control.ControlFrame.Welcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The example exchange in docs/protocol.md, parsed from the document and compared byte for byte with what the
 * codec makes of the same frames, so the documented hex cannot drift from the code.
 */
class ProtocolDocExampleTest {

    private static final Pattern HEADER = Pattern.compile("(C->S|S->C) ([A-Z]+)");
    /** Hex bytes, single-spaced, then optionally two or more spaces and a comment. */
    private static final Pattern HEX_LINE = Pattern.compile("([0-9a-f]{2}(?: [0-9a-f]{2})*)(?: {2,}\\S.*)?");

    @Test
    void exampleExchange_inProtocolMd_isWhatTheCodecWrites() throws IOException {
        List<Documented> documented = parse(exampleBlock());
        List<Expected> expected = List.of(
                new Expected("C->S", new Hello(1, List.of(new Option("name", "alice"),
                        new Option("identity", "7f3a9c21")))),
                new Expected("S->C", new Welcome(1, 4, "fanout", "0.1.0", 1_048_576, 262_144, 30_000, 10_000,
                        List.of())),
                new Expected("C->S", new Sub(1, false, ResumeMode.FROM, 3, 5, "prices.eur", List.of())),
                new Expected("S->C", new Subscribed(1, 3, 9)),
                new Expected("S->C", new Gap(1, GapCause.HISTORY, 3, 5, 6, 7, 9, "prices.eur")),
                new Expected("S->C", new Msg(1, 3, 7, 1_700_000_000_000L, "prices.eur", Samples.payload("1.08"))),
                new Expected("C->S", new Pub(1, "prices.usd", Samples.payload("1.09"))),
                new Expected("S->C", new Ack(1, 2, 41)),
                new Expected("S->C", new Ping(42)),
                new Expected("C->S", new Pong(42)),
                new Expected("C->S", new Goodbye(GoodbyeReason.CLIENT_QUIT, "bye")));
        try {
            assertThat(documented).hasSize(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                Expected want = expected.get(i);
                Documented got = documented.get(i);
                FrameType type = want.frame.type();
                assertThat(got.header).isEqualTo(want.direction + " " + type);
                assertThat(want.direction.equals("C->S") ? type.fromClient() : type.fromServer()).isTrue();
                assertThat(Samples.hex(got.bytes)).as("documented bytes of %s", type)
                        .isEqualTo(Samples.hex(Samples.wire(want.frame)));
            }
        } finally {
            expected.forEach(want -> want.frame.release());
        }
    }

    /** The lines of the fenced block after the "### Example exchange" heading. */
    private static List<String> exampleBlock() throws IOException {
        Path doc = Path.of(System.getProperty("basedir", ".")).resolve("../docs/protocol.md").normalize();
        List<String> lines = Files.readAllLines(doc);
        int heading = lines.indexOf("### Example exchange");
        assertThat(heading).as("heading in %s", doc).isNotNegative();
        int open = lines.subList(heading, lines.size()).indexOf("```text") + heading;
        int close = lines.subList(open + 1, lines.size()).indexOf("```") + open + 1;
        assertThat(open).isGreaterThan(heading);
        assertThat(close).isGreaterThan(open);
        return lines.subList(open + 1, close);
    }

    private static List<Documented> parse(List<String> block) {
        List<Documented> frames = new ArrayList<>();
        String header = null;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String line : block) {
            Matcher hex = HEX_LINE.matcher(line);
            if (HEADER.matcher(line).matches()) {
                if (header != null) {
                    frames.add(new Documented(header, bytes.toByteArray()));
                }
                header = line;
                bytes.reset();
            } else if (hex.matches()) {
                assertThat(header).as("a frame header before %s", line).isNotNull();
                bytes.writeBytes(Samples.hex(hex.group(1)));
            } else {
                assertThat(line).as("neither a header nor hex").isBlank();
            }
        }
        if (header != null) {
            frames.add(new Documented(header, bytes.toByteArray()));
        }
        return frames;
    }

    private record Documented(String header, byte[] bytes) {
    }

    private record Expected(String direction, ControlFrame frame) {
    }
}
