package dev.fanout.client;

import dev.fanout.server.testing.TestServer;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One patience for the module's tests, set once: Awaitility waits as long as the server fixture does, polling
 * often, so a regression fails within the JUnit default timeout (surefire's configuration) instead of hanging.
 * Registered through JUnit's extension auto-detection.
 */
public final class Patience implements BeforeAllCallback {

    /** How long a test waits for a condition. */
    static final Duration WAIT = TestServer.PATIENCE;

    @Override
    public void beforeAll(ExtensionContext context) {
        Awaitility.setDefaultTimeout(WAIT);
        Awaitility.setDefaultPollInterval(Duration.ofMillis(10));
        Awaitility.setDefaultPollDelay(Duration.ZERO);
    }
}
