package dev.fanout.server.auth;

import java.net.InetAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks logins against the auth file: on threads of its own, as a password check costs tens of milliseconds and
 * megabytes by design, which an event loop must not spend; a bounded number wait ({@link AuthOptions#pendingLogins()})
 * and more are refused as busy. An unknown user costs a check too, against a hash of nobody's, so that the time
 * taken does not tell whether a user exists. Failed logins are limited per address ({@link LoginFailures}).
 * The file is read again on {@link #reload}. Thread-safe.
 */
public final class Authenticator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
    /** Threads that check secrets: each Argon2id check holds its memory cost (19 MiB by default) while it runs. */
    public static final int CHECK_THREADS = 2;

    private final AuthOptions options;
    private final ThreadPoolExecutor checks;
    private final LoginFailures failures;
    /** Checked for an unknown user, so that it takes as long as a known one's. */
    private final String nobody = Secrets.hashPassword(new char[] {'-'});
    private final AtomicLong failed = new AtomicLong();
    private volatile Users users;

    private Authenticator(AuthOptions options, Users users) {
        this.options = options;
        this.users = users;
        this.failures = new LoginFailures(options.maxFailures(), options.failureWindow().toNanos(),
                options.trackedAddresses());
        this.checks = new ThreadPoolExecutor(CHECK_THREADS, CHECK_THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(options.pendingLogins()), new DefaultThreadFactory("fanout-login", true));
    }

    /**
     * Reads the auth file.
     *
     * @throws IllegalArgumentException naming the file, the key and what is wrong
     */
    public static Authenticator open(AuthOptions options) {
        return new Authenticator(options, AuthFile.read(options.file()));
    }

    /** Who a client is before it logs in (raw frames clients always). */
    public Principal anonymous() {
        return new Principal(Principal.ANONYMOUS, users.anonymous(), true);
    }

    /**
     * Checks a login: {@code user} with {@code password}, or a {@code token} alone. Completes, off the caller's
     * thread, with the user's principal, or fails with {@link LoginRefusedException}.
     */
    public CompletableFuture<Principal> login(InetAddress from, String user, char[] password, String token) {
        long blocked = failures.blockedFor(from, System.nanoTime());
        if (blocked > 0) {
            return CompletableFuture.failedFuture(new LoginRefusedException(LoginRefusedException.Reason
                    .TOO_MANY_FAILURES, "too many failed logins from your address; try again in "
                    + Math.max(1, TimeUnit.NANOSECONDS.toSeconds(blocked)) + " s"));
        }
        CompletableFuture<Principal> result = new CompletableFuture<>();
        try {
            checks.execute(() -> {
                Principal principal = check(user, password, token);
                if (principal == null) {
                    failed.incrementAndGet();
                    failures.failed(from, System.nanoTime());
                    result.completeExceptionally(new LoginRefusedException(LoginRefusedException.Reason
                            .BAD_CREDENTIALS, "unknown user or wrong secret"));
                } else {
                    failures.succeeded(from);
                    result.complete(principal);
                }
            });
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new LoginRefusedException(LoginRefusedException.Reason.BUSY,
                    "the server is checking too many logins; try again in a moment"));
        }
        return result;
    }

    private Principal check(String name, char[] password, String token) {
        Users now = users;
        if (token != null) {
            User user = now.byToken().get(Secrets.hashToken(token));
            return user == null || name != null && !name.equals(user.name()) ? null : user.principal();
        }
        if (name == null || password == null) {
            return null;
        }
        User user = now.byName().get(name);
        String hash = user == null || user.password() == null ? nobody : user.password();
        boolean matches = Secrets.verify(hash, password);
        return user != null && user.password() != null && matches ? user.principal() : null;
    }

    /**
     * Reads the auth file again: logins from now on use it; connections already logged in keep what they have.
     *
     * @return true if the new file is in use; false (and a warning saying why) if the one before still is
     */
    public boolean reload(String trigger) {
        try {
            users = AuthFile.read(options.file());
            log.info("auth file reloaded ({}): {}", trigger, describe());
            return true;
        } catch (IllegalArgumentException e) {
            log.warn("auth file not reloaded ({}), the one read before stays in use: {}", trigger, e.getMessage());
            return false;
        }
    }

    /** What the start log says. */
    public String describe() {
        Users now = users;
        Permissions anonymous = now.anonymous();
        return "users from " + options.file() + ": " + now.byName().size() + " users; anonymous may publish to "
                + (anonymous.publish().isEmpty() ? "nothing" : anonymous.publish()) + " and subscribe to "
                + (anonymous.subscribe().isEmpty() ? "nothing" : anonymous.subscribe());
    }

    /** Logins refused for bad credentials since start. */
    public long failedLogins() {
        return failed.get();
    }

    @Override
    public void close() {
        checks.shutdownNow();
    }
}
