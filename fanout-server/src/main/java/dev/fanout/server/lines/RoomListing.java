package dev.fanout.server.lines;

import dev.fanout.hub.Subscriber;
import dev.fanout.hub.Topic;
import dev.fanout.server.session.Protocol;
import dev.fanout.server.session.Session;
import dev.fanout.server.session.SessionSubscriber;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What chat users are told about who is where. People (chat clients) are listed by name; programs (frames
 * clients reading a topic) are only counted, as they do not chat. Every listing is bounded, however many
 * clients and rooms there are. Stateless; the listings are snapshots.
 */
final class RoomListing {

    /** Names /who shows before it summarises the rest. */
    static final int WHO_LIMIT = 50;
    /** Rooms /rooms shows, the largest first, before it summarises the rest. */
    static final int ROOMS_LIMIT = 50;

    private static final Comparator<Count> LARGEST_FIRST = Comparator.comparingInt(Count::people).reversed()
            .thenComparing(Comparator.comparingInt(Count::programs).reversed())
            .thenComparing(count -> count.room().name());

    private RoomListing() {
    }

    /** How many people and programs are in one room. */
    record Count(Topic room, int people, int programs) {

        static Count of(Topic room) {
            int people = 0;
            List<Subscriber> members = room.subscribers();
            for (Subscriber member : members) {
                if (isPerson(member)) {
                    people++;
                }
            }
            return new Count(room, people, members.size() - people);
        }

        /** {@code 2 here}, or {@code 2 here, and 1 program}: for the greeting and /join. */
        String here() {
            return people + " here" + (programs == 0 ? "" : ", and " + describePrograms(programs));
        }
    }

    /** A chat client, as opposed to a program on the frames port. */
    static boolean isPerson(Subscriber member) {
        return member instanceof SessionSubscriber subscriber && subscriber.session().protocol() == Protocol.LINES;
    }

    /**
     * The /who line for {@code room}, as {@code you} are shown it: people by name (at most
     * {@link #WHO_LIMIT}), then programs counted, e.g.
     * {@code 3 people in lobby: alice (you), bob, carol; and 2 programs (frames clients)}.
     */
    static String who(Topic room, Session you) {
        List<Subscriber> people = new ArrayList<>();
        int programs = 0;
        for (Subscriber member : room.subscribers()) {
            if (isPerson(member)) {
                people.add(member);
            } else {
                programs++;
            }
        }
        people.sort(Comparator.comparing(Subscriber::name, String.CASE_INSENSITIVE_ORDER));
        StringBuilder line = new StringBuilder(describePeople(people.size())).append(" in ").append(room.name());
        for (int i = 0; i < people.size(); i++) {
            if (i == WHO_LIMIT) {
                line.append(", and ").append(people.size() - i).append(" more");
                break;
            }
            Subscriber person = people.get(i);
            boolean yours = person instanceof SessionSubscriber subscriber && subscriber.session() == you;
            line.append(i == 0 ? ": " : ", ").append(person.name()).append(yours ? " (you)" : "");
        }
        if (programs > 0) {
            line.append("; and ").append(describePrograms(programs))
                    .append(programs == 1 ? " (a frames client)" : " (frames clients)");
        }
        return line.toString();
    }

    /**
     * The /rooms lines for someone in room {@code yours}: a header, then one line per topic, the largest
     * first, at most {@link #ROOMS_LIMIT}, then how many more there are.
     */
    static List<String> rooms(Topic yours, List<Topic> topics) {
        List<Count> counts = new ArrayList<>(topics.size());
        for (Topic topic : topics) {
            counts.add(Count.of(topic));
        }
        counts.sort(LARGEST_FIRST);
        List<String> lines = new ArrayList<>(Math.min(counts.size(), ROOMS_LIMIT) + 2);
        lines.add(counts.size() == 1 ? "1 room:" : counts.size() + " rooms, the largest first:");
        for (Count count : counts.subList(0, Math.min(counts.size(), ROOMS_LIMIT))) {
            lines.add("  " + count.room().name() + ": " + describePeople(count.people())
                    + (count.programs() == 0 ? "" : ", " + describePrograms(count.programs()))
                    + (count.room() == yours ? " (you are here)" : ""));
        }
        if (counts.size() > ROOMS_LIMIT) {
            List<Count> rest = counts.subList(ROOMS_LIMIT, counts.size());
            int people = rest.stream().mapToInt(Count::people).sum();
            int programs = rest.stream().mapToInt(Count::programs).sum();
            lines.add("  and " + rest.size() + " more, with " + describePeople(people) + " and "
                    + describePrograms(programs) + " in all");
        }
        return lines;
    }

    private static String describePeople(int n) {
        return n == 1 ? "1 person" : n + " people";
    }

    private static String describePrograms(int n) {
        return n == 1 ? "1 program" : n + " programs";
    }
}
