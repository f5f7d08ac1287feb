package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.fanout.server.ServerOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ShutdownWatchdogTest {

    @Test
    void arm_logsOneLineAndHaltsWithStatus124_onceItsLimitHasPassed() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(ShutdownWatchdog.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            Duration limit = Duration.ofMillis(300);
            CompletableFuture<Integer> halted = new CompletableFuture<>();
            ShutdownWatchdog watchdog = new ShutdownWatchdog(Duration.ofMillis(100), limit, halted::complete);

            long armed = System.nanoTime();
            watchdog.arm();
            watchdog.arm();
            await().until(halted::isDone);

            assertThat(Duration.ofNanos(System.nanoTime() - armed)).isGreaterThanOrEqualTo(limit);
            assertThat(halted.get()).isEqualTo(ShutdownWatchdog.EXIT_STATUS).isEqualTo(124);
            await().until(() -> !logged.list.isEmpty());
            assertThat(logged.list).singleElement().satisfies(event -> {
                assertThat(event.getLevel()).isEqualTo(Level.ERROR);
                assertThat(event.getFormattedMessage()).isEqualTo("shutdown still not finished 300 ms after it "
                        + "began (--drain-timeout 100 ms, then 1000 ms to close and 1000 ms to exit); halting with "
                        + "exit status 124");
            });
        } finally {
            logger.detachAppender(logged);
        }
    }

    @Test
    void limit_isTheDrainTimeoutThenTheGraceThenTheExitMargin() {
        ServerOptions options = ServerOptions.builder().drainTimeout(Duration.ofSeconds(5)).build();

        assertThat(new ShutdownWatchdog(options).limit())
                .as("--drain-timeout, 1 s to close, 1 s to exit: what serve --help and operations.md say")
                .isEqualTo(Duration.ofSeconds(7));
    }
}
