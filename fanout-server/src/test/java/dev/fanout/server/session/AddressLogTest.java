package dev.fanout.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.TestServer;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Log lines write client addresses as /list does: {@code 127.0.0.1:PORT}, not Java's {@code /127.0.0.1:PORT}. */
class AddressLogTest {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final List<Logger> loggers = List.of((Logger) LoggerFactory.getLogger(ConnectionLimiter.class),
            (Logger) LoggerFactory.getLogger(Session.class));

    @BeforeEach
    void capture() {
        appender.start();
        loggers.forEach(logger -> logger.addAppender(appender));
    }

    @AfterEach
    void release() {
        loggers.forEach(logger -> logger.detachAppender(appender));
    }

    private List<String> messages(Level level) {
        synchronized (appender.list) {
            return appender.list.stream().filter(e -> e.getLevel() == level)
                    .map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    @Test
    void refusalAndCloseLines_showTheAddressWithoutASlash() throws IOException {
        try (TestServer server = TestServer.start(options -> options.maxClients(1))) {
            LineClient admitted = server.lineClient();
            LineClient refused = server.track(LineClient.connect(server.lines()));
            refused.awaitEnd();
            server.sessionOf(admitted.socket()).close(CloseReason.KICKED, "test");
            admitted.awaitEnd();

            String refusedAt = "refused 127.0.0.1:" + refused.socket().getLocalPort() + ": server full";
            await().untilAsserted(() -> assertThat(messages(Level.WARN)).anyMatch(line -> line.startsWith(refusedAt)));
            String closed = "client #1 'client-1' 127.0.0.1:" + admitted.socket().getLocalPort()
                    + " (lines) closed: removed by the operator: test";
            await().untilAsserted(() -> assertThat(messages(Level.INFO)).contains(closed));
        }
    }
}
