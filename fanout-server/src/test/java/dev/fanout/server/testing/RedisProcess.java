package dev.fanout.server.testing;

import static org.awaitility.Awaitility.await;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One real {@code redis-server} as a child process on a free port of 127.0.0.1, for integration tests that need
 * Redis's real behaviour (pub/sub clients kicked, AOF recovery after a crash, pauses), which no fake gives. It can
 * be killed and restarted on the same port and directory, so a test can crash Redis under a running fanout server.
 * Its output goes to {@code target/redis/redis-PORT.log} and is quoted when it exits or does not answer. A missing
 * {@code redis-server} fails the test, never skips it: {@code ./test} installs it.
 *
 * <p>Not thread-safe, but for {@link #command}, which opens its own socket and may be called from any thread.
 * Use in try-with-resources or close from {@code @AfterEach}.
 */
public final class RedisProcess implements AutoCloseable {

    /** How long Redis may take to answer PING, to exit once killed, and to answer one command. */
    private static final Duration PATIENCE = TestServer.PATIENCE;
    /** Another process may take the free port before Redis binds it; then Redis exits and we try a new one. */
    private static final int START_ATTEMPTS = 5;
    private static final int CONNECT_TIMEOUT_MILLIS = 1_000;
    /** A probe gives up soon: what listens on the port may not be Redis, and would never answer. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    /** Where Debian and source builds put redis-server, for a PATH that lacks them. */
    private static final List<String> MORE_DIRECTORIES = List.of("/usr/local/bin", "/usr/bin", "/usr/sbin");
    private static final String INSTALL_HINT = "run ./test, which installs redis-server";
    /** Redis 7 keeps its AOF files in this subdirectory of {@code --dir} (the {@code appenddirname} default). */
    private static final String AOF_DIRECTORY = "appendonlydir";
    /** Enough of the log to show why Redis stopped, without burying the failure under its banner. */
    private static final int LOG_TAIL_CHARS = 8_000;

    private final Path directory;
    private final Options options;
    private final int port;
    private final Path log;
    /** Read by Awaitility's polling thread while the test thread waits. */
    private volatile Process process;

    private RedisProcess(Path directory, Options options, int port, Path log) {
        this.directory = directory;
        this.options = options;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts Redis with the {@link Options#defaults() defaults} (AOF fsynced on every write) in {@code directory},
     * and returns once it answers PING.
     *
     * @throws AssertionError if redis-server is not installed, exits, or does not answer in time
     */
    public static RedisProcess start(Path directory) {
        return start(directory, Options.defaults());
    }

    /**
     * Starts Redis with {@code options} in {@code directory} (created if missing), and returns once it answers
     * PING.
     *
     * @throws AssertionError if redis-server is not installed, exits, or does not answer in time
     */
    public static RedisProcess start(Path directory, Options options) {
        return start(directory, options, RedisProcess::freePort);
    }

    /** As {@link #start(Path, Options)}, on ports from {@code ports}: a cluster needs its bus port free too. */
    static RedisProcess start(Path directory, Options options, IntSupplier ports) {
        Path executable = find("redis-server");
        Path absolute = directory.toAbsolutePath();
        List<String> portsTaken = new ArrayList<>();
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = ports.getAsInt();
            RedisProcess redis = new RedisProcess(absolute, options, port, logFile("redis-" + port));
            try {
                redis.launch(executable, options.appendOnly(), false);
                return redis;
            } catch (PortTaken e) {
                portsTaken.add(e.getMessage());
            }
        }
        throw new AssertionError("redis-server could not bind a free port in " + START_ATTEMPTS + " attempts: "
                + portsTaken);
    }

    /** The port Redis listens on; restarts keep it. */
    public int port() {
        return port;
    }

    /** Where fanout reaches this Redis: {@code redis://127.0.0.1:PORT}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Whether the Redis process runs now (it may still be loading its data). */
    public boolean isAlive() {
        Process running = process;
        return running != null && running.isAlive();
    }

    /** Crashes Redis (SIGKILL, so nothing is flushed but what AOF already fsynced) and waits until it is gone. */
    public void kill() {
        Process running = process;
        if (running == null) {
            return;
        }
        // An AOF rewrite or RDB save runs in a forked child, which would outlive its parent and keep the files.
        running.descendants().forEach(ProcessHandle::destroyForcibly);
        running.destroyForcibly();
        try {
            if (!running.waitFor(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("redis-server (pid " + running.pid() + ") did not exit within " + PATIENCE
                        + " of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for redis-server to exit", e);
        }
    }

    /** The same as {@link #kill()}: tests that stop Redis mean a crash, not a clean shutdown that saves. */
    public void stop() {
        kill();
    }

    /**
     * Kills Redis if it still runs, then starts it again on the same port and directory with the options it was
     * first started with: with AOF on, every acknowledged write comes back. Returns once it answers PING.
     *
     * @throws AssertionError if the port was taken meanwhile, or Redis exits or does not answer in time
     */
    public void restart() {
        kill();
        relaunch(options.appendOnly());
    }

    /**
     * Kills Redis if it still runs, deletes its AOF and RDB files, then starts it on the same port with AOF off:
     * Redis comes back with no data, as after a failover to an empty replica. Returns once it answers PING.
     *
     * @throws AssertionError if the port was taken meanwhile, or Redis exits or does not answer in time
     */
    public void restartEmpty() {
        kill();
        deleteRecursively(directory.resolve(AOF_DIRECTORY));
        deleteRecursively(directory.resolve("dump.rdb"));
        relaunch(false);
    }

    /**
     * Sends one command over a fresh connection and returns the reply as text: a simple string, an integer or a
     * bulk string as is, an array as its elements joined with newlines (nested arrays flattened, nil elements as
     * {@code (nil)}), a nil reply as {@code null}.
     *
     * @throws AssertionError if Redis answers with an error; the message quotes it
     * @throws UncheckedIOException if Redis cannot be reached or does not answer within the patience
     */
    public String command(String... arguments) {
        Reply reply;
        try {
            reply = call(PATIENCE, arguments);
        } catch (IOException e) {
            throw new UncheckedIOException("redis at " + uri() + " did not answer " + List.of(arguments), e);
        }
        if (reply.error() != null) {
            throw new AssertionError("redis at " + uri() + " answered " + List.of(arguments) + " with: "
                    + reply.error());
        }
        return reply.text();
    }

    /** Disconnects every client in pub/sub mode, as a Redis failover or an operator would; returns how many. */
    public long clientKillPubsub() {
        return Long.parseLong(command("CLIENT", "KILL", "TYPE", "pubsub"));
    }

    /** Kills Redis if it still runs; its directory and log stay for the test and for whoever reads a failure. */
    @Override
    public void close() {
        if (isAlive()) {
            kill();
        }
    }

    private void relaunch(boolean appendOnly) {
        try {
            launch(find("redis-server"), appendOnly, true);
        } catch (PortTaken e) {
            throw new AssertionError("cannot restart redis on the same port: " + e.getMessage() + "; its output:\n"
                    + output());
        }
    }

    private void launch(Path executable, boolean appendOnly, boolean appendToLog) {
        List<String> command = new ArrayList<>(List.of(executable.toString(),
                "--save", "",
                "--appendonly", appendOnly ? "yes" : "no",
                "--appendfsync", "always",
                "--daemonize", "no",
                "--bind", "127.0.0.1",
                "--port", Integer.toString(port),
                "--dir", directory.toString(),
                "--protected-mode", "no"));
        command.addAll(options.extraArguments());
        try {
            Files.createDirectories(directory);
            process = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(appendToLog ? Redirect.appendTo(log.toFile()) : Redirect.to(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        try {
            awaitPing();
        } catch (RuntimeException | Error e) {
            kill();
            throw e;
        }
    }

    private void awaitPing() {
        try {
            await("redis-server answering PING on 127.0.0.1:" + port)
                    .atMost(PATIENCE)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(20))
                    .until(this::answersPing);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("redis-server on 127.0.0.1:" + port + " did not answer PING within " + PATIENCE
                    + "; its output (" + log + "):\n" + output(), e);
        }
    }

    /** Whether our Redis, not another process that took the port, answers PING. */
    private boolean answersPing() {
        Process running = process;
        if (!running.isAlive()) {
            String output = output();
            if (output.contains("Address already in use")) {
                throw new PortTaken("port " + port + " (or its cluster bus port) was in use");
            }
            throw new AssertionError("redis-server exited with status " + running.exitValue()
                    + " before answering PING; its output (" + log + "):\n" + output);
        }
        try {
            // LOADING while it replays the AOF, or a connection refused before it binds: not yet.
            if (!"PONG".equals(call(PROBE_TIMEOUT, "PING").text())) {
                return false;
            }
            String server = call(PROBE_TIMEOUT, "INFO", "server").text();
            return server != null && server.contains("process_id:" + running.pid() + "\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    /** One command in RESP over a fresh socket, each read bounded by {@code readTimeout}. */
    private Reply call(Duration readTimeout, String... arguments) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout((int) readTimeout.toMillis());
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes(("*" + arguments.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            for (String argument : arguments) {
                byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
                request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
                request.writeBytes(bytes);
                request.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toByteArray());
            out.flush();
            return readReply(new BufferedInputStream(socket.getInputStream()));
        }
    }

    /** Reads one RESP2 reply; errors inside an array become {@code (error) TEXT} elements. */
    private static Reply readReply(InputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("redis closed the connection before replying");
        }
        String line = readLine(in);
        switch (type) {
            case '+', ':' -> {
                return new Reply(line, null);
            }
            case '-' -> {
                return new Reply(null, line);
            }
            case '$' -> {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return Reply.NIL;
                }
                byte[] bytes = in.readNBytes(length);
                if (bytes.length < length || !readLine(in).isEmpty()) {
                    throw new EOFException("redis cut a bulk reply of " + length + " bytes short");
                }
                return new Reply(new String(bytes, StandardCharsets.UTF_8), null);
            }
            case '*' -> {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return Reply.NIL;
                }
                List<String> elements = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    elements.add(readReply(in).rendered());
                }
                return new Reply(String.join("\n", elements), null);
            }
            default -> throw new IOException("not a RESP2 reply: " + (char) type + line);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new EOFException("redis closed the connection in the middle of a reply");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** The end of the log, which holds why Redis stopped. */
    private String output() {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return text.length() <= LOG_TAIL_CHARS ? text : "..." + text.substring(text.length() - LOG_TAIL_CHARS);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** A file under {@code target/redis/}, where a failed build keeps what each process said. */
    static Path logFile(String name) {
        try {
            return Files.createDirectories(Path.of("target", "redis")).toAbsolutePath().resolve(name + ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The program on the PATH or in a usual directory, else a failure that says how to install it. */
    static Path find(String program) {
        List<String> directories = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            directories.addAll(List.of(path.split(File.pathSeparator)));
        }
        directories.addAll(MORE_DIRECTORIES);
        for (String directory : directories) {
            Path candidate = Path.of(directory.isEmpty() ? "." : directory, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(program + " is not installed (not on the PATH nor in " + MORE_DIRECTORIES + "): "
                + INSTALL_HINT);
    }

    /**
     * A loopback port nothing listens on right now. Another process may take it before Redis binds it; then
     * Redis exits saying so and {@link #start} tries another.
     */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(each);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }

    /**
     * How to run redis-server beyond the fixed loopback set-up ({@code --bind 127.0.0.1 --save ""
     * --appendfsync always --daemonize no --protected-mode no}). Immutable.
     *
     * @param appendOnly whether AOF is on; with it, a killed Redis comes back with every acknowledged write
     * @param extraArguments added after the fixed ones, so they win (e.g. {@code --cluster-enabled yes})
     */
    public record Options(boolean appendOnly, List<String> extraArguments) {

        /** Copies the arguments, so the options stay as they were made. */
        public Options {
            extraArguments = List.copyOf(extraArguments);
        }

        /** AOF on and fsynced on every write, no extra arguments: a kill loses nothing Redis acknowledged. */
        public static Options defaults() {
            return new Options(true, List.of());
        }

        /** These options with AOF on or off: off for a Redis that should come back empty after a kill. */
        public Options withAppendOnly(boolean on) {
            return new Options(on, extraArguments);
        }

        /** These options with {@code arguments} added after the existing extra arguments. */
        public Options withExtraArguments(String... arguments) {
            List<String> all = new ArrayList<>(extraArguments);
            all.addAll(List.of(arguments));
            return new Options(appendOnly, all);
        }
    }

    /** A reply as text, or Redis's error; both null for nil. */
    private record Reply(String text, String error) {

        static final Reply NIL = new Reply(null, null);

        /** The reply as an element of an array. */
        String rendered() {
            if (error != null) {
                return "(error) " + error;
            }
            return text == null ? "(nil)" : text;
        }
    }

    /** Redis exited because its port was taken: the caller may try another port. */
    private static final class PortTaken extends RuntimeException {

        private static final long serialVersionUID = 1L;

        PortTaken(String message) {
            super(message);
        }
    }
}
