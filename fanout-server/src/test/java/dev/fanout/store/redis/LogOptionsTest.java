package dev.fanout.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Lettuce options of a log, for one Redis and for a Redis Cluster alike: commands refused while disconnected,
 * a bounded queue, and commands cut off by a disconnect failed rather than sent again.
 */
class LogOptionsTest {

    private final RedisOptions options = RedisOptions.of(RedisTarget.parse("redis-cluster://127.0.0.1:7000"));

    @Test
    void bothClients_refuseWhileDisconnected_boundTheirQueue_andNeverReplay() {
        ClientOptions single = RedisConnection.logOptions(ClientOptions.builder(), options).build();
        ClusterClientOptions cluster = RedisConnection.logOptions(ClusterClientOptions.builder(), options).build();
        for (ClientOptions each : List.of(single, cluster)) {
            assertThat(each.getDisconnectedBehavior()).isEqualTo(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
            assertThat(each.getRequestQueueSize()).isEqualTo(options.maxQueued());
            assertThat(each.getReplayFilter()).as("a replay filter that fails cut-off commands")
                    .isNotSameAs(ClientOptions.DEFAULT_REPLAY_FILTER);
            AsyncCommand<String, String, String> cutOff = new AsyncCommand<>(new Command<>(CommandType.EVALSHA,
                    new StatusOutput<>(StringCodec.UTF8)));
            assertThat(each.getReplayFilter().test(cutOff)).as("left out of the replay").isTrue();
            assertThat(cutOff).as("failed, so that its publisher is not acknowledged").isCompletedExceptionally();
        }
    }
}
