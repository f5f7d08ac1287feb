package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A program in a real terminal: a tmux pane of its own tmux server, typed into with {@code send-keys} and read
 * with {@code capture-pane}. The pane stays after the program ends, so its last screen can still be read. Needs
 * tmux, which {@code ./test} installs; without it the test fails saying so.
 */
final class TmuxPane implements AutoCloseable {

    private static final String TARGET = "pane";

    private final String socket = "fanout-test-" + UUID.randomUUID();
    private final Path dir;

    private TmuxPane(Path dir) {
        this.dir = dir;
    }

    /** Runs {@code command} in a new pane of {@code columns} x {@code rows}, with scratch files in {@code dir}. */
    static TmuxPane start(Path dir, int columns, int rows, List<String> command) throws IOException {
        TmuxPane pane = new TmuxPane(dir);
        Path config = Files.writeString(dir.resolve("tmux.conf"), String.join("\n",
                "set -g remain-on-exit on", "set -g status off", "set -g default-terminal screen", ""));
        // A script rather than the command itself: tmux limits the size of a command, and a class path is long.
        // The shell waits for the program and writes its exit status: tmux 3.3 does not reap a java run as the
        // pane's own process, so it never learns that status. Ctrl-C reaches the shell too: its trap lets it go on
        // to write the status (a trap, unlike an ignored signal, is not passed on to the program).
        Path script = Files.writeString(dir.resolve("run.sh"), "trap : INT\n"
                + command.stream().map(TmuxPane::quoted).collect(Collectors.joining(" ")) + "\n"
                + "echo $? > " + quoted(pane.statusFile().toString()) + "\n");
        pane.tmuxWithConfig(config, "new-session", "-d", "-s", TARGET, "-x", String.valueOf(columns),
                "-y", String.valueOf(rows), "sh " + quoted(script.toString()));
        return pane;
    }

    /** Types {@code text} as it is. */
    void type(String text) {
        tmux("send-keys", "-t", TARGET, "-l", text);
    }

    /** Presses keys by tmux's names: {@code Enter}, {@code Up}, {@code C-d}, ... */
    void press(String... keys) {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", TARGET));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    /** The screen now, one string per row, trailing blank rows dropped. */
    List<String> screen() {
        List<String> rows = new ArrayList<>(List.of(tmux("capture-pane", "-p", "-t", TARGET).split("\n", -1)));
        while (!rows.isEmpty() && rows.get(rows.size() - 1).isBlank()) {
            rows.remove(rows.size() - 1);
        }
        return rows;
    }

    /** Waits until the screen matches, and returns it; fails showing the last screen seen. */
    List<String> awaitScreen(Predicate<List<String>> matching) {
        AtomicReference<List<String>> last = new AtomicReference<>(List.of());
        try {
            Awaitility.await().atMost(TestServer.PATIENCE).until(() -> {
                last.set(screen());
                return matching.test(last.get());
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the screen did not match within " + TestServer.PATIENCE + "; it shows:\n"
                    + String.join("\n", last.get()), e);
        }
        return last.get();
    }

    /** The last row with anything on it: the line being typed, while the program reads one. */
    static String lastRow(List<String> screen) {
        return screen.isEmpty() ? "" : screen.get(screen.size() - 1);
    }

    /** Waits for the program to end and returns its exit status. */
    int awaitExit() {
        Awaitility.await().atMost(TestServer.PATIENCE).until(() -> Files.exists(statusFile())
                && Files.readString(statusFile()).endsWith("\n"));
        try {
            return Integer.parseInt(Files.readString(statusFile()).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path statusFile() {
        return dir.resolve("status");
    }

    @Override
    public void close() {
        tmux("kill-server");
    }

    private String tmux(String... args) {
        return tmuxWithConfig(null, args);
    }

    /** Runs tmux on this pane's own server; its output goes through a file, so no read can block. */
    private String tmuxWithConfig(Path config, String... args) {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
        if (config != null) {
            command.addAll(List.of("-f", config.toString()));
        }
        command.addAll(List.of(args));
        try {
            Path output = Files.createTempFile(dir, "tmux", ".out");
            Process tmux;
            try {
                tmux = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            } catch (IOException e) {
                throw new AssertionError("tmux is needed for this test and could not be run (" + e.getMessage()
                        + "); ./test installs it", e);
            }
            assertThat(tmux.waitFor(30, TimeUnit.SECONDS)).as("tmux %s finished", args[0]).isTrue();
            String text = Files.readString(output, StandardCharsets.UTF_8);
            assertThat(tmux.exitValue()).as("tmux %s: %s", args[0], text).isZero();
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String quoted(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
