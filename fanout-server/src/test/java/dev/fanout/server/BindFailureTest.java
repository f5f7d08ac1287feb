package dev.fanout.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Regression: a port in use said {@code bind(..) failed with error(-98): Address already in use; check that
 * --host names an address of this machine, or choose another port}: Netty's words, and a hint about the wrong
 * flag. Each cause now gets plain words and the one hint that fits.
 */
class BindFailureTest {

    private static FanoutServer start(UnaryOperator<ServerOptions.Builder> options) {
        ServerOptions.Builder builder = ServerOptions.builder().hosts(List.of("127.0.0.1")).framesPort(0)
                .linesPort(0).httpPort(0).drainTimeout(Duration.ZERO);
        return new FanoutServer(options.apply(builder).build()).start();
    }

    @ParameterizedTest
    @EnumSource(value = TransportChoice.class, names = {"EPOLL", "NIO"})
    void portInUse_saysSoAndNamesThePortFlag(TransportChoice transport) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> start(o -> o.transport(transport).framesPort(port)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("cannot listen for frames: port " + port + " on 127.0.0.1 is already in use; stop "
                            + "what uses it or choose another port with --port (0 picks a free one)");
            assertThatThrownBy(() -> start(o -> o.transport(transport).linesPort(port)))
                    .hasMessage("cannot listen for lines: port " + port + " on 127.0.0.1 is already in use; stop "
                            + "what uses it or choose another port with --lines-port (0 picks a free one)");
        }
    }

    @ParameterizedTest
    @EnumSource(value = TransportChoice.class, names = {"EPOLL", "NIO"})
    void addressNotOfThisMachine_pointsAtHost(TransportChoice transport) {
        // 192.0.2.0/24 is reserved for documentation: never an address of this machine. Binding sends nothing.
        assertThatThrownBy(() -> start(o -> o.transport(transport).hosts(List.of("192.0.2.1"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot listen for frames on 192.0.2.1: it is not an address of this machine; check "
                        + "--host (the default is loopback; '::' listens on every address)");
    }

    @Test
    void unknownHost_pointsAtHost() {
        // A mistyped IPv6 literal: refused without asking any name server.
        assertThatThrownBy(() -> start(o -> o.hosts(List.of("[::1"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot listen on '[::1': no such host or address; check --host (an address or name of "
                        + "this machine, e.g. 127.0.0.1, ::1 or ::)");
    }

    /** Tests run as root, who may bind any port, so the refusal is made up; its words are the system's. */
    @Test
    void lowPortNotAllowed_saysWhyAndWhatToUse() {
        assertThat(BindFailure.of("frames", "::", 80, new BindException("Permission denied")))
                .hasMessage("cannot listen for frames: not allowed to use port 80 on [::] (ports below 1024 need "
                        + "root or the CAP_NET_BIND_SERVICE capability); choose a port from 1024 up with --port");
        assertThat(BindFailure.of("lines", "127.0.0.1", 8080, new BindException("Permission denied")))
                .hasMessage("cannot listen for lines: not allowed to use port 8080 on 127.0.0.1; choose another "
                        + "port with --lines-port");
    }

    @Test
    void otherCause_keepsTheSystemsWordsWithoutAGuess() {
        assertThat(BindFailure.of("frames", "127.0.0.1", 7070, new BindException("Protocol not available")))
                .hasMessage("cannot listen for frames on 127.0.0.1:7070: Protocol not available");
    }
}
