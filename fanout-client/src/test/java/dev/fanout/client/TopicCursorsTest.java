package dev.fanout.client;

import static dev.fanout.client.TopicCursors.Verdict.DELIVER;
import static dev.fanout.client.TopicCursors.Verdict.DUPLICATE;
import static dev.fanout.client.TopicCursors.Verdict.HOLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.GapCause;
import dev.fanout.protocol.control.ResumeMode;
import dev.fanout.protocol.control.TopicPosition;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The resume rules without a network: what each frame does to a subscription's place. */
class TopicCursorsTest {

    @Test
    void exactNew_deliversInOrder_dropsDuplicates_andCallsAJumpAHole() {
        TopicCursors cursors = new TopicCursors("t", SubscribeOptions.newOnly());
        assertThat(cursors.sub(1).mode()).isEqualTo(ResumeMode.NEW);
        assertThat(cursors.sub(1).echo()).isTrue();
        cursors.subscribed(new ControlFrame.Subscribed(1, 7, 10));
        assertThat(cursors.message("t", 7, 11)).isEqualTo(DELIVER);
        assertThat(cursors.message("t", 7, 11)).isEqualTo(DUPLICATE);
        assertThat(cursors.message("t", 7, 13)).isEqualTo(HOLE);
        assertThat(cursors.message("t", 7, 12)).isEqualTo(DELIVER);

        ControlFrame.Sub again = cursors.sub(2);
        assertThat(again.mode()).isEqualTo(ResumeMode.FROM);
        assertThat(again.epoch()).isEqualTo(7);
        assertThat(again.value()).isEqualTo(13);
    }

    @Test
    void historyGap_isReportedOnlyForWhatWasNotSeen_andMovesThePlace() {
        TopicCursors cursors = new TopicCursors("t", SubscribeOptions.from(7, 3));
        cursors.subscribed(new ControlFrame.Subscribed(1, 7, 20));
        Object verdict = cursors.gap(new ControlFrame.Gap(1, GapCause.HISTORY, 7, 3, 9, 10, 20, "t"));
        assertThat(verdict).isEqualTo(new GapEvent("t", 7, 3, 9, GapCause.HISTORY));
        assertThat(cursors.message("t", 7, 10)).isEqualTo(DELIVER);
        assertThat(cursors.gap(new ControlFrame.Gap(1, GapCause.HISTORY, 7, 3, 9, 10, 20, "t"))).isNull();
    }

    @Test
    void droppedGap_asksForARefill_fromHistory() {
        TopicCursors cursors = new TopicCursors("t", SubscribeOptions.newOnly());
        cursors.subscribed(new ControlFrame.Subscribed(1, 7, 0));
        assertThat(cursors.message("t", 7, 1)).isEqualTo(DELIVER);
        assertThat(cursors.gap(new ControlFrame.Gap(1, GapCause.DROPPED, 7, 2, 5, 1, 9, "t")))
                .isSameAs(TopicCursors.REFILL);
        assertThat(cursors.sub(2).value()).isEqualTo(2);
    }

    @Test
    void reset_startsTheNewEpochFromItsFirstHeld() {
        TopicCursors cursors = new TopicCursors("t", SubscribeOptions.from(7, 5));
        cursors.subscribed(new ControlFrame.Subscribed(1, 8, 3));
        ResetEvent reset = cursors.reset(new ControlFrame.Reset(1, 7, 8, 1, 3, "t"));
        assertThat(reset).isEqualTo(new ResetEvent("t", 7, 8, 1, 3));
        assertThat(cursors.message("t", 8, 1)).isEqualTo(DELIVER);
        assertThat(cursors.message("t", 7, 6)).isEqualTo(HOLE);
    }

    @Test
    void last_takesItsFirstMessageAsItComes() {
        TopicCursors cursors = new TopicCursors("t", SubscribeOptions.last(3));
        cursors.subscribed(new ControlFrame.Subscribed(1, 7, 100));
        assertThat(cursors.message("t", 7, 99)).isEqualTo(DELIVER);
        assertThat(cursors.message("t", 7, 101)).isEqualTo(HOLE);
    }

    @Test
    void pattern_resumesEachTopicItHasSeen_withPositions() {
        TopicCursors cursors = new TopicCursors("p.>", SubscribeOptions.newOnly()
                .withPositions(Map.of("p.a", new Position(5, 3))));
        assertThat(cursors.message("p.b", 9, 40)).isEqualTo(DELIVER);
        assertThat(cursors.message("p.a", 5, 3)).isEqualTo(DELIVER);
        ControlFrame.Sub sub = cursors.sub(4);
        assertThat(sub.mode()).isEqualTo(ResumeMode.NEW);
        assertThat(sub.positions()).containsExactlyInAnyOrder(new TopicPosition("p.a", 5, 4),
                new TopicPosition("p.b", 9, 41));
    }

    @Test
    void pattern_onceInEffect_resumesTheTopicsItNeverHeardFrom_sinceItFirstTookEffect() {
        TopicCursors cursors = new TopicCursors("p.>", SubscribeOptions.last(5));
        cursors.subscribed(new ControlFrame.Subscribed(1, 0, 1_700_000_000_000L));
        assertThat(cursors.message("p.a", 5, 3)).isEqualTo(DELIVER);
        // A later SUBSCRIBED (after a reconnect) carries a later moment: the first one still counts.
        cursors.subscribed(new ControlFrame.Subscribed(2, 0, 1_700_000_090_000L));

        ControlFrame.Sub sub = cursors.sub(3);
        assertThat(sub.mode()).isEqualTo(ResumeMode.SINCE);
        assertThat(sub.epoch()).isZero();
        assertThat(sub.value()).isEqualTo(1_700_000_000_000L);
        assertThat(sub.positions()).containsExactly(new TopicPosition("p.a", 5, 4));
    }

    @Test
    void since_asksTheServerForTheMoment_thenTakesTheFirstMessageAsItComes() {
        TopicCursors cursors = new TopicCursors("t", SubscribeOptions.since(Instant.ofEpochMilli(5_000)));
        ControlFrame.Sub sub = cursors.sub(1);
        assertThat(sub.mode()).isEqualTo(ResumeMode.SINCE);
        assertThat(sub.value()).isEqualTo(5_000);
        cursors.subscribed(new ControlFrame.Subscribed(1, 7, 100));
        assertThat(cursors.message("t", 7, 42)).isEqualTo(DELIVER);
        assertThat(cursors.message("t", 7, 43)).isEqualTo(DELIVER);
        assertThat(cursors.sub(2).mode()).isEqualTo(ResumeMode.FROM);
        assertThat(cursors.sub(2).value()).isEqualTo(44);
    }

    @Test
    void patternSince_keepsItsOwnMomentWhenEarlier() {
        TopicCursors cursors = new TopicCursors("p.>", SubscribeOptions.since(Instant.ofEpochMilli(5_000)));
        cursors.subscribed(new ControlFrame.Subscribed(1, 0, 9_000));
        assertThat(cursors.sub(2).value()).isEqualTo(5_000);
    }

    @Test
    void pattern_neverInEffect_startsAgainAsItsOptionsSay() {
        TopicCursors cursors = new TopicCursors("p.>", SubscribeOptions.last(5));
        ControlFrame.Sub sub = cursors.sub(1);
        assertThat(sub.mode()).isEqualTo(ResumeMode.LAST);
        assertThat(sub.value()).isEqualTo(5);
    }
}
