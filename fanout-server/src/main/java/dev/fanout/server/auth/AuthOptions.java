package dev.fanout.server.auth;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Authentication as {@code fanout serve} is told it ({@code --auth} and the flags that go with it).
 *
 * @param file               the auth file (TOML)
 * @param maxFailures        failed logins from one address within {@code failureWindow} before its logins are refused
 * @param failureWindow      how long failures are counted, and logins refused after too many
 * @param trackedAddresses   addresses whose failures are remembered at once
 * @param pendingLogins      logins waiting for their secret to be checked at once; more are refused ("busy")
 */
public record AuthOptions(Path file, int maxFailures, Duration failureWindow, int trackedAddresses,
                          int pendingLogins) {

    public static final int DEFAULT_MAX_FAILURES = 5;
    public static final Duration DEFAULT_FAILURE_WINDOW = Duration.ofMinutes(1);
    public static final int DEFAULT_TRACKED_ADDRESSES = 10_000;
    public static final int DEFAULT_PENDING_LOGINS = 64;

    public AuthOptions {
        if (maxFailures < 1) {
            throw new IllegalArgumentException("--max-login-failures must be at least 1");
        }
        if (failureWindow.isNegative() || failureWindow.isZero()) {
            throw new IllegalArgumentException("--login-failure-window must be positive, e.g. 1m");
        }
        if (trackedAddresses < 1) {
            throw new IllegalArgumentException("--login-failure-addresses must be at least 1");
        }
        if (pendingLogins < 1) {
            throw new IllegalArgumentException("--pending-logins must be at least 1");
        }
    }

    /** Authentication from {@code file} with every default. */
    public static AuthOptions of(Path file) {
        return new AuthOptions(file, DEFAULT_MAX_FAILURES, DEFAULT_FAILURE_WINDOW, DEFAULT_TRACKED_ADDRESSES,
                DEFAULT_PENDING_LOGINS);
    }
}
