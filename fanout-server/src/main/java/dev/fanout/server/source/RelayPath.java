package dev.fanout.server.source;

import dev.fanout.server.session.CloseReason;
import dev.fanout.server.session.Session;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which servers feed this one through relays, so that a relay loop (A feeds B feeds A, or a longer ring) is
 * refused rather than left to pass messages round.
 *
 * <p>Each server has a random id, made at start. A relay says its server's id in its HELLO; the server it
 * relays from answers with its own id and the ids of every server feeding it (its <em>feeders</em>), learned
 * the same way from its own upstreams. A relay whose server is among its upstream's feeders, or is its upstream,
 * would close a loop: both sides refuse it. Because links come up in any order, a server whose feeders grow tells
 * the relays it serves: one now among the feeders is refused, the others are asked to connect again and learn
 * the new set, which passes the news down the chain until a loop meets itself. Feeders are only ever added
 * (a server that restarts has a new id), so this settles; they are bounded by {@link #MAX_FEEDERS}. Thread-safe.
 */
public final class RelayPath {

    private static final Logger log = LoggerFactory.getLogger(RelayPath.class);

    /** Feeder ids kept at most: far more servers than any relay chain has. */
    public static final int MAX_FEEDERS = 64;

    private final String id;
    private final Set<String> feeders = new LinkedHashSet<>();
    private final List<Downstream> downstreams = new ArrayList<>();

    /** A path for a server with a fresh random id. */
    public RelayPath() {
        this(HexFormat.of().formatHex(randomBytes()));
    }

    /** A path for the server {@code id}. */
    public RelayPath(String id) {
        this.id = id;
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[8];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    /** This server's id. */
    public String id() {
        return id;
    }

    /** The ids of the servers feeding this one, oldest first. */
    public synchronized List<String> feeders() {
        return List.copyOf(feeders);
    }

    /**
     * Takes in a relay of server {@code relayId} on {@code session}: refused if it would close a loop, otherwise
     * served, and told again (or refused) if the feeders grow. The feeders it is told are those it was checked
     * against, taken under the same lock, so no change of them can slip in between.
     */
    public synchronized Admission admit(Session session, String relayId) {
        List<String> told = List.copyOf(feeders);
        if (relayId.equals(id)) {
            return new Admission("this server (" + id + ") cannot relay from itself", told);
        }
        if (feeders.contains(relayId)) {
            return new Admission("server " + relayId + " already feeds this server (" + id + "), so it may not relay "
                    + "from it", told);
        }
        Downstream downstream = new Downstream(session, relayId, Set.copyOf(told));
        downstreams.add(downstream);
        session.closeFuture().addListener(closed -> forget(downstream));
        return new Admission(null, told);
    }

    /**
     * What {@link #admit} decided.
     *
     * @param refusal  why the relay is refused, a loop (without saying so: the close reason does), or null
     * @param feeders  the servers feeding this one, as the relay is told in its WELCOME
     */
    public record Admission(String refusal, List<String> feeders) {
    }

    private synchronized void forget(Downstream downstream) {
        downstreams.remove(downstream);
    }

    /**
     * This server relays from server {@code upstreamId}, which {@code upstreamFeeders} feed. Returns why that
     * would close a loop, or null when it may; on success its feeders join this server's.
     */
    public String relayFrom(String upstreamId, List<String> upstreamFeeders) {
        List<Downstream> toClose = new ArrayList<>();
        List<Downstream> toRefuse = new ArrayList<>();
        synchronized (this) {
            if (upstreamId.equals(id)) {
                return "relay loop: the upstream is this server itself (" + id + ")";
            }
            if (upstreamFeeders.contains(id)) {
                return "relay loop: upstream server " + upstreamId + " is fed by this server (" + id + "), "
                        + "directly or through others";
            }
            boolean grew = feeders.add(upstreamId);
            for (String feeder : upstreamFeeders) {
                grew |= feeders.add(feeder);
            }
            while (feeders.size() > MAX_FEEDERS) {
                String dropped = feeders.iterator().next();
                feeders.remove(dropped);
                log.warn("more than {} servers feed this one through relays; forgetting {}, so a loop through it "
                        + "would go unnoticed", MAX_FEEDERS, dropped);
            }
            if (!grew) {
                return null;
            }
            for (Downstream downstream : downstreams) {
                if (feeders.contains(downstream.relayId)) {
                    toRefuse.add(downstream);
                } else if (!downstream.told.containsAll(feeders)) {
                    toClose.add(downstream);
                }
            }
        }
        for (Downstream downstream : toRefuse) {
            downstream.session.onLoop(() -> downstream.session.close(CloseReason.RELAY_LOOP,
                    "server " + downstream.relayId + " now feeds this server (" + id + "), so it may not relay from "
                            + "it"));
        }
        for (Downstream downstream : toClose) {
            downstream.session.onLoop(() -> downstream.session.close(CloseReason.RECONNECT,
                    "the servers feeding this one changed; connect again to learn them"));
        }
        return null;
    }

    private record Downstream(Session session, String relayId, Set<String> told) {
    }
}
