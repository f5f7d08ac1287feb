package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.server.ServerOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ShutdownWatchdogTest {

    @Test
    void arm_haltsWithStatus124_onceItsLimitHasPassed() throws Exception {
        Duration limit = Duration.ofMillis(300);
        CompletableFuture<Integer> halted = new CompletableFuture<>();
        ShutdownWatchdog watchdog = new ShutdownWatchdog(Duration.ofMillis(100), limit, halted::complete);

        long armed = System.nanoTime();
        watchdog.arm();
        await().until(halted::isDone);

        assertThat(Duration.ofNanos(System.nanoTime() - armed)).isGreaterThanOrEqualTo(limit);
        assertThat(halted.get()).isEqualTo(ShutdownWatchdog.EXIT_STATUS).isEqualTo(124);
    }

    @Test
    void limit_isTheDrainTimeoutThenTheGraceThenTheExitMargin() {
        ServerOptions options = ServerOptions.builder().drainTimeout(Duration.ofSeconds(5)).build();

        assertThat(new ShutdownWatchdog(options).limit())
                .as("--drain-timeout, 1 s to close, 1 s to exit: what serve --help and operations.md say")
                .isEqualTo(Duration.ofSeconds(7));
    }
}
