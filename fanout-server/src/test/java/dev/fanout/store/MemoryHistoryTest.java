package dev.fanout.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fanout.hub.Message;
import dev.fanout.hub.Origin;
import dev.fanout.hub.Position;
import dev.fanout.hub.PublishRefusedException;
import dev.fanout.hub.TopicState;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemoryHistoryTest {

    private static final Origin SOURCE = Origin.of("src");
    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
    private final AtomicLong epochs = new AtomicLong(100);
    private final List<MemoryHistory> stores = new ArrayList<>();

    @AfterEach
    void close() {
        stores.forEach(MemoryHistory::close);
    }

    private MemoryHistory store(int messages, long bytes, long total) {
        MemoryHistory store = new MemoryHistory(new HistoryLimits(messages, bytes, total), epochs::incrementAndGet);
        stores.add(store);
        return store;
    }

    private ByteBuf text(String text) {
        return ByteBufUtil.writeUtf8(alloc, text);
    }

    /** Appends texts and releases what the store hands back; returns the last position. */
    private Position append(MemoryHistory store, String topic, String... texts) {
        List<ByteBuf> payloads = new ArrayList<>();
        for (String t : texts) {
            payloads.add(text(t));
        }
        List<Message> stored = store.append(topic, payloads, SOURCE, 0).join();
        Position last = stored.get(stored.size() - 1).position();
        stored.forEach(Message::release);
        return last;
    }

    private static List<String> read(MemoryHistory store, String topic, long from, int max) {
        List<Message> messages = store.read(topic, from, max, Long.MAX_VALUE).join();
        List<String> out = new ArrayList<>();
        for (Message m : messages) {
            out.add(m.sequence() + ":" + m.payload().toString(StandardCharsets.UTF_8));
            m.release();
        }
        return out;
    }

    /** Appends one text per moment: text i+1 published at {@code moments[i]}. */
    private void appendAt(MemoryHistory store, String topic, long... moments) {
        for (int i = 0; i < moments.length; i++) {
            store.append(topic, List.of(text("m" + (i + 1))), SOURCE, moments[i]).join().forEach(Message::release);
        }
    }

    @Test
    void firstSince_findsTheFirstHeldPublishedAtOrAfterTheMoment() {
        MemoryHistory store = store(10, 1 << 20, 1 << 20);
        appendAt(store, "t", 100, 200, 200, 300);
        assertThat(store.firstSince("t", 50).join()).isEqualTo(1);
        assertThat(store.firstSince("t", 100).join()).isEqualTo(1);
        assertThat(store.firstSince("t", 150).join()).isEqualTo(2);
        assertThat(store.firstSince("t", 200).join()).isEqualTo(2);
        assertThat(store.firstSince("t", 300).join()).isEqualTo(4);
        assertThat(store.firstSince("t", 301).join()).as("none yet: the next").isEqualTo(5);
        assertThat(store.firstSince("never", 0).join()).isEqualTo(1);
    }

    @Test
    void firstSince_aMomentWhoseMessagesWereTrimmed_isTheEpochsFirst_olderThanWhatIsHeld() {
        MemoryHistory store = store(2, 1 << 20, 1 << 20);
        appendAt(store, "t", 100, 200, 300, 400);
        assertThat(store.state("t").join().first()).isEqualTo(3);
        assertThat(store.firstSince("t", 200).join()).as("message 2 (200) is gone").isEqualTo(1);
        assertThat(store.firstSince("t", 201).join()).isEqualTo(3);
        assertThat(store.firstSince("t", 400).join()).isEqualTo(4);
    }

    @Test
    void firstSince_withHistoryOff_isTheEpochsFirst_forAnyMomentAMessageWasPublishedAtOrAfter() {
        MemoryHistory store = store(0, 1 << 20, 1 << 20);
        appendAt(store, "t", 100, 200);
        assertThat(store.firstSince("t", 150).join()).isEqualTo(1);
        assertThat(store.firstSince("t", 201).join()).isEqualTo(3);
    }

    @Test
    void append_numbersFromOnePerTopic_inOneEpoch() {
        MemoryHistory store = store(10, 1 << 20, 1 << 20);
        assertThat(store.state("a").join()).isEqualTo(new TopicState(101, 1, 0));
        assertThat(append(store, "a", "x", "y")).isEqualTo(new Position(101, 2));
        assertThat(append(store, "b", "z")).isEqualTo(new Position(102, 1));
        assertThat(read(store, "a", 1, 10)).containsExactly("1:x", "2:y");
    }

    @Test
    void perTopicCount_keepsTheNewest_andReadFromOlderStartsAtTheFirstHeld() {
        MemoryHistory store = store(3, 1 << 20, 1 << 20);
        append(store, "t", "1", "2", "3", "4", "5");
        assertThat(store.state("t").join()).extracting(TopicState::first, TopicState::last).containsExactly(3L, 5L);
        assertThat(read(store, "t", 1, 10)).containsExactly("3:3", "4:4", "5:5");
        assertThat(read(store, "t", 4, 1)).containsExactly("4:4");
        assertThat(read(store, "t", 6, 10)).isEmpty();
    }

    @Test
    void perTopicBytes_countTheOverheadOfEachMessage() {
        long two = 2 * (1 + Message.OVERHEAD);
        MemoryHistory store = store(100, two, 1 << 20);
        append(store, "t", "a", "b", "c");
        assertThat(read(store, "t", 1, 10)).containsExactly("2:b", "3:c");
        assertThat(store.bytes()).isEqualTo(two);
    }

    @Test
    void totalBound_letsGoOfTheOldestOfTheTopicsInTurn() {
        long each = 1 + Message.OVERHEAD;
        MemoryHistory store = store(100, 1 << 20, 6 * each);
        append(store, "a", "1", "2", "3");
        append(store, "b", "1", "2", "3");
        append(store, "c", "1", "2");
        assertThat(store.bytes()).isLessThanOrEqualTo(6 * each);
        assertThat(store.trimmedForTotal()).isEqualTo(2);
        long held = 0;
        for (String topic : List.of("a", "b", "c")) {
            TopicState state = store.state(topic).join();
            held += state.held();
            assertThat(state.held()).as(topic + " keeps some history").isPositive();
        }
        assertThat(held).isEqualTo(6);
    }

    @Test
    void historyOff_keepsNothing_butTheNumberingGoesOn() {
        MemoryHistory store = store(0, 1 << 20, 1 << 20);
        ByteBuf payload = text("gone");
        List<Message> stored = store.append("t", List.of(payload), SOURCE, 0).join();
        stored.forEach(Message::release);
        assertThat(payload.refCnt()).isZero();
        append(store, "t", "next");
        assertThat(store.state("t").join()).extracting(TopicState::first, TopicState::last).containsExactly(3L, 2L);
        assertThat(store.bytes()).isZero();
    }

    @Test
    void forget_startsTheTopicAfreshInANewEpoch() {
        MemoryHistory store = store(10, 1 << 20, 1 << 20);
        Position before = append(store, "t", "a", "b");
        store.forget("t");
        assertThat(store.bytes()).isZero();
        Position after = append(store, "t", "c");
        assertThat(after.sequence()).isEqualTo(1);
        assertThat(after.epoch()).isNotEqualTo(before.epoch());
    }

    @Test
    void appendAt_keepsTheUpstreamsNumbers_andRefusesWhatIsNotAfterTheLast() {
        MemoryHistory store = store(10, 1 << 20, 1 << 20);
        store.appendAt("t", new Position(7, 40), text("a"), SOURCE, 0).join().release();
        store.appendAt("t", new Position(7, 41), text("b"), SOURCE, 0).join().release();
        assertThat(store.state("t").join()).isEqualTo(new TopicState(7, 40, 41));

        assertThatThrownBy(() -> store.appendAt("t", new Position(7, 41), text("again"), SOURCE, 0).join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(PublishRefusedException.class);

        store.appendAt("t", new Position(7, 50), text("ahead"), SOURCE, 0).join().release();
        assertThat(store.state("t").join()).as("a jump starts the history at it").isEqualTo(new TopicState(7, 50, 50));

        store.appendAt("t", new Position(8, 1), text("fresh"), SOURCE, 0).join().release();
        assertThat(store.state("t").join()).as("another epoch starts afresh").isEqualTo(new TopicState(8, 1, 1));
        assertThat(read(store, "t", 1, 10)).containsExactly("1:fresh");
    }
}
