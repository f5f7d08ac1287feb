package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fanout.server.ServerOptions;
import dev.fanout.server.TransportChoice;
import dev.fanout.server.session.QueueLimits;
import dev.fanout.server.session.SlowConsumerPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

class ServeCommandTest {

    /** Parses {@code fanout serve ARGS} as the real command line does, and returns the options serve would use. */
    private static ServerOptions serve(String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "serve";
        System.arraycopy(args, 0, full, 1, args.length);
        ParseResult parsed = Main.commandLine().parseArgs(full);
        ServeCommand serve = parsed.subcommand().commandSpec().commandLine().getCommand();
        return serve.options();
    }

    @Test
    void options_withNoArguments_equalTheServerDefaults() {
        ServerOptions defaults = ServerOptions.builder().build();

        ServerOptions options = serve();

        assertThat(options.limits()).isEqualTo(defaults.limits());
        assertThat(options).isEqualTo(defaults);
    }

    @Test
    void options_takeEveryFlag() {
        ServerOptions options = serve("--host", "0.0.0.0", "--host", "::", "--port", "9000", "--lines-port", "9001",
                "--topic", "news", "--name", "hub", "--transport", "nio", "--io-threads", "2",
                "--line-flush", "0ms", "--drain-timeout", "1s", "--max-clients", "50",
                "--max-clients-per-address", "5", "--max-frame", "1KiB", "--max-line", "200",
                "--max-topics", "7", "--publish-backlog", "4KiB", "--queue-bytes", "2KiB",
                "--queue-messages", "30", "--slow-consumer", "drop-oldest");

        assertThat(options.hosts()).containsExactly("0.0.0.0", "::");
        assertThat(options.framesPort()).isEqualTo(9000);
        assertThat(options.linesPort()).isEqualTo(9001);
        assertThat(options.defaultTopic()).isEqualTo("news");
        assertThat(options.serverName()).isEqualTo("hub");
        assertThat(options.transport()).isEqualTo(TransportChoice.NIO);
        assertThat(options.ioThreads()).isEqualTo(2);
        assertThat(options.lineFlush()).isZero();
        assertThat(options.drainTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(options.limits().maxClients()).isEqualTo(50);
        assertThat(options.limits().maxClientsPerAddress()).isEqualTo(5);
        assertThat(options.limits().maxFrame()).isEqualTo(1024);
        assertThat(options.limits().maxLine()).isEqualTo(200);
        assertThat(options.limits().maxTopics()).isEqualTo(7);
        assertThat(options.limits().publishBacklog()).isEqualTo(4096);
        assertThat(options.limits().queue()).isEqualTo(new QueueLimits(2048, 30, SlowConsumerPolicy.DROP_OLDEST));
    }

    @Test
    void options_lineFlushZero_turnsTheFlushOff() {
        assertThat(serve("--line-flush", "0").lineFlush()).isZero();
    }

    @Test
    void options_oneHost_replacesBothDefaultHosts() {
        assertThat(serve("--host", "::").hosts()).containsExactly("::");
    }

    @Test
    void options_breakingARule_failsNamingTheFlags() {
        assertThatThrownBy(() -> serve("--max-frame", "2MiB", "--queue-bytes", "1MiB"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--max-frame (2 MiB) is larger than --queue-bytes (1 MiB)");
    }

    @Test
    void parse_badValue_isAParameterErrorWithTheConvertersMessage() {
        assertThatThrownBy(() -> serve("--queue-bytes", "lots"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("'lots' is not a size");
    }

    @Test
    void options_sameDefaultsAsTheServerForEveryLimit() {
        // Spelled out so a changed default on either side names itself.
        ServerOptions options = serve();
        assertThat(options.hosts()).isEqualTo(List.of("127.0.0.1", "::1"));
        assertThat(options.limits().queue().maxBytes()).isEqualTo(QueueLimits.DEFAULT_MAX_BYTES);
        assertThat(options.limits().queue().maxMessages()).isEqualTo(QueueLimits.DEFAULT_MAX_MESSAGES);
        assertThat(options.lineFlush()).isEqualTo(ServerOptions.builder().build().lineFlush());
        assertThat(options.drainTimeout()).isEqualTo(ServerOptions.DEFAULT_DRAIN_TIMEOUT);
    }
}
