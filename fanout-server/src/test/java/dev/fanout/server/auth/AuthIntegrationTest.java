package dev.fanout.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.ErrorCode;
import dev.fanout.protocol.control.ResumeMode;
import dev.fanout.server.FanoutServer;
import dev.fanout.server.ServerOptions;
import dev.fanout.server.session.CloseReason;
import dev.fanout.server.testing.ControlClient;
import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthIntegrationTest {

    private static final String TOKEN = Secrets.newToken();

    @TempDir
    Path directory;
    private Path file;

    @BeforeEach
    void writeAuthFile() throws IOException {
        file = directory.resolve("users.toml");
        Files.writeString(file, """
                [anonymous]
                subscribe = ["public.>"]

                [users.alice]
                password = "%s"
                publish = ["chat.>", "lobby"]
                subscribe = [">"]

                [users.feeder]
                token = "%s"
                publish = ["prices.>"]
                """.formatted(Secrets.hashPassword("wonderland".toCharArray()), Secrets.hashToken(TOKEN)));
    }

    private TestServer start(UnaryOperator<AuthOptions> auth) {
        return TestServer.start(builder -> builder.auth(auth.apply(AuthOptions.of(file))));
    }

    private static ControlFrame.Pub pub(long id, String topic) {
        return new ControlFrame.Pub(id, topic, Unpooled.copiedBuffer("x", StandardCharsets.UTF_8));
    }

    private static ControlFrame.Sub sub(int id, String filter) {
        return new ControlFrame.Sub(id, false, ResumeMode.NEW, 0, 0, filter, List.of());
    }

    @Test
    void aUserLogsInWithHello_andMayDoWhatTheFileSays_andNothingElse() throws IOException {
        try (TestServer server = start(UnaryOperator.identity());
             ControlClient alice = ControlClient.connect(server.frames(), "user", "alice", "password", "wonderland")) {
            alice.send(sub(1, "prices.>"));
            alice.read(ControlFrame.Subscribed.class);
            alice.send(pub(1, "chat.room"));
            assertThat(alice.readUntil(ControlFrame.Ack.class).publishId()).isEqualTo(1);
            alice.send(pub(2, "prices.eur"));
            ControlFrame.Error refused = alice.readUntil(ControlFrame.Error.class);
            assertThat(refused.code()).isEqualTo(ErrorCode.FORBIDDEN);
            assertThat(refused.ref()).isEqualTo(2);
            assertThat(refused.text()).isEqualTo("user alice may not publish to 'prices.eur'");
            assertThat(server.server().sessionStats().forbidden()).isEqualTo(1);
        }
    }

    @Test
    void aWrongPasswordAndAnUnknownUser_getTheSameRefusal_andAreClosedAndCounted() throws IOException {
        try (TestServer server = start(UnaryOperator.identity())) {
            ControlFrame.Error wrong = ControlClient.helloRefused(server.frames(), "user", "alice", "password", "x");
            ControlFrame.Error unknown = ControlClient.helloRefused(server.frames(), "user", "bob", "password", "x");
            assertThat(wrong.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
            assertThat(wrong.text()).isEqualTo("not logged in: unknown user or wrong secret");
            assertThat(unknown.code()).isEqualTo(wrong.code());
            assertThat(unknown.text()).isEqualTo(wrong.text());
            await().until(() -> server.server().sessionStats().closes(CloseReason.UNAUTHORIZED) == 2);
            assertThat(server.server().sessionStats().refusedLogins()).isEqualTo(2);
        }
    }

    @Test
    void anonymous_mayDoOnlyWhatTheAnonymousTableGrants() throws IOException {
        try (TestServer server = start(UnaryOperator.identity());
             ControlClient anonymous = ControlClient.connect(server.frames())) {
            anonymous.send(sub(1, "public.news"));
            anonymous.read(ControlFrame.Subscribed.class);
            anonymous.send(sub(2, ">"));
            ControlFrame.Error everything = anonymous.readUntil(ControlFrame.Error.class);
            assertThat(everything.code()).isEqualTo(ErrorCode.FORBIDDEN);
            assertThat(everything.text()).isEqualTo("user anonymous may not subscribe to '>'");
            anonymous.send(pub(1, "public.news"));
            assertThat(anonymous.readUntil(ControlFrame.Error.class).code()).isEqualTo(ErrorCode.FORBIDDEN);
        }
    }

    @Test
    void aTokenLogsInAsItsUser() throws IOException {
        try (TestServer server = start(UnaryOperator.identity());
             ControlClient feeder = ControlClient.connect(server.frames(), "token", TOKEN)) {
            feeder.send(pub(1, "prices.eur"));
            assertThat(feeder.readUntil(ControlFrame.Ack.class).publishId()).isEqualTo(1);
            feeder.send(sub(1, "prices.eur"));
            assertThat(feeder.readUntil(ControlFrame.Error.class).code()).isEqualTo(ErrorCode.FORBIDDEN);
            assertThat(ControlClient.helloRefused(server.frames(), "token", "not-" + TOKEN).code())
                    .isEqualTo(ErrorCode.UNAUTHORIZED);
        }
    }

    @Test
    void failedLogins_fromOneAddress_areLimited_evenForTheRightPassword() throws IOException {
        try (TestServer server = start(auth -> new AuthOptions(auth.file(), 2, Duration.ofMinutes(5),
                auth.trackedAddresses(), auth.pendingLogins()))) {
            ControlClient.helloRefused(server.frames(), "user", "alice", "password", "guess1");
            ControlClient.helloRefused(server.frames(), "user", "alice", "password", "guess2");
            ControlFrame.Error limited = ControlClient.helloRefused(server.frames(), "user", "alice", "password",
                    "wonderland");
            assertThat(limited.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
            assertThat(limited.text()).contains("too many failed logins from your address");
        }
    }

    @Test
    void aRawClient_isAnonymous_readsNothingItMayNot_andIsResetWhenItPublishes() throws IOException {
        try (TestServer server = start(UnaryOperator.identity())) {
            RawClient reader = server.track(RawClient.connect(server.frames()));
            server.awaitSessions(1);
            assertThat(server.server().hub().find("lobby").subscriberCount()).isZero();
            try (RawClient writer = RawClient.connect(server.frames())) {
                writer.send("not allowed");
                assertThatThrownBy(writer::read).isInstanceOf(IOException.class);
            }
            await().until(() -> server.server().sessionStats().closes(CloseReason.FORBIDDEN) == 1);
            assertThat(reader.socket().isClosed()).isFalse();
        }
    }

    @Test
    void aChatUser_logsInWithSlashLogin_thenChats_andAWrongSecretIsRefusedWithoutSayingWhy() throws IOException {
        try (TestServer server = start(UnaryOperator.identity())) {
            LineClient person = server.track(LineClient.connect(server.lines()));
            person.awaitLine(line -> line.contains("This server asks who you are: /login NAME SECRET"));
            person.send("hello?");
            person.awaitLine(line -> line.contains("error: not sent: you are in no room; /login NAME SECRET first"));
            person.send("/join lobby");
            person.awaitLine(line -> line.contains("error: user anonymous may not join 'lobby'"));
            person.send("/login alice nope");
            person.awaitLine(line -> line.equals("*** error: not logged in: unknown user or wrong secret"));
            person.send("/login alice wonderland");
            person.awaitLine(line -> line.equals("*** logged in as alice"));
            person.awaitLine(line -> line.startsWith("*** you are now in lobby"));
            LineClient other = server.track(LineClient.connect(server.lines()));
            other.awaitLine(line -> line.contains("/login"));
            other.send("/login alice wonderland");
            other.awaitLine(line -> line.startsWith("*** you are now in lobby"));
            person.send("hello, lobby");
            other.awaitLine(line -> line.endsWith(": hello, lobby"));
        }
    }

    @Test
    void whereAnonymousMayDoNothing_aClientThatDoesNotSayHelloOrLogIn_isClosedAtTheDeadline() throws IOException {
        Files.writeString(file, "[users.alice]\npassword = \"" + Secrets.hashPassword("w".toCharArray()) + "\"\n");
        try (TestServer server = TestServer.start(builder -> builder.auth(AuthOptions.of(file))
                .handshakeTimeout(Duration.ofMillis(300)))) {
            try (RawClient silent = RawClient.connect(server.frames())) {
                assertThat(silent.read()).isNull();
            }
            LineClient person = server.track(LineClient.connect(server.lines()));
            person.awaitLine(line -> line.contains("/login NAME SECRET within 0 s"));
            assertThat(person.awaitLine(line -> line.startsWith("*** disconnected:")))
                    .contains("no login within 300 ms (--handshake-timeout)");
            person.awaitLine(LineClient.END::equals);
            assertThat(server.server().sessionStats().closes(CloseReason.HANDSHAKE_TIMEOUT)).isEqualTo(2);
            try (ControlClient hello = ControlClient.connect(server.frames())) {
                assertThat(hello.welcome()).isNotNull();
            }
        }
    }

    @Test
    void aBurstOfGuesses_isHeldToTheFailureLimit_inControlMode_andInChat() throws Exception {
        try (TestServer server = start(auth -> new AuthOptions(auth.file(), 3, Duration.ofMinutes(5),
                auth.trackedAddresses(), auth.pendingLogins()))) {
            // Ten HELLOs at once: logins being checked count against the limit, so no more than three are checked.
            List<java.util.concurrent.Future<ControlFrame.Error>> refusals = new java.util.ArrayList<>();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(10);
            try {
                for (int i = 0; i < 10; i++) {
                    String guess = "guess" + i;
                    refusals.add(pool.submit(() -> ControlClient.helloRefused(server.frames(), "user", "alice",
                            "password", guess)));
                }
                long checked = 0;
                for (var refusal : refusals) {
                    if (refusal.get().text().contains("unknown user or wrong secret")) {
                        checked++;
                    }
                }
                assertThat(checked).isLessThanOrEqualTo(3);
            } finally {
                pool.shutdownNow();
            }
        }
        try (TestServer server = start(UnaryOperator.identity())) {
            LineClient person = server.track(LineClient.connect(server.lines()));
            person.awaitLine(line -> line.contains("/login"));
            // Guesses in one write: one is checked at a time, the others are turned away.
            person.sendRaw("/login alice a\n/login alice b\n/login alice c\n".getBytes(StandardCharsets.UTF_8));
            person.awaitLine(line -> line.equals("*** error: a login is being checked already; wait for its answer"));
            person.awaitLine(line -> line.equals("*** error: not logged in: unknown user or wrong secret"));
        }
    }

    @Test
    void aPubSentWithTheHello_isPublishedOnceTheLoginIsChecked_notAtTheNextFrame() throws IOException {
        try (TestServer server = start(UnaryOperator.identity());
             ControlClient reader = ControlClient.connect(server.frames(), "user", "alice", "password", "wonderland");
             RawClient writer = RawClient.connect(server.frames())) {
            reader.send(sub(1, "chat.room"));
            reader.read(ControlFrame.Subscribed.class);
            java.io.ByteArrayOutputStream both = new java.io.ByteArrayOutputStream();
            both.write(wire(new ControlFrame.Hello(dev.fanout.protocol.control.ControlCodec.VERSION, List.of(
                    new dev.fanout.protocol.control.Option("user", "alice"),
                    new dev.fanout.protocol.control.Option("password", "wonderland")))));
            both.write(wire(pub(0, "chat.room")));
            // One write: the PUB arrives while the login is being checked.
            writer.socket().getOutputStream().write(both.toByteArray());
            writer.socket().getOutputStream().flush();
            assertThat(reader.readUntil(ControlFrame.Msg.class).topic()).isEqualTo("chat.room");
        }
    }

    /** A control frame as it goes on the wire: length prefix and body. */
    private static byte[] wire(ControlFrame frame) {
        io.netty.buffer.ByteBuf encoded = dev.fanout.protocol.control.ControlCodec.encode(
                io.netty.buffer.ByteBufAllocator.DEFAULT, frame);
        try {
            byte[] bytes = new byte[encoded.readableBytes()];
            encoded.readBytes(bytes);
            return bytes;
        } finally {
            encoded.release();
        }
    }

    @Test
    void aUsersName_isKeptForThatUser() throws IOException {
        try (TestServer server = start(auth -> auth)) {
            Files.writeString(file, Files.readString(file).replace("[anonymous]\nsubscribe = [\"public.>\"]",
                    "[anonymous]\nsubscribe = [\"public.>\", \"lobby\"]\npublish = [\"lobby\"]"));
            server.server().reloadAuth("test");
            LineClient stranger = server.lineClient();
            stranger.send("/nick alice");
            stranger.awaitLine("*** error: the name 'alice' belongs to a user of this server; /login to go by it");
            stranger.send("/nick ALICE");
            stranger.awaitLine("*** error: the name 'ALICE' belongs to a user of this server; /login to go by it");
            stranger.send("/login alice wonderland");
            stranger.awaitLine("*** logged in as alice");
            stranger.send("/who");
            assertThat(stranger.awaitLine(line -> line.contains(" in lobby:"))).contains("alice (you)");
        }
    }

    @Test
    void aUsersOwnLimits_holdItsConnections_subscriptions_andPublishRate() throws Exception {
        Files.writeString(file, """
                [users.alice]
                password = "%s"
                publish = [">"]
                subscribe = [">"]
                max_connections = 1
                max_subscriptions = 1
                publish_rate = 5
                """.formatted(Secrets.hashPassword("wonderland".toCharArray())));
        try (TestServer server = start(UnaryOperator.identity())) {
            ControlClient alice = ControlClient.connect(server.frames(), "user", "alice", "password", "wonderland");
            ControlFrame.Error second = ControlClient.helloRefused(server.frames(), "user", "alice", "password",
                    "wonderland");
            assertThat(second.text()).isEqualTo("not logged in: user alice holds 1 connections already, its most "
                    + "(max_connections in the auth file); close one");
            alice.send(sub(1, "a"));
            alice.read(ControlFrame.Subscribed.class);
            alice.send(sub(2, "b"));
            assertThat(alice.readUntil(ControlFrame.Error.class).code()).isEqualTo(ErrorCode.TOO_MANY_SUBSCRIPTIONS);
            for (int i = 1; i <= 15; i++) {
                alice.send(pub(i, "a"));
            }
            for (int i = 1; i <= 15; i++) {
                assertThat(alice.readUntil(ControlFrame.Ack.class).publishId()).isEqualTo(i);
            }
            assertThat(server.server().sessionStats().throttled()).isPositive();
            alice.close();
            // Its place is given back when the connection ends.
            await().untilAsserted(() -> ControlClient.connect(server.frames(), "user", "alice", "password",
                    "wonderland").close());
        }
    }

    @Test
    void aLimitThatIsNotANumber_stopsTheStart_namingTheKey() throws IOException {
        Files.writeString(file, "[anonymous]\npublish_rate = \"fast\"\n");
        assertThatThrownBy(new FanoutServer(ServerOptions.builder().framesPort(0).linesPort(0).httpPort(0)
                .auth(AuthOptions.of(file)).build())::start).hasMessageContaining("anonymous.publish_rate");
    }

    @Test
    void aReloadedFile_letsANewUserIn_andABrokenOneIsRefusedWithTheOldKept() throws IOException {
        try (TestServer server = start(UnaryOperator.identity())) {
            Files.writeString(file, Files.readString(file) + """

                    [users.carol]
                    password = "%s"
                    subscribe = ["chat.>"]
                    """.formatted(Secrets.hashPassword("c4r0l".toCharArray())));
            assertThat(server.server().reloadAuth("test")).isTrue();
            try (ControlClient carol = ControlClient.connect(server.frames(), "user", "carol", "password", "c4r0l")) {
                carol.send(sub(1, "chat.room"));
                carol.read(ControlFrame.Subscribed.class);
            }
            Files.writeString(file, "[users.dave]\npasword = \"typo\"\n");
            assertThat(server.server().reloadAuth("test")).isFalse();
            ControlClient.connect(server.frames(), "user", "carol", "password", "c4r0l").close();
        }
    }

    @Test
    void aBrokenAuthFile_stopsTheStart_namingTheKey() throws IOException {
        Files.writeString(file, "[users.dave]\npassword = \"not a hash\"\n");
        FanoutServer server = new FanoutServer(ServerOptions.builder().framesPort(0).linesPort(0).httpPort(0)
                .auth(AuthOptions.of(file)).build());
        assertThatThrownBy(server::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("users.dave.password").hasMessageContaining("fanout passwd");
        Files.writeString(file, "[users.dave]\npassword = \"" + Secrets.hashPassword("x".toCharArray())
                + "\"\npublish = [\"bad topic\"]\n");
        assertThatThrownBy(new FanoutServer(ServerOptions.builder().framesPort(0).linesPort(0).httpPort(0)
                .auth(AuthOptions.of(file)).build())::start).hasMessageContaining("users.dave.publish");
    }
}
