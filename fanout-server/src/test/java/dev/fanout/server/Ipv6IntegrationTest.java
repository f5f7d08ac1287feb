package dev.fanout.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class Ipv6IntegrationTest {

    @Test
    void ipv6Loopback_servesFramesAndLines() throws Exception {
        try (TestServer server = TestServer.start(options -> options.hosts(List.of("::1")))) {
            assertThat(server.frames().getAddress()).isInstanceOf(Inet6Address.class);
            InetSocketAddress frames = new InetSocketAddress("::1", server.frames().getPort());
            InetSocketAddress lines = new InetSocketAddress("::1", server.lines().getPort());
            RawClient raw = server.track(RawClient.connect(frames));
            LineClient person = server.track(LineClient.connect(lines));
            person.awaitLine(line -> line.contains("welcome to"));
            server.awaitSessions(2);
            person.send("hello over IPv6");
            assertThat(raw.readText()).isEqualTo("hello over IPv6");
            assertThat(server.server().sessions().find(1).remoteAddress().toString()).contains(":");
        }
    }

    @Test
    void defaultHosts_listenOnBothLoopbacksWithOnePort() throws Exception {
        try (TestServer server = TestServer.start(options -> options.hosts(List.of("127.0.0.1", "::1")))) {
            int port = server.frames().getPort();
            RawClient v4 = server.track(RawClient.connect(new InetSocketAddress("127.0.0.1", port)));
            RawClient v6 = server.track(RawClient.connect(new InetSocketAddress("::1", port)));
            server.awaitSessions(2);
            v6.send("six to four");
            assertThat(v4.readText()).isEqualTo("six to four");
        }
    }
}
