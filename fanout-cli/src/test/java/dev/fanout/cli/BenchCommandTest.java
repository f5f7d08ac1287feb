package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fanout.bench.Target;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/** How {@code fanout bench} reads its target, and what its help says about the targets. */
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
}
