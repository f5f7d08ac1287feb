package dev.fanout.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/** The real {@code fanout} command run as a separate JVM, with its output collected line by line. */
final class CliProcess implements AutoCloseable {

    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final Thread outReader;
    private final Thread errReader;

    private CliProcess(Process process) {
        this.process = process;
        this.outReader = collect(process.getInputStream(), stdout);
        this.errReader = collect(process.getErrorStream(), stderr);
    }

    /** Starts {@code fanout ARGS...} on this test's class path. */
    static CliProcess start(String... args) {
        return startWithJvmOptions(List.of(), args);
    }

    /** Starts {@code fanout ARGS...} on this test's class path, with {@code jvmOptions} for its JVM. */
    static CliProcess startWithJvmOptions(List<String> jvmOptions, String... args) {
        List<String> command = command(args);
        command.addAll(1, jvmOptions);
        try {
            return new CliProcess(new ProcessBuilder(command).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The command line that runs {@code fanout ARGS...} with this test's java and class path. Native access is
     * allowed, as the jar's manifest allows it, so that JDK 24 and later print no warning when Netty or JLine load
     * their native code.
     */
    static List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        return command;
    }

    private static Thread collect(InputStream in, List<String> into) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    into.add(line);
                }
            } catch (IOException e) {
                // The process ended.
            }
        });
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** The process's standard input. */
    OutputStream stdin() {
        return process.getOutputStream();
    }

    /** Writes {@code text} to standard input and closes it. */
    void feed(String text) throws IOException {
        try (OutputStream in = process.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Waits for a line on standard output that matches, and returns it. */
    String awaitStdout(Predicate<String> matching) {
        Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> stdout.stream().anyMatch(matching));
        return stdout.stream().filter(matching).findFirst().orElseThrow();
    }

    /** Waits for a line on standard error that matches, and returns it. */
    String awaitStderr(Predicate<String> matching) {
        Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> stderr.stream().anyMatch(matching));
        return stderr.stream().filter(matching).findFirst().orElseThrow();
    }

    /** Waits for the process to end and returns its exit status; all its output has been read by then. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("still running after 60 s; stderr: " + stderr);
        }
        outReader.join(10_000);
        errReader.join(10_000);
        return process.exitValue();
    }

    /**
     * Sends SIGTERM (what {@code kill PID} and service managers send). Through the process handle: unlike
     * {@code Process.destroy()}, it leaves our ends of the output pipes open, so what the process says on
     * its way out is still read.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** The process id, to signal it. */
    long pid() {
        return process.pid();
    }

    List<String> stdout() {
        return stdout;
    }

    List<String> stderr() {
        return stderr;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
