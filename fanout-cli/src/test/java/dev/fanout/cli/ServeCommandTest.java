package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fanout.client.ReconnectOptions;
import dev.fanout.server.ServerOptions;
import dev.fanout.server.http.HttpOptions;
import dev.fanout.server.websocket.WebSocketOptions;
import dev.fanout.store.disk.DiskOptions;
import dev.fanout.store.disk.FsyncPolicy;
import dev.fanout.server.TransportChoice;
import dev.fanout.server.session.QueueLimits;
import dev.fanout.server.session.SlowConsumerPolicy;
import dev.fanout.server.source.Source;
import dev.fanout.server.tls.TlsOptions;
import dev.fanout.source.SourceSettings;
import dev.fanout.source.StreamFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

class ServeCommandTest {

    /** Parses {@code fanout serve ARGS} as the real command line does, and returns the options serve would use. */
    private static ServerOptions serve(String... args) {
        return command(args).options();
    }

    private static ServeCommand command(String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "serve";
        System.arraycopy(args, 0, full, 1, args.length);
        ParseResult parsed = Main.commandLine().parseArgs(full);
        return parsed.subcommand().commandSpec().commandLine().getCommand();
    }

    @Test
    void httpFlags_becomeTheServersHttpOptions() {
        HttpOptions http = serve("--http-port", "9080", "--max-http-connections", "5", "--recent-closes", "3",
                "--metrics-topics", "7", "--max-websockets", "9", "--max-ws-message", "2KiB", "--ws-origin",
                "https://a.example,https://b.example").http();

        assertThat(http).isEqualTo(new HttpOptions(9080, 3, 7, 5, new WebSocketOptions(9, 2048,
                List.of("https://a.example", "https://b.example"))));
        assertThat(serve().http().port()).isEqualTo(7080);
        assertThat(serve("--no-http").http().enabled()).isFalse();
        assertThatThrownBy(() -> serve("--http-port", "7070")).hasMessageContaining("--http-port 7070 is taken");
    }

