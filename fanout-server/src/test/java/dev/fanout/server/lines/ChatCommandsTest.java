package dev.fanout.server.lines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.SessionRegistry;
import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.TestServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChatCommandsTest {

    private final TestServer server = TestServer.start();
    private final SessionRegistry sessions = server.server().sessions();

    @AfterEach
    void stop() {
        server.close();
    }

    /** Connects a lines client and names it. */
    /** Every line up to and including the first that matches {@code last}. */
    private static List<String> linesThrough(LineClient client, Predicate<String> last) {
        List<String> seen = new ArrayList<>();
        client.awaitLine(line -> {
            seen.add(line);
            return last.test(line);
        });
        return seen;
    }

    /** Sends /who and returns the names it lists, in any order; the room must hold no programs. */
    private static List<String> who(LineClient client, String room, int count) throws IOException {
        client.send("/who");
        String prefix = "*** " + (count == 1 ? "1 person" : count + " people") + " in " + room + ": ";
        String answer = client.awaitLine(line -> line.startsWith("*** ") && line.contains(" in " + room + ": "));
        assertThat(answer).startsWith(prefix).doesNotContain("program");
        return Arrays.asList(answer.substring(prefix.length()).split(", "));
    }

    @Test
    void nick_valid_renamesAndTellsTheRoom() throws IOException {
        LineClient alice = server.lineClient();
        String oldName = sessions.all().get(0).name();
        LineClient bob = server.lineClient();

        alice.send("/nick alice");

        alice.awaitLine("*** you are now known as alice");
        bob.awaitLine("*** " + oldName + " is now known as alice");
        assertThat(sessions.findByName("alice")).isNotNull();
        assertThat(sessions.findByName(oldName)).isNull();
        assertThat(who(bob, "lobby", 2)).contains("alice");
    }

    @Test
    void nick_invalid_isRefusedAndChangesNothing() throws IOException {
        LineClient client = server.lineClient();
        String oldName = sessions.all().get(0).name();
        String usage = "*** error: usage: /nick NAME, where NAME is 1 to 32 letters, digits, _ - or .";

        client.send("/nick two words");
        client.awaitLine(usage);
        client.send("/nick");
        client.awaitLine(usage);
        client.send("/nick " + "x".repeat(33));
        client.awaitLine(usage);
        client.send("/nick bad!name");
        client.awaitLine(usage);

        assertThat(sessions.all().get(0).name()).isEqualTo(oldName);
    }

    @Test
    void nick_takenIgnoringCase_isRefused() throws IOException {
        server.lineClient("alice");
        LineClient bob = server.lineClient("bob");

        bob.send("/nick ALICE");

        bob.awaitLine("*** error: the name 'ALICE' is taken; choose another");
        assertThat(sessions.findByName("bob")).isNotNull();
        assertThat(sessions.findByName("alice").name()).isEqualTo("alice");
    }

    @Test
    void nick_ownNameInAnotherCase_isAccepted() throws IOException {
        LineClient alice = server.lineClient("alice");

        alice.send("/nick Alice");

        alice.awaitLine("*** you are now known as Alice");
        assertThat(sessions.findByName("alice").name()).isEqualTo("Alice");
    }

    @Test
    void nick_operator_isReserved() throws IOException {
        LineClient client = server.lineClient();

        client.send("/nick Operator");

        client.awaitLine("*** error: the name 'operator' is reserved; choose another");
        assertThat(sessions.findByName("operator")).isNull();
    }

    @Test
    void command_inUpperCase_isRecognised() throws IOException {
        LineClient client = server.lineClient();

        client.send("/NICK shouty");

        client.awaitLine("*** you are now known as shouty");
    }

    @Test
    void join_tellsBothRoomsAndWhoListsTheNewRoom() throws IOException {
        LineClient alice = server.lineClient("alice");
        LineClient bob = server.lineClient("bob");
        LineClient carol = server.lineClient("carol");

        alice.send("/join games");
        alice.awaitLine("*** you are now in games (1 here)");
        bob.awaitLine("*** alice left lobby for games");
        carol.awaitLine("*** alice left lobby for games");

        carol.send("/join games");
        carol.awaitLine("*** you are now in games (2 here)");
        alice.awaitLine("*** carol joined games");
        bob.awaitLine("*** carol left lobby for games");

        assertThat(who(alice, "games", 2)).containsExactlyInAnyOrder("alice (you)", "carol");
        assertThat(who(bob, "lobby", 1)).containsExactly("bob (you)");
        assertThat(server.server().hub().find("games").subscriberCount()).isEqualTo(2);
    }

    @Test
    void join_invalidRoom_isRefused() throws IOException {
        LineClient alice = server.lineClient("alice");

        alice.send("/join two rooms");

        alice.awaitLine("*** error: usage: /join ROOM, where ROOM is " + ChatCommands.TOPIC_RULE);
        assertThat(server.server().hub().find("two")).isNull();
        assertThat(who(alice, "lobby", 1)).containsExactly("alice (you)");
    }

    @Test
    void history_showsTheLastMessagesOfTheRoom_evenFromBeforeYouCame() throws IOException {
        LineClient alice = server.lineClient("alice");
        for (int i = 1; i <= 12; i++) {
            alice.send("line " + i);
        }
        await().until(() -> server.server().hub().find("lobby").lastSequence() == 12);
        LineClient bob = server.lineClient("bob");

        bob.send("/history 3");

        bob.awaitLine("*** the last 3 messages of lobby:");
        bob.awaitLine("alice: line 10");
        bob.awaitLine("alice: line 11");
        bob.awaitLine("alice: line 12");
        bob.awaitLine("*** end of history");
        bob.send("/history 0");
        bob.awaitLine("*** error: usage: /history [N], where N is 1 to " + ChatCommands.HISTORY_LIMIT);
    }

    @Test
    void sub_showsAnotherTopicMarkedWithItsName_untilUnsub() throws IOException {
        LineClient alice = server.lineClient("alice");
        LineClient bob = server.lineClient("bob");
        bob.send("/join news");
        bob.awaitLine(line -> line.startsWith("*** you are now in news"));

        alice.send("/sub news");
        alice.awaitLine("*** you now also see news, marked [news]; /unsub news stops it");
        bob.send("extra extra");
        alice.awaitLine("[news] bob: extra extra");
        alice.send("/sub news");
        alice.awaitLine("*** you already see news");

        alice.send("/unsub news");
        alice.awaitLine("*** you no longer see news");
        alice.send("/unsub news");
        alice.awaitLine("*** error: you do not follow 'news'; /sub TOPIC follows one");
        alice.send("/sub bad..topic");
        alice.awaitLine("*** error: usage: /sub TOPIC, where TOPIC is " + ChatCommands.TOPIC_RULE);
    }

    @Test
    void join_theCurrentRoom_saysSo() throws IOException {
        LineClient alice = server.lineClient("alice");

        alice.send("/join lobby");

        alice.awaitLine("*** you are already in lobby");
    }

    @Test
    void who_listsTheRoomAndMarksYou() throws IOException {
        LineClient alice = server.lineClient("alice");
        LineClient bob = server.lineClient("bob");

        assertThat(who(alice, "lobby", 2)).containsExactlyInAnyOrder("alice (you)", "bob");
        assertThat(who(bob, "lobby", 2)).containsExactlyInAnyOrder("alice", "bob (you)");
    }

    /** Regression: /who listed programs reading the room (frames clients) as if they were people. */
    @Test
    void who_withProgramsInTheRoom_namesThePeopleAndCountsThePrograms() throws IOException {
        LineClient bob = server.lineClient("bob");
        server.lineClient("alice");
        server.rawClient();

        bob.send("/who");
        bob.awaitLine("*** 2 people in lobby: alice, bob (you); and 1 program (a frames client)");

        server.rawClient();
        bob.send("/who");
        bob.awaitLine("*** 2 people in lobby: alice, bob (you); and 2 programs (frames clients)");
    }

    @Test
    void who_inALargeRoom_namesTheFirstFiftyAndCountsTheRest() throws IOException {
        List<LineClient> people = new ArrayList<>();
        for (int i = 0; i < RoomListing.WHO_LIMIT + 2; i++) {
            people.add(server.lineClient(String.format("p%02d", i)));
        }

        people.get(0).send("/who");

        String answer = people.get(0).awaitLine(line -> line.startsWith("*** 52 people in lobby: "));
        List<String> shown = Arrays.asList(answer.substring("*** 52 people in lobby: ".length()).split(", "));
        assertThat(shown).hasSize(RoomListing.WHO_LIMIT + 1).startsWith("p00 (you)", "p01")
                .endsWith("p49", "and 2 more");
        // Leave while the server runs: 52 clients cut at once by the teardown, each telling the others it
        // left, race the server's own shutdown (a leaked notice was seen when the event loops stopped first).
        for (LineClient person : people) {
            person.send("/quit");
        }
        await().until(() -> sessions.size() == 0);
    }

    @Test
    void greetingAndJoin_countPeopleAndProgramsApart() throws IOException {
        server.rawClient();
        server.rawClient();
        LineClient alice = server.track(LineClient.connect(server.lines()));

        alice.awaitLine(line -> line.startsWith("*** welcome to ") && line.contains(
                ", in room lobby (1 here, and 2 programs). Type /help for commands."));
        alice.send("/join games");
        alice.awaitLine("*** you are now in games (1 here)");
        alice.send("/join lobby");
        alice.awaitLine("*** you are now in lobby (1 here, and 2 programs)");
    }

    @Test
    void rooms_listsEveryRoomLargestFirstWithPeopleAndProgramsApart() throws IOException {
        LineClient alice = server.lineClient("alice");
        server.rawClient();
        for (String name : List.of("bob", "carol")) {
            LineClient player = server.lineClient(name);
            player.send("/join games");
            player.awaitLine(line -> line.startsWith("*** you are now in games"));
        }
        LineClient dave = server.lineClient("dave");
        dave.send("/join quiet");
        dave.awaitLine("*** you are now in quiet (1 here)");

        alice.send("/rooms");

        assertThat(linesThrough(alice, line -> line.startsWith("***   quiet")).stream()
                .dropWhile(line -> !line.startsWith("*** 3 rooms")).toList()).containsExactly(
                "*** 3 rooms, the largest first:",
                "***   games: 2 people",
                "***   lobby: 1 person, 1 program (you are here)",
                "***   quiet: 1 person");
    }

    @Test
    void msg_reachesOnlyTheNamedClient() throws IOException {
        LineClient alice = server.lineClient("alice");
        LineClient bob = server.lineClient("bob");
        LineClient carol = server.lineClient("carol");

        alice.send("/msg bob hi there, bob");
        bob.awaitLine("[private] alice: hi there, bob");

        // Anything carol were sent would reach her before what alice publishes next.
        alice.send("marker");
        assertThat(linesThrough(carol, "alice: marker"::equals)).noneMatch(line -> line.contains("[private]"));
        alice.send("/who");
        assertThat(linesThrough(alice, line -> line.startsWith("*** 3 people in lobby: ")))
                .noneMatch(line -> line.contains("[private]"));
    }

    @Test
    void msg_toAnUnknownName_isAnError() throws IOException {
        LineClient alice = server.lineClient("alice");

        alice.send("/msg nobody hello");

        alice.awaitLine("*** error: nobody is named 'nobody'; /who lists your room");
    }

    @Test
    void msg_withoutText_showsTheUsage() throws IOException {
        LineClient alice = server.lineClient("alice");
        server.lineClient("bob");

        alice.send("/msg bob");
        alice.awaitLine("*** error: usage: /msg NAME TEXT");
        alice.send("/msg");
        alice.awaitLine("*** error: usage: /msg NAME TEXT");
    }

    @Test
    void help_listsEveryCommand() throws IOException {
        LineClient client = server.lineClient();

        client.send("/help");

        String first = client.awaitLine(line -> line.startsWith("*** commands:"));
        List<String> rest = new ArrayList<>();
        client.awaitLine(line -> {
            rest.add(line);
            return line.contains("start a line with // to send one that begins with /");
        });
        assertThat(first).isEqualTo("*** commands:");
        assertThat(rest).hasSize(12);
        for (String command : List.of("/nick NAME", "/join ROOM", "/who", "/rooms", "/msg NAME TEXT", "/quit",
                "/help", "/history [N]", "/sub TOPIC", "/unsub TOPIC", "/login NAME SECRET")) {
            assertThat(rest).anyMatch(line -> line.startsWith("***   " + command + " "));
        }
    }

    @Test
    void sub_isBoundedByMaxSubscriptions() throws IOException {
        try (TestServer small = TestServer.start(options -> options.maxSubscriptions(2))) {
            LineClient client = small.lineClient();
            client.send("/sub a");
            client.awaitLine(line -> line.startsWith("*** you now also see a"));
            client.send("/sub b");
            client.awaitLine(line -> line.startsWith("*** you now also see b"));
            client.send("/sub c");
            client.awaitLine("*** error: you follow 2 topics already, your limit (--max-subscriptions, or your "
                    + "user's max_subscriptions); /unsub one first");
            client.send("/unsub a");
            client.awaitLine("*** you no longer see a");
            client.send("/sub c");
            client.awaitLine(line -> line.startsWith("*** you now also see c"));
        }
    }

    @Test
    void unknownCommand_isAnError() throws IOException {
        LineClient client = server.lineClient();

        client.send("/dance wildly");

        client.awaitLine("*** error: unknown command /dance; type /help for the list");
    }

    @Test
    void doubleSlash_publishesTheTextWithOneSlash() throws IOException {
        LineClient alice = server.lineClient("alice");
        LineClient bob = server.lineClient("bob");

        alice.send("//shrug");

        bob.awaitLine("alice: /shrug");
        await().until(() -> server.server().hub().stats().published() == 1);
    }

    @Test
    void quit_closesWithTheGoodbye() throws IOException {
        LineClient alice = server.lineClient("alice");

        alice.send("/quit");

        assertThat(alice.awaitEnd()).containsExactly("*** disconnected: client quit");
        await().until(() -> sessions.size() == 0);
        assertThat(server.server().sessionStats().closes(CloseReason.CLIENT_QUIT)).isEqualTo(1);
        assertThat(sessions.findByName("alice")).isNull();
    }
}
