package dev.fanout.protocol.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopicNamesTest {

    private static final List<String> TOPICS = List.of(
            "a", "lobby", "prices.eur", "prices.eur.spot", "A-Z_0:9@x~y", "x".repeat(255), "a.b.c.d.e.f");
    private static final List<String> PATTERNS = List.of(
            "*", ">", "prices.*", "prices.>", "*.eur", "*.*.spot", "a.*.>");
    private static final List<String> NEITHER = List.of(
            "", ".", "a.", ".a", "a..b", "a b", "a\tb", "pri*", "*x", "a.>.b", ">.a", ">>", "a.**", "prix.€",
            "x".repeat(256), "a/b", "a#b", "a\u0000b");

    @Test
    void covers_saysWhetherAPermissionReachesEveryTopicAFilterMatches() {
        assertThat(TopicNames.covers("prices.>", "prices.eur")).isTrue();
        assertThat(TopicNames.covers("prices.>", "prices.*")).isTrue();
        assertThat(TopicNames.covers("prices.>", "prices.eur.spot")).isTrue();
        assertThat(TopicNames.covers("prices.>", "prices.>")).isTrue();
        assertThat(TopicNames.covers("prices.>", "prices")).isFalse();
        assertThat(TopicNames.covers("prices.>", ">")).isFalse();
        assertThat(TopicNames.covers("prices.*", "prices.eur")).isTrue();
        assertThat(TopicNames.covers("prices.*", "prices.*")).isTrue();
        assertThat(TopicNames.covers("prices.*", "prices.>")).isFalse();
        assertThat(TopicNames.covers("prices.*", "prices.eur.spot")).isFalse();
        assertThat(TopicNames.covers("prices.eur", "prices.eur")).isTrue();
        assertThat(TopicNames.covers("prices.eur", "prices.*")).isFalse();
        assertThat(TopicNames.covers("prices.eur", "prices.usd")).isFalse();
        assertThat(TopicNames.covers(">", "anything.at.all")).isTrue();
        assertThat(TopicNames.covers(">", ">")).isTrue();
        assertThat(TopicNames.covers("*.eur", "prices.eur")).isTrue();
        assertThat(TopicNames.covers("*.eur", "*.usd")).isFalse();
    }

    @Test
    void isValidTopic_table() {
        assertThat(TOPICS).allMatch(TopicNames::isValidTopic);
        assertThat(PATTERNS).noneMatch(TopicNames::isValidTopic);
        assertThat(NEITHER).noneMatch(TopicNames::isValidTopic);
        assertThat(TopicNames.isValidTopic(null)).isFalse();
    }

    @Test
    void isValidFilter_table() {
        assertThat(TOPICS).allMatch(TopicNames::isValidFilter);
        assertThat(PATTERNS).allMatch(TopicNames::isValidFilter);
        assertThat(NEITHER).noneMatch(TopicNames::isValidFilter);
        assertThat(TopicNames.isValidFilter(null)).isFalse();
    }

    @Test
    void isPattern_onlyForValidFiltersWithAWildcardToken() {
        assertThat(PATTERNS).allMatch(TopicNames::isPattern);
        assertThat(TOPICS).noneMatch(TopicNames::isPattern);
        assertThat(NEITHER).noneMatch(TopicNames::isPattern);
    }

    @Test
    void checkTopic_each_problem_saysWhatAndTheRule() {
        String rule = "a topic is 1 to 255 bytes of dot-separated tokens, each made of ASCII letters, digits and "
                + "_ - : @ ~";
        assertBadTopic("", "topic is empty: " + rule);
        assertBadTopic("x".repeat(300), "topic '" + "x".repeat(64) + "...' is 300 bytes long: " + rule);
        assertBadTopic("a..b", "topic 'a..b' has an empty token at index 2 (a dot at either end, or two dots "
                + "together): " + rule);
        assertBadTopic("a.", "topic 'a.' has an empty token at index 2 (a dot at either end, or two dots "
                + "together): " + rule);
        assertBadTopic("a b", "topic 'a b' has the character ' ' (U+0020) at index 1: " + rule);
        assertBadTopic("prix.€", "topic 'prix.\\u20ac' has the character U+20AC at index 5: " + rule);
        assertBadTopic("a\nb", "topic 'a\\u000ab' has the character U+000A at index 1: " + rule);
        assertBadTopic("prices.*", "topic 'prices.*' is a pattern, but an exact topic is needed here: " + rule);
        assertBadTopic("pri*", "topic 'pri*' has '*' inside a token at index 3: a topic has no wildcards");
    }

    @Test
    void checkFilter_each_problem_saysWhatAndTheRule() {
        assertThatThrownBy(() -> TopicNames.checkFilter("pri*"))
                .isInstanceOfSatisfying(ControlProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_TOPIC))
                .hasMessage("filter 'pri*' has '*' inside a token at index 3: * and > must each be a whole token");
        assertThatThrownBy(() -> TopicNames.checkFilter("a.>.b"))
                .hasMessage("filter 'a.>.b' has '>' before its last token: > may only be the last token of a "
                        + "pattern");
        assertThatThrownBy(() -> TopicNames.checkFilter("a..*")).hasMessageContaining("has an empty token");
        for (String good : PATTERNS) {
            TopicNames.checkFilter(good);
        }
        for (String good : TOPICS) {
            TopicNames.checkFilter(good);
            TopicNames.checkTopic(good);
        }
    }

    @Test
    void matches_table() {
        Object[][] table = {
            // filter, topic, matches
            {"prices.*", "prices.eur", true},
            {"prices.*", "prices.eur.spot", false},
            {"prices.*", "prices", false},
            {"prices.>", "prices.eur", true},
            {"prices.>", "prices.eur.spot", true},
            {"prices.>", "prices", false},
            {"prices.eur", "prices.eur", true},
            {"prices.eur", "prices.eu", false},
            {"prices.eur", "prices.eur.spot", false},
            {"prices.eu", "prices.eur", false},
            {"*", "a", true},
            {"*", "a.b", false},
            {">", "a", true},
            {">", "a.b.c", true},
            {"*.eur", "prices.eur", true},
            {"*.eur", "prices.usd", false},
            {"*.eur", "eur", false},
            {"*.*.spot", "prices.eur.spot", true},
            {"*.*.spot", "prices.eur", false},
            {"a.*.>", "a.b.c", true},
            {"a.*.>", "a.b", false},
            {"a.*.>", "a.b.c.d", true},
            {"a.*.c", "a.b.c", true},
            {"a.*.c", "a.b.d", false},
            {"a.*.c", "a.bb.c.d", false},
            {"a.b", "a.b.c", false},
            {"a.b.c", "a.b", false},
        };
        assertThat(table.length).isEqualTo(27);
        for (Object[] row : table) {
            assertThat(TopicNames.matches((String) row[0], (String) row[1]))
                    .as("%s matches %s", row[0], row[1]).isEqualTo(row[2]);
        }
    }

    private static void assertBadTopic(String topic, String message) {
        assertThat(TopicNames.isValidTopic(topic)).isFalse();
        assertThatThrownBy(() -> TopicNames.checkTopic(topic))
                .isInstanceOfSatisfying(ControlProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_TOPIC))
                .hasMessage(message);
    }
}
