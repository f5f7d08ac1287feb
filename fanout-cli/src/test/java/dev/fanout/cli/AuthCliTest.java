package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.server.auth.AuthOptions;
import dev.fanout.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fanout passwd}, {@code fanout serve --auth}, and the clients' logins, as processes. */
class AuthCliTest {

    @TempDir
    Path directory;

    /** The auth file's line that {@code fanout passwd} prints for {@code password}. */
    private static String passwd(String password) throws Exception {
        try (CliProcess passwd = CliProcess.start("passwd")) {
            passwd.feed(password + "\n");
            assertThat(passwd.awaitExit()).as("passwd; stderr %s", passwd.stderr()).isZero();
            assertThat(passwd.stdout()).singleElement().asString().startsWith("password = \"$argon2id$v=19$");
            return passwd.stdout().get(0);
        }
    }

    private Path authFile() throws Exception {
        Path file = directory.resolve("users.toml");
        Files.writeString(file, "[users.alice]\n" + passwd("wonderland") + "\npublish = [\"chat.>\", \"lobby\"]\n"
                + "subscribe = [\">\"]\n");
        return file;
    }

    @Test
    void passwdToken_printsATokenAndTheLineForTheFile() throws Exception {
        try (CliProcess passwd = CliProcess.start("passwd", "--token")) {
            assertThat(passwd.awaitExit()).isZero();
            assertThat(passwd.stdout()).hasSize(2);
            assertThat(passwd.stdout().get(1)).matches("for the auth file: token = \"sha256:[0-9a-f]{64}\"");
        }
    }

    @Test
    void subPubAndChat_logIn_andARefusalSaysWhyWithoutSayingWhichPartWasWrong() throws Exception {
        Path file = authFile();
        try (TestServer server = TestServer.start(builder -> builder.auth(AuthOptions.of(file)))) {
            String frames = "127.0.0.1:" + server.frames().getPort();
            try (CliProcess pub = CliProcess.start("pub", frames, "--topic", "chat.room", "--user", "alice",
                    "--password", "wonderland")) {
                pub.feed("hello\n");
                assertThat(pub.awaitExit()).as("pub; stderr %s", pub.stderr()).isZero();
            }
            try (CliProcess sub = CliProcess.start("sub", frames, "--topic", "chat.room", "--from", "1", "--count",
                    "1", "--user", "alice", "--password", "wonderland")) {
                assertThat(sub.awaitExit()).as("sub; stderr %s", sub.stderr()).isZero();
                assertThat(sub.stdout()).containsExactly("hello");
            }
            try (CliProcess sub = CliProcess.start("sub", frames, "--topic", "chat.room", "--user", "alice",
                    "--password", "wrong")) {
                assertThat(sub.awaitExit()).isEqualTo(1);
                assertThat(String.join("\n", sub.stderr())).contains("unknown user or wrong secret");
            }
            try (CliProcess pub = CliProcess.start("pub", frames, "--topic", "chat.room")) {
                pub.feed("as nobody\n");
                assertThat(pub.awaitExit()).isEqualTo(1);
                assertThat(String.join("\n", pub.stderr())).contains("user anonymous may not publish to 'chat.room'");
            }
            try (CliProcess raw = CliProcess.start("pub", frames)) {
                raw.feed("as nobody, raw\n");
                assertThat(raw.awaitExit()).as("a raw publish anonymous may not make fails; stderr %s",
                        raw.stderr()).isEqualTo(1);
            }
            try (CliProcess chat = CliProcess.start("chat", "127.0.0.1:" + server.lines().getPort(), "--user",
                    "alice", "--password", "wonderland")) {
                chat.awaitStdout(line -> line.contains("logged in as alice"));
                chat.feed("/quit\n");
                assertThat(chat.awaitExit()).as("chat; stderr %s", chat.stderr()).isZero();
            }
        }
    }

    @Test
    void serveAuth_logsWhoMayDoWhat_andSighupReloadsTheFile() throws Exception {
        Path file = authFile();
        try (CliProcess serve = CliProcess.start("serve", "--host", "127.0.0.1", "--port", "0", "--lines-port", "0",
                "--http-port", "0",
                "--no-console", "--auth", file.toString())) {
            serve.awaitStderr(line -> line.contains("authentication: users from " + file + ": 1 users; anonymous "
                    + "may publish to nothing and subscribe to nothing"));
            serve.awaitStderr(line -> line.contains("ready"));
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(serve.pid())).start();
            assertThat(kill.waitFor()).isZero();
            serve.awaitStderr(line -> line.contains("auth file reloaded (SIGHUP)"));
        }
    }
}
