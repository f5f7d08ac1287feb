package dev.fanout.server.auth;

import dev.fanout.server.session.RefusalLog;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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
    /**
     * Checked for an unknown user, so that it takes as long as a known one's: one hash of nobody's password for each
     * algorithm and cost the file's hashes use, the same one for the same name each time.
     */
    private volatile List<String> nobodies;
    private final AtomicLong failed = new AtomicLong();
    private final RefusalLog refusals = new RefusalLog(log);
    /** Connections held by each user with a max_connections. */
    private final ConcurrentHashMap<String, AtomicInteger> connections = new ConcurrentHashMap<>();
    private volatile Users users;

    private Authenticator(AuthOptions options, Users users) {
        this.options = options;
        this.users = users;
        this.nobodies = nobodies(users);
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
        Users now = users;
        return new Principal(Principal.ANONYMOUS, now.anonymous(), true, now.anonymousLimits());
    }

    /**
     * Checks a login: {@code user} with {@code password}, or a {@code token} alone. Completes, off the caller's
     * thread, with the user's principal, or fails with {@link LoginRefusedException}.
     */
    public CompletableFuture<Principal> login(InetAddress from, String user, char[] password, String token) {
        long blocked = failures.begin(from, System.nanoTime());
        if (blocked > 0) {
            return CompletableFuture.failedFuture(new LoginRefusedException(LoginRefusedException.Reason
                    .TOO_MANY_FAILURES, "too many failed logins from your address; try again in "
                    + Math.max(1, TimeUnit.NANOSECONDS.toSeconds(blocked)) + " s"));
        }
        LoginCheck check = new LoginCheck(from, user, password, token);
        try {
            checks.execute(check);
        } catch (RejectedExecutionException e) {
            failures.failed(from, System.nanoTime());
            return CompletableFuture.failedFuture(new LoginRefusedException(LoginRefusedException.Reason.BUSY,
                    "the server is checking too many logins; try again in a moment"));
        }
        return check.result;
    }

    /** One login waiting for its check: completes its result whatever happens, the check failing included. */
    private final class LoginCheck implements Runnable {
        private final InetAddress from;
        private final String user;
        private final char[] password;
        private final String token;
        private final CompletableFuture<Principal> result = new CompletableFuture<>();

        LoginCheck(InetAddress from, String user, char[] password, String token) {
            this.from = from;
            this.user = user;
            this.password = password;
            this.token = token;
        }

        @Override
        public void run() {
            Principal principal;
            try {
                principal = check(user, password, token);
            } catch (Throwable e) {
                log.warn("a login could not be checked", e);
                failures.failed(from, System.nanoTime());
                result.completeExceptionally(e);
                return;
            }
            if (principal == null) {
                failed.incrementAndGet();
                failures.failed(from, System.nanoTime());
                result.completeExceptionally(new LoginRefusedException(LoginRefusedException.Reason
                        .BAD_CREDENTIALS, "unknown user or wrong secret"));
            } else {
                failures.succeeded(from);
                result.complete(principal);
            }
        }

        /** The server stops before the check ran. */
        void abandon() {
            result.completeExceptionally(new LoginRefusedException(LoginRefusedException.Reason.BUSY,
                    "the server is stopping"));
        }
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
        List<String> likes = nobodies;
        String hash = user != null && user.password() != null ? user.password()
                : likes.get(Math.floorMod(name.hashCode(), likes.size()));
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
            Users read = AuthFile.read(options.file());
            nobodies = nobodies(read);
            users = read;
            log.info("auth file reloaded ({}): {}", trigger, describe());
            return true;
        } catch (IllegalArgumentException e) {
            log.warn("auth file not reloaded ({}), the one read before stays in use: {}", trigger, e.getMessage());
            return false;
        }
    }

    private static List<String> nobodies(Users users) {
        Map<String, String> byShape = new TreeMap<>();
        for (User user : users.byName().values()) {
            if (user.password() != null) {
                byShape.computeIfAbsent(Secrets.shapeOf(user.password()), shape -> Secrets.likeOf(user.password()));
            }
        }
        return byShape.isEmpty() ? List.of(Secrets.hashPassword(Secrets.newToken().toCharArray()))
                : List.copyOf(byShape.values());
    }

    /**
     * Logs a refused login at WARN, at most a line per interval with the count of the others: the address, the
     * user asked for (only if it is a valid name: it comes from the client as it is) and the connection.
     */
    public void logRefusal(SocketAddress from, String user, String why, Object connection) {
        String who = user == null ? "a token" : AuthFile.NAME.matcher(user).matches() ? "'" + user + "'"
                : "an invalid user name";
        refusals.refused(from, "login as " + who + " refused: " + why + " (" + connection + ")");
    }

    /**
     * Takes one of {@code user}'s connections (max_connections); false if it holds as many as it may already. The
     * table holds users of the file only, so it is bounded by it.
     */
    public boolean takeConnection(Principal user) {
        int max = user.limits().maxConnections();
        if (user.anonymous() || max <= 0) {
            return true;
        }
        AtomicInteger held = connections.computeIfAbsent(user.name(), name -> new AtomicInteger());
        if (held.incrementAndGet() > max) {
            held.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Gives back what {@link #takeConnection} took, when the connection ends. */
    public void giveBackConnection(Principal user) {
        if (!user.anonymous() && user.limits().maxConnections() > 0) {
            connections.computeIfPresent(user.name(), (name, held) -> held.decrementAndGet() <= 0 ? null : held);
        }
    }

    /** Whether {@code name} is a user's (ignoring case, as display names are unique): kept for that user. */
    public boolean isUserName(String name) {
        for (String user : users.byName().keySet()) {
            if (user.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
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
        for (Runnable waiting : checks.shutdownNow()) {
            if (waiting instanceof LoginCheck check) {
                check.abandon();
            }
        }
    }
}
