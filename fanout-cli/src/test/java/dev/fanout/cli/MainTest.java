package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What the command line says about arguments it cannot use. */
class MainTest {

    private record Run(int status, String err) {
    }

    /** Runs the real command line with these arguments, as {@link Main#main} does but without exiting. */
    private static Run run(String... args) {
        CommandLine commandLine = Main.commandLine();
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        int status = commandLine.execute(args);
        return new Run(status, err.toString());
    }

    /** Regression: {@code ./fanout server} said only "Unmatched argument at index 0: 'server'". */
    @Test
    void unknownCommand_suggestsTheClosest() {
        Run run = run("server");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("""
                fanout: unknown command 'server'; did you mean serve?
                Run './fanout --help' for the commands.
                """);
    }

    @Test
    void unknownCommand_swappedLettersOrAPrefix_suggestsTheCommand() {
        assertThat(run("sbu").err()).startsWith("fanout: unknown command 'sbu'; did you mean sub?");
        assertThat(run("publish").err()).startsWith("fanout: unknown command 'publish'; did you mean pub?");
    }

    @Test
    void unknownCommand_farFromAll_saysSoWithoutAGuess() {
        assertThat(run("xyzzy").err()).startsWith("fanout: unknown command 'xyzzy'\n");
    }

    /** Regression: {@code --max-frames} said "Unknown options: '--max-frames', '1'" and no more. */
    @Test
    void unknownOption_ofASubcommand_suggestsTheClosest() {
        Run run = run("serve", "--max-frames", "1");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("""
                fanout serve: unknown option '--max-frames'; did you mean --max-frame?
                Run './fanout serve --help' for the options.
                """);
    }

    @Test
    void unknownOption_swappedLettersOrAValueAttached_suggestsTheOption() {
        assertThat(run("serve", "--lines-prot", "0").err())
                .startsWith("fanout serve: unknown option '--lines-prot'; did you mean --lines-port?");
        assertThat(run("serve", "--qeue-bytes=1MiB").err())
                .startsWith("fanout serve: unknown option '--qeue-bytes'; did you mean --queue-bytes?");
        assertThat(run("sub", "--cuont", "3").err())
                .startsWith("fanout sub: unknown option '--cuont'; did you mean --count?");
    }

    @Test
    void extraArgument_isNamed() {
        assertThat(run("sub", "7070", "7071").err()).startsWith("fanout sub: unexpected argument '7071'\n");
    }

    @Test
    void badValue_keepsTheConvertersMessage() {
        Run run = run("serve", "--queue-bytes", "1.3MiB");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).startsWith("fanout serve: Invalid value for option '--queue-bytes': '1.3MiB' is not a "
                + "whole number of bytes");
    }
}
