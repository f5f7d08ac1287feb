package dev.fanout.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.awaitility.Awaitility;

/**
 * Another project's server (nats-server, redis-server) run as a child process on a free loopback port, for
 * integration tests against the real thing. Its output goes to {@code target/external-servers/PROGRAM-PORT.log}
 * and is quoted when it fails to start. A program that is not installed fails the test with the command that
 * installs it: these tests never skip, and CI ({@code .ci/run}) installs the programs.
 */
final class ExternalServer implements AutoCloseable {

    /** How long a server may take to accept connections, and to exit once asked. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** Debian installs nats-server in /usr/sbin, which is not on every user's PATH. */
    private static final List<String> MORE_DIRECTORIES = List.of("/usr/local/sbin", "/usr/sbin", "/sbin");
    private static final String INSTALL = "apt-get install nats-server redis-server";

    private final String program;
    private final Process process;
    private final InetSocketAddress address;
    private final Path log;

    private ExternalServer(String program, Process process, InetSocketAddress address, Path log) {
        this.program = program;
        this.process = process;
        this.address = address;
        this.log = log;
    }

    /**
     * Starts {@code program} with the arguments {@code arguments} makes for a free loopback port, and returns
     * once that port accepts connections.
     *
     * @throws AssertionError if the program is not installed, exits, or does not listen in time
     */
    static ExternalServer start(String program, IntFunction<List<String>> arguments) {
        Path executable = find(program);
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(arguments.apply(port));
        try {
            Path directory = Files.createDirectories(Path.of("target", "external-servers")).toAbsolutePath();
            Path log = directory.resolve(program + "-" + port + ".log");
            Process process = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            ExternalServer server = new ExternalServer(program, process,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), port), log);
            try {
                server.awaitListening();
            } catch (RuntimeException | Error e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Where the server listens. */
    InetSocketAddress address() {
        return address;
    }

    /** Asks the server to exit (SIGTERM) and waits; kills it if it takes too long. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void awaitListening() {
        Awaitility.await(program + " accepting connections on " + address)
                .atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError(program + " exited with status " + process.exitValue()
                                + " before accepting connections; its output:\n" + output());
                    }
                    return accepts();
                });
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(address, 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** The program on the PATH, or in an sbin directory. */
    private static Path find(String program) {
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
        throw new AssertionError(program + " is not installed (not on the PATH nor in " + MORE_DIRECTORIES
                + "): run " + INSTALL);
    }

    /**
     * A port nothing listens on right now. Another process could take it before the server binds it; then the
     * server exits and the test fails saying so.
     */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
