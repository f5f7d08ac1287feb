package dev.fanout.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** --publish-rate: a publisher faster than the rate is slowed, not cut, and nothing it sent is lost. */
class PublishRateIntegrationTest {

    @Test
    void aPublisherOverTheRate_isSlowed_andEveryMessageStillArrives_inOrder() throws Exception {
        try (TestServer server = TestServer.start(options -> options.publishRate(20))) {
            RawClient reader = server.rawClient();
            RawClient publisher = server.track(RawClient.connect(server.frames()));
            int messages = 60;
            for (int i = 0; i < messages; i++) {
                publisher.send(ByteBuffer.allocate(4).putInt(i).array());
            }
            for (int i = 0; i < messages; i++) {
                assertThat(ByteBuffer.wrap(reader.read()).getInt()).isEqualTo(i);
            }
            await().until(() -> server.server().sessionStats().throttled() >= 1);
            assertThat(server.server().sessions().size()).isEqualTo(2);
        }
    }

    @Test
    void aPublisherOverTheByteRate_isSlowedToo() throws Exception {
        try (TestServer server = TestServer.start(options -> options.publishBytesRate(64 * 1024))) {
            RawClient reader = server.rawClient();
            RawClient publisher = server.track(RawClient.connect(server.frames()));
            byte[] body = new byte[32 * 1024];
            for (int i = 0; i < 8; i++) {
                publisher.send(body);
            }
            for (int i = 0; i < 8; i++) {
                assertThat(reader.read()).hasSize(body.length);
            }
            assertThat(server.server().sessionStats().throttled()).isPositive();
        }
    }
}
