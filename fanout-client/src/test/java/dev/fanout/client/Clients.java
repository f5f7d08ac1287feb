package dev.fanout.client;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Helpers the integration tests share: options for a test server, payloads, and the clients to close. */
final class Clients implements AutoCloseable {

    private final List<FanoutClient> clients = new ArrayList<>();

    /** Options for {@code address} that reconnect quickly, as tests want. */
    static ClientOptions.Builder options(InetSocketAddress address) {
        return ClientOptions.builder()
                .address(address)
                .connectTimeout(Duration.ofSeconds(5))
                .reconnect(ReconnectOptions.DEFAULTS.withWaits(Duration.ofMillis(20), Duration.ofMillis(200)));
    }

    /** Connects a client, closed with the others. */
    FanoutClient connect(ClientOptions.Builder options) {
        FanoutClient client = FanoutClient.connect(options.build());
        clients.add(client);
        return client;
    }

    /** Connects a client to {@code address} with the test defaults. */
    FanoutClient connect(InetSocketAddress address) {
        return connect(options(address));
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        for (FanoutClient client : clients) {
            client.close();
        }
    }
}
