package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fanout.bench.Target;
import dev.fanout.server.testing.RedisProcess;
import dev.fanout.server.testing.TestServer;
import dev.fanout.store.redis.RedisOptions;
import dev.fanout.store.redis.RedisTarget;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/**
 * How {@code fanout bench} reads its target, shape and where it connects, and what its help says about them; one
 * run spread over the nodes of a real cluster.
 */
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

    @Test
    void help_explainsSubscribeToAndPublishTo_andShowsAClusterExample() {
        String help = run(new StringWriter(), "bench", "--help").output();
        assertThat(help)
                .contains("--subscribe-to and --publish-to spread the connections over several servers:\n")
                .contains("--subscribe-to=HOST:PORT,...", "--publish-to=HOST:PORT,...")
                .contains("  ./fanout bench --target fanout-control --subscribers 100 --duration 3s \\\n"
                        + "      --subscribe-to 7080,7090 --publish-to 7070   a cluster: 50 subscribers\n");
    }

    @Test
    void subscribeTo_withTheAckedShape_isRefused_sayingToUsePublishTo() {
        Result result = run(new StringWriter(), "bench", "--target", "fanout-control", "--shape", "acked",
                "--subscribe-to", "7080", "--count", "1");
        assertThat(result.status()).isEqualTo(1);
        assertThat(result.errors()).contains("bench: --subscribe-to has no use with --shape acked, which has no "
                + "subscribers: give the servers to publish to with --publish-to");
    }

    @Test
    void publishTo_notAnAddress_failsNamingTheFlag() {
        Result result = run(new StringWriter(), "bench", "--target", "fanout-control", "--publish-to",
                "127.0.0.1:7070,nowhere", "--count", "1");
        assertThat(result.status()).isEqualTo(1);
        assertThat(result.errors()).contains("bench: --publish-to: 'nowhere' is not [HOST:]PORT: write e.g. 7070, "
                + "127.0.0.1:7070 or [::1]:7070");
    }

    @Test
    void subscribersOnTwoClusterNodes_publisherOnAThird_exitsZero_andEachNodeDelivered(@TempDir Path directory) {
        try (RedisProcess redis = RedisProcess.start(directory, RedisProcess.Options.defaults().withAppendOnly(false));
             TestServer a = clusterNode(redis);
             TestServer b = clusterNode(redis);
             TestServer c = clusterNode(redis)) {
            Result result = run(new StringWriter(), "bench", "--target", "fanout-control", "--subscribers", "4",
                    "--count", "2000", "--topic", "bench.cli.cluster", "--quiet",
                    "--subscribe-to", a.frames().getPort() + ",127.0.0.1:" + b.frames().getPort(),
                    "--publish-to", Integer.toString(c.frames().getPort()));
            assertThat(result.status()).as("exit status; stderr: %s", result.errors()).isZero();
            // Two subscribers on each of A and B, 2,000 messages each, all from C through Redis; C delivered none.
            assertThat(a.server().hub().stats().handedOver()).isGreaterThanOrEqualTo(4_000);
            assertThat(b.server().hub().stats().handedOver()).isGreaterThanOrEqualTo(4_000);
            assertThat(c.server().hub().stats().handedOver()).isZero();
        }
    }

    private static TestServer clusterNode(RedisProcess redis) {
        return TestServer.start(builder -> builder.redis(RedisOptions.of(RedisTarget.parse(redis.uri()))));
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