    @Test
    void tlsFlags_becomeTheServersTlsOptions_andNeedEachOther() {
        assertThat(serve().tls()).isNull();
        TlsOptions tls = serve("--tls-cert", "c.pem", "--tls-key", "k.pem", "--tls-client-ca", "ca.pem",
                "--plaintext", "lines", "--handshake-timeout", "3s").tls();
        assertThat(tls).isEqualTo(new TlsOptions(Path.of("c.pem"), Path.of("k.pem"), Path.of("ca.pem"),
                Set.of("lines")));
        assertThat(serve("--handshake-timeout", "3s").limits().handshakeTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(tls.covers("frames")).isTrue();
        assertThat(tls.covers("lines")).isFalse();
        assertThatThrownBy(() -> serve("--tls-cert", "c.pem")).hasMessageContaining("--tls-cert needs --tls-key");
        assertThatThrownBy(() -> serve("--tls-cert", "c.pem", "--tls-key", "k.pem", "--plaintext", "web"))
                .hasMessageContaining("name a listener: frames, lines or http");
        assertThat(tls.covers("http")).isTrue();
        assertThatThrownBy(() -> serve("--tls-cert", "c.pem", "--tls-key", "k.pem", "--plaintext",
                "frames,lines,http")).hasMessageContaining("leave out --tls-cert");
    }

    @Test
    void sources_areRepeatable_eachFeedingItsTopic_andReadOnlyUnlessAllowed() {
        ServeCommand serve = command("--source", "prices=tcp://127.0.0.1:9000?format=frames", "--source",
                "exec:tail -F app.log");

        List<Source> sources = serve.sources("lobby");

        assertThat(sources).extracting(Source::describe)
                .containsExactly("prices=tcp://127.0.0.1:9000 (frames)", "exec:tail -F app.log (lines)");
        assertThat(sources).extracting(Source::feeds).containsExactly("prices", "lobby");
        assertThat(serve.options().allowPublish()).isFalse();
        assertThat(serve("--allow-publish").allowPublish()).isTrue();
    }

    @Test
    void sourceSettings_takeTheBackoffIdleTimeoutHeadersAndToken() {
        SourceSettings settings = command("--source-backoff-initial", "1s", "--source-backoff-max", "1m",
                "--source-backoff-multiplier", "3", "--source-backoff-jitter", "0.5", "--source-idle-timeout", "45s",
                "--source-header", "X-Api-Key: k1", "--source-bearer-token", "t0ken", "--source-format", "frames")
                .sourceSettings();

        assertThat(settings.backoff()).isEqualTo(new ReconnectOptions(0, Duration.ofSeconds(1),
                Duration.ofMinutes(1), 3.0, 0.5));
        assertThat(settings.idleTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(settings.headers()).containsEntry("X-Api-Key", "k1");
        assertThat(settings.bearerToken()).isEqualTo("t0ken");
        assertThat(settings.lineFormat()).isEqualTo(StreamFormat.FRAMES);
        assertThat(settings.toString()).doesNotContain("k1").doesNotContain("t0ken");
    }

    @Test
    void sourceMistakes_nameTheFlag_andNeverShowAHeadersValue() {
        assertThatThrownBy(() -> command("--source-header", "secret-value-without-a-name").sourceSettings())
                .hasMessageContaining("--source-header needs NAME:VALUE").hasMessageNotContaining("secret-value");
        assertThatThrownBy(() -> command("--source-backoff-max", "10ms").sourceSettings())
                .hasMessageContaining("--source-backoff-max");
        assertThatThrownBy(() -> command("--source", "udp://h:1").sources("lobby"))
                .hasMessageContaining("unknown source");
        assertThatThrownBy(() -> command("--source", "tcp://h:1?format=sse").sources("lobby"))
                .hasMessageContaining("frames or lines");
        assertThatThrownBy(() -> command("--source", "stdin", "--source", "a=stdin").sources("lobby"))
                .hasMessageContaining("standard input can feed one source");
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
        assertThat(options.limits().queue()).isEqualTo(new QueueLimits(2048, 30, SlowConsumerPolicy.DROP_OLDEST, 512,
                QueueLimits.DEFAULT_SOFT_TIME));
        assertThat(serve("--queue-soft-bytes", "1MiB", "--queue-soft-time", "5s").limits().queue())
                .isEqualTo(new QueueLimits(QueueLimits.DEFAULT_MAX_BYTES, QueueLimits.DEFAULT_MAX_MESSAGES,
                        SlowConsumerPolicy.DISCONNECT, 1024 * 1024, Duration.ofSeconds(5)));
    }

    @Test
    void options_dataDirFlags_keepHistoryOnDisk_andWithoutIt_inMemory() {
        ServerOptions options = serve("--data-dir", "var/fanout", "--fsync", "always", "--fsync-interval", "250ms",
                "--data-segment-size", "1MiB", "--history-age", "7d");

        assertThat(options.disk()).isEqualTo(new DiskOptions(Path.of("var/fanout"), FsyncPolicy.ALWAYS,
                Duration.ofMillis(250), 1024 * 1024));
        assertThat(options.history().maxAge()).isEqualTo(Duration.ofDays(7));
        assertThat(serve().disk()).isNull();
        assertThat(serve().history().expires()).isFalse();
        assertThat(serve("--data-dir", "d").disk().fsync()).as("the default").isEqualTo(FsyncPolicy.INTERVAL);
        assertThatThrownBy(() -> serve("--data-dir", "d", "--fsync", "sometimes"))
                .hasMessageContaining("--fsync must be always, interval or os, not 'sometimes'");
        assertThatThrownBy(() -> serve("--data-dir", "d", "--data-segment-size", "1KiB"))
                .hasMessageContaining("--data-segment-size must be between 64KiB and 1GiB");
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
