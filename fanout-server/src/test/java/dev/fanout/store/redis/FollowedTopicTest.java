package dev.fanout.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.hub.Message;
import dev.fanout.hub.Origin;
import dev.fanout.hub.Position;
import dev.fanout.hub.TopicState;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A followed topic against a log the test holds in memory, with its scheduled retries run by the test: live
 * batches handed on in order, holes filled from the log, live messages let go while the server has no room and
 * read later, and Redis found behind what was handed on moved to a new epoch.
 */
class FollowedTopicTest {

    private static final long EPOCH = 7;
    private static final byte[] TOPIC = "t".getBytes(StandardCharsets.UTF_8);

    private final FakeLog store = new FakeLog();
    private final List<Message> handedOn = new ArrayList<>();
    private final List<Message> made = new ArrayList<>();
    private final FollowedTopic topic = new FollowedTopic("t", handedOn::addAll, store);

    @AfterEach
    void releaseEverything() {
        topic.forget();
        handedOn.forEach(Message::release);
        store.log.forEach(Message::release);
        assertThat(made).as("every reference given back").allMatch(message -> message.refCnt() == 0);
    }

    private Message message(long epoch, long sequence) {
        Message message = Message.of("t", TOPIC, new Position(epoch, sequence),
                Unpooled.copiedBuffer("m" + sequence, StandardCharsets.UTF_8), 0, Origin.of("test"));
        made.add(message);
        return message;
    }

    /** Appends messages {@code from} to {@code to} to the log, and returns a live batch of them (own references). */
    private List<Message> published(long from, long to) {
        List<Message> live = new ArrayList<>();
        for (long sequence = from; sequence <= to; sequence++) {
            Message message = message(store.epoch, sequence);
            store.log.add(message);
            live.add(message.retain());
        }
        store.last = to;
        return live;
    }

    private List<Long> sequencesHandedOn() {
        return handedOn.stream().map(Message::sequence).toList();
    }

    @Test
    void liveBatches_areHandedOnInOrder_andRepeatsDropped() {
        topic.start();
        topic.live(published(1, 3));
        topic.live(published(4, 5));
        List<Message> repeat = new ArrayList<>(List.of(store.log.get(3).retain(), store.log.get(4).retain()));
        topic.live(repeat);

        assertThat(sequencesHandedOn()).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void aHoleInTheLiveStream_isFilledFromTheLog_beforeWhatFollows() {
        topic.start();
        topic.live(published(1, 2));
        List<Message> missed = published(3, 6);
        missed.forEach(Message::release);
        topic.live(published(7, 8));

        assertThat(sequencesHandedOn()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(store.reads).isEqualTo(1);
    }

    @Test
    void whileTheServerHasNoRoom_liveMessagesAreLetGo_andReadFromTheLogOnceItHas() {
        topic.start();
        topic.live(published(1, 2));
        store.room = false;

        topic.live(published(3, 4));
        topic.live(published(5, 5));
        store.runLater();
        store.runLater();

        assertThat(sequencesHandedOn()).as("nothing gathered while full").containsExactly(1L, 2L);
        assertThat(store.reads).as("nothing read while full").isZero();
        assertThat(store.letGo).as("counted").isEqualTo(3);

        store.room = true;
        store.runLater();

        assertThat(sequencesHandedOn()).containsExactly(1L, 2L, 3L, 4L, 5L);
        topic.live(published(6, 6));
        assertThat(sequencesHandedOn()).endsWith(5L, 6L);
    }

    @Test
    void redisBehindWhatWasHandedOn_inTheSameEpoch_movesTheTopicToANewEpoch() {
        topic.start();
        topic.live(published(1, 5));
        // Redis came back from a snapshot holding 1 to 3, still in epoch 7.
        store.log.subList(3, 5).forEach(Message::release);
        store.log.subList(3, 5).clear();
        store.last = 3;

        topic.catchUp();

        assertThat(store.renewals).containsExactly("7 after 5");
        assertThat(store.epoch).isNotEqualTo(EPOCH);
        List<Message> afresh = published(4, 4);
        topic.live(afresh);
        assertThat(handedOn.subList(5, handedOn.size())).extracting(Message::epoch).containsOnly(store.epoch);
        assertThat(handedOn.subList(5, handedOn.size())).extracting(Message::sequence).containsExactly(1L, 2L, 3L,
                4L);
    }

    /** A topic's log and state in memory; retries wait for the test to run them. */
    private final class FakeLog implements FollowedTopic.Log {
        final List<Message> log = new ArrayList<>();
        final ArrayDeque<Runnable> later = new ArrayDeque<>();
        final List<String> renewals = new ArrayList<>();
        long epoch = EPOCH;
        long last;
        int reads;
        int letGo;
        boolean room = true;

        @Override
        public CompletableFuture<TopicState> state(String name) {
            long first = log.isEmpty() ? last + 1 : log.get(0).sequence();
            return CompletableFuture.completedFuture(new TopicState(epoch, first, last));
        }

        @Override
        public CompletableFuture<List<Message>> read(String name, long from, int count, long maxBytes) {
            reads++;
            List<Message> out = new ArrayList<>();
            for (Message message : log) {
                if (message.sequence() >= from && out.size() < count) {
                    out.add(message.retain());
                }
            }
            return CompletableFuture.completedFuture(out);
        }

        @Override
        public CompletableFuture<Void> renew(String name, long epochWas, long handedOn) {
            renewals.add(epochWas + " after " + handedOn);
            if (epoch == epochWas && last < handedOn) {
                epoch = epochWas + 1;
                List<Message> renumbered = new ArrayList<>();
                for (Message message : log) {
                    renumbered.add(message(epoch, message.sequence()));
                    message.release();
                }
                log.clear();
                log.addAll(renumbered);
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean hasRoom() {
            return room;
        }

        @Override
        public boolean hold(long bytes) {
            return true;
        }

        @Override
        public void unhold(long bytes) {
        }

        @Override
        public void letGo(List<Message> batch) {
            batch.forEach(Message::release);
            letGo += batch.size();
        }

        @Override
        public void later(Runnable task, long delayMillis) {
            later.add(task);
        }

        /** Runs the oldest task waiting, if any. */
        void runLater() {
            Runnable task = later.poll();
            if (task != null) {
                task.run();
            }
        }
    }
}
