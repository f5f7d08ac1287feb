package dev.fanout.server.lines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.hub.Batch;
import dev.fanout.hub.Hub;
import dev.fanout.hub.PublishBacklog;
import dev.fanout.hub.Subscriber;
import dev.fanout.hub.Topic;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Clock;
import java.util.List;
import dev.fanout.store.HistoryLimits;
import dev.fanout.store.MemoryHistory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** /rooms with more topics than it shows; real chat clients are in ChatCommandsTest. */
class RoomListingTest {

    private final EmbeddedChannel loopOwner = new EmbeddedChannel();
    private final Hub hub = new Hub("lobby", 1000, new MemoryHistory(new HistoryLimits(0, 0, 0)),
            new PublishBacklog(1024 * 1024), ByteBufAllocator.DEFAULT, Clock.systemUTC());

    @AfterEach
    void stop() {
        loopOwner.finishAndReleaseAll();
    }

    /** A subscriber that is no chat client: a program, as /rooms counts it. */
    private Subscriber program(long id) {
        EventLoop loop = loopOwner.eventLoop();
        return new Subscriber() {
            @Override
            public long id() {
                return id;
            }

            @Override
            public String name() {
                return "client-" + id;
            }

            @Override
            public EventLoop eventLoop() {
                return loop;
            }

            @Override
            public int deliver(Batch batch) {
                return 0;
            }

            @Override
            public void endOfBatch() {
            }
        };
    }

    @Test
    void rooms_beyondTheLimit_showsTheLargestAndSumsUpTheRest() {
        long id = 0;
        // Rooms feed-00 ... feed-59; feed-NN has NN + 1 programs, so the largest are the last ones made.
        for (int room = 0; room < 60; room++) {
            for (int member = 0; member <= room; member++) {
                hub.subscribe(String.format("feed-%02d", room), program(++id));
            }
        }
        Topic yours = hub.find("feed-59");

        List<String> lines = RoomListing.rooms(yours, hub.topics());

        assertThat(lines).hasSize(1 + RoomListing.ROOMS_LIMIT + 1);
        assertThat(lines.get(0)).isEqualTo("61 rooms, the largest first:");
        assertThat(lines.get(1)).isEqualTo("  feed-59: 0 people, 60 programs (you are here)");
        assertThat(lines.get(2)).isEqualTo("  feed-58: 0 people, 59 programs");
        assertThat(lines.get(RoomListing.ROOMS_LIMIT)).isEqualTo("  feed-10: 0 people, 11 programs");
        // feed-00 to feed-09 hold 1 + 2 + ... + 10 = 55 programs; the empty lobby is the eleventh.
        assertThat(lines.get(RoomListing.ROOMS_LIMIT + 1))
                .isEqualTo("  and 11 more, with 0 people and 55 programs in all");
    }

    @Test
    void rooms_one_saysRoomInTheSingular() {
        assertThat(RoomListing.rooms(hub.find("lobby"), hub.topics()))
                .containsExactly("1 room:", "  lobby: 0 people (you are here)");
    }
}
