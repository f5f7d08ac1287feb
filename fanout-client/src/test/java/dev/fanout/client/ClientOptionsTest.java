package dev.fanout.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClientOptionsTest {

    @Test
    void defaults_areTheDocumentedOnes() {
        ClientOptions options = ClientOptions.builder().build();
        assertThat(options.address().getHostString()).isEqualTo("127.0.0.1");
        assertThat(options.address().getPort()).isEqualTo(7070);
        assertThat(options.identity()).isNull();
        assertThat(options.reconnect()).isEqualTo(ReconnectOptions.DEFAULTS);
        assertThat(options.reconnect().maxAttempts()).isZero();
        assertThat(options.maxPendingPublishes()).isEqualTo(1024);
        assertThat(options.bufferMessages()).isEqualTo(1024);
        assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void builder_badValues_areRefusedNamingTheFieldAndTheValue() {
        assertThatThrownBy(() -> ClientOptions.builder().address("localhost", 70000))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("port (70000) must be 1 to 65535");
        assertThatThrownBy(() -> ClientOptions.builder().name("bad name").build())
                .hasMessageContaining("name ('bad name')");
        assertThatThrownBy(() -> ClientOptions.builder().identity("").build())
                .hasMessageContaining("identity ('')");
        assertThatThrownBy(() -> ClientOptions.builder().connectTimeout(Duration.ZERO).build())
                .hasMessage("connectTimeout (0 ms) must be at least 1 ms");
        assertThatThrownBy(() -> ClientOptions.builder().pending(0, 10, Duration.ZERO).build())
                .hasMessage("maxPendingPublishes (0) must be at least 1");
        assertThatThrownBy(() -> ClientOptions.builder().buffer(10, -1).build())
                .hasMessage("bufferBytes (-1) must be at least 1");
        assertThatThrownBy(() -> ClientOptions.builder().ping(Duration.ofSeconds(1), Duration.ofMillis(-5)).build())
                .hasMessage("pingTimeout (-5 ms) must be at least 1 ms");
    }

    @Test
    void reconnectOptions_badValues_areRefusedNamingTheFieldAndTheValue() {
        ReconnectOptions d = ReconnectOptions.DEFAULTS;
        assertThatThrownBy(() -> d.withMaxAttempts(-1))
                .hasMessage("reconnect maxAttempts (-1) must be 0 (forever) or more");
        assertThatThrownBy(() -> d.withWaits(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessage("reconnect maxWait (1000 ms) is shorter than initialWait (2000 ms)");
        assertThatThrownBy(() -> d.withGrowth(0.5, 0.1))
                .hasMessage("reconnect multiplier (0.5) must be 1 or more");
        assertThatThrownBy(() -> d.withGrowth(2, 1.5))
                .hasMessage("reconnect jitter (1.5) must be 0 to 1");
    }

    @Test
    void subscribeOptions_badValues_areRefusedNamingTheValue() {
        assertThatThrownBy(() -> SubscribeOptions.last(-1)).hasMessage("last (-1) must not be negative");
        assertThatThrownBy(() -> SubscribeOptions.from(1, 0)).hasMessage("sequence (0) must be at least 1");
        assertThatThrownBy(() -> SubscribeOptions.newOnly().withBuffer(0, 1))
                .hasMessage("buffer messages (0) must be at least 1");
    }

    @Test
    void toBuilder_keepsEveryValue() {
        ClientOptions options = ClientOptions.builder().name("alice").identity("me").buffer(5, 6).build();
        ClientOptions copy = options.toBuilder().build();
        assertThat(copy.name()).isEqualTo("alice");
        assertThat(copy.identity()).isEqualTo("me");
        assertThat(copy.bufferMessages()).isEqualTo(5);
        assertThat(copy.bufferBytes()).isEqualTo(6);
    }
}
