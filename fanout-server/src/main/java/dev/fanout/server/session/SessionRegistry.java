package dev.fanout.server.session;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live sessions, by number and by name. Numbers start at 1 and are never reused while the server runs;
 * names are unique, ignoring case. Both maps hold only connected sessions, so they are bounded by the
 * connection limit. Thread-safe.
 */
public final class SessionRegistry {

    private final AtomicLong lastId = new AtomicLong();
    private final ConcurrentHashMap<Long, Session> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Session> byName = new ConcurrentHashMap<>();

    /** The next client number. */
    public long nextId() {
        return lastId.incrementAndGet();
    }

    void add(Session session) {
        byId.put(session.id(), session);
    }

    void remove(Session session) {
        byId.remove(session.id(), session);
        byName.remove(key(session.name()), session);
    }

    /** Claims {@code name} for {@code session}; false if another session holds it. */
    boolean claimName(Session session, String name) {
        Session holder = byName.putIfAbsent(key(name), session);
        return holder == null || holder == session;
    }

    void releaseName(Session session, String name) {
        byName.remove(key(name), session);
    }

    /** The session with that number, or null. */
    public Session find(long id) {
        return byId.get(id);
    }

    /** The session with that name (ignoring case), or null. */
    public Session findByName(String name) {
        return byName.get(key(name));
    }

    /** A snapshot of every session, by number. */
    public List<Session> all() {
        List<Session> out = new ArrayList<>(byId.values());
        out.sort(Comparator.comparingLong(Session::id));
        return out;
    }

    /** How many sessions are live. */
    public int size() {
        return byId.size();
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
