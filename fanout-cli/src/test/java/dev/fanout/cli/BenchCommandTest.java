package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fanout.bench.Target;
import dev.fanout.server.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/** How {@code fanout bench} reads its target and shape, and what its help says about them. */
class BenchCommandTest {

    private final BenchCommand.TargetConverter targets = new BenchCommand.TargetConverter();

    @Test
    void target_everyLabel_parsesToItsTarget() {
        assertThat(Target.values()).hasSize(4);
        for (Target target : Target.values()) {
            assertThat(targets.convert(target.label())).isEqualTo(target);
        }
        assertThat(targets.convert("fanout-control")).isEqualTo(Target.FANOUT_CONTROL);
        assertThat(targets.convert("Fanout-Control")).isEqualTo(Target.FANOUT_CONTROL);
    }

    @Test
    void target_unknown_isAConversionErrorListingTheTargets() {
        assertThatThrownBy(() -> targets.convert("fanout_control"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("unknown target 'fanout_control': use fanout, fanout-control, nats or redis");
    }

    @Test
    void help_namesTheControlTarget_andShowsAnExample() {
        CommandLine commandLine = Main.commandLine();
        StringWriter out = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(new StringWriter(), true));
        assertThat(commandLine.execute("bench", "--help")).isZero();
        assertThat(out.toString())
                .contains("raw mode), fanout-control")
                .contains("fanout (raw or control mode), NATS and Redis")
                .contains("  ./fanout bench --target fanout-control --subscribers 100 --duration 3s\n");
    }

    @Test
    void help_explainsTheAckedShapeAndItsWindow_andShowsAnExample() {
        String help = run(new StringWriter(), "bench", "--help").output();
        assertThat(help)
                .contains("--shape acked measures acknowledged publishes per second instead:\n")
                .contains("of --publishers keeps up to --window publishes awaiting acknowledgement.\n")
                .contains(" or acked\n", "(--publishers only, each waiting for the server\n")
                .contains("With --shape acked, how many of its\n", "publishes may await acknowledgement; 0 picks 64.\n")
                .contains("  ./fanout bench --target fanout-control --shape acked --duration 3s\n")
                .contains("  ./fanout bench --target redis --shape acked --publishers 1 --window 1\n");
    }

    @Test
    void ackedShape_againstAServer_exitsZero_whenEveryPublishWasAcknowledged() {
        try (TestServer server = TestServer.start()) {
            Result result = run(new StringWriter(), "bench", "--target", "fanout-control", "--port",
                    Integer.toString(server.frames().getPort()), "--shape", "acked", "--publishers", "2",
                    "--window", "8", "--count", "500", "--topic", "bench.cli", "--json");
            assertThat(result.status()).as("exit status; stderr: %s", result.errors()).isZero();
            assertThat(server.server().hub().find("bench.cli").lastSequence()).isEqualTo(1_000);
        }
    }

    @Test
    void ackedShape_againstRawFanout_failsSayingWhichTargetsAcknowledge() {
        Result result = run(new StringWriter(), "bench", "--target", "fanout", "--shape", "acked", "--count", "1");
        assertThat(result.status()).isEqualTo(1);
        assertThat(result.errors()).contains("bench: the acked shape needs a target that acknowledges publishes: "
                + "fanout-control, nats or redis (fanout has no acknowledgements)");
    }

    private static Result run(StringWriter out, String... args) {
        CommandLine commandLine = Main.commandLine();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int status = commandLine.execute(args);
        return new Result(status, out.toString(), err.toString());
    }

    private record Result(int status, String output, String errors) {
    }
}
