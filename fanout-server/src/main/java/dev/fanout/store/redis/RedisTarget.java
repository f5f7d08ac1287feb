package dev.fanout.store.redis;

import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;

/**
 * Where Redis is, as {@code --redis} names it: one server ({@code redis://HOST:PORT}, {@code rediss://} for TLS,
 * a password or ACL user in the URI as Redis's own tools take them; no database other than 0, as channels are
 * shared by all databases), or a Redis Cluster, named by
 * {@code redis-cluster://HOST:PORT,HOST:PORT} ({@code rediss-cluster://} for TLS) or by several seed URIs
 * separated by commas.
 *
 * @param uris    the server, or the cluster's seeds
 * @param cluster whether it is a Redis Cluster
 */
public record RedisTarget(List<RedisURI> uris, boolean cluster) {

    private static final String CLUSTER = "redis-cluster://";
    private static final String TLS_CLUSTER = "rediss-cluster://";

    public RedisTarget {
        uris = List.copyOf(uris);
        if (uris.isEmpty()) {
            throw new IllegalArgumentException("no Redis address");
        }
    }

    /**
     * Reads a {@code --redis} value.
     *
     * @throws IllegalArgumentException saying what is wrong and what a valid value looks like
     */
    public static RedisTarget parse(String value) {
        String text = value.strip();
        boolean namedCluster = text.startsWith(CLUSTER) || text.startsWith(TLS_CLUSTER);
        String scheme = text.startsWith(TLS_CLUSTER) || text.startsWith("rediss://") ? "rediss://" : "redis://";
        if (namedCluster) {
            text = text.substring(text.indexOf("://") + 3);
        }
        String[] parts = text.split(",");
        String credentials = "";
        List<RedisURI> uris = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].strip();
            if (namedCluster) {
                // redis-cluster://user:secret@a:1,b:2: the credentials before the first address are the cluster's.
                int at = part.lastIndexOf('@');
                if (i == 0 && at >= 0) {
                    credentials = part.substring(0, at + 1);
                    part = part.substring(at + 1);
                }
                part = scheme + credentials + part;
            }
            uris.add(uri(part, value));
        }
        return new RedisTarget(uris, namedCluster || uris.size() > 1);
    }

    private static RedisURI uri(String text, String whole) {
        if (!text.startsWith("redis://") && !text.startsWith("rediss://")) {
            throw new IllegalArgumentException("--redis '" + redact(whole) + "' is not a Redis URI: give "
                    + "redis://HOST:PORT (rediss:// for TLS, redis://:SECRET@HOST:PORT with a password), or "
                    + "redis-cluster://HOST:PORT,HOST:PORT for a Redis Cluster");
        }
        try {
            RedisURI uri = RedisURI.create(text);
            if (uri.getDatabase() != 0) {
                // Channels are shared by every database of a Redis: two clusters on two databases would hear
                // each other's messages.
                throw new IllegalArgumentException("--redis '" + redact(whole) + "' names database "
                        + uri.getDatabase() + ": Redis's channels are shared by all its databases, so a cluster "
                        + "needs a Redis of its own; leave the database out (or give /0)");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("--redis ")) {
                throw e;
            }
            throw new IllegalArgumentException("--redis '" + redact(whole) + "': " + e.getMessage()
                    + "; give redis://HOST:PORT or redis-cluster://HOST:PORT,HOST:PORT", e);
        }
    }

    /** The target for logs: addresses, never a secret. */
    public String describe() {
        StringBuilder text = new StringBuilder(cluster ? "Redis Cluster at " : "Redis at ");
        for (int i = 0; i < uris.size(); i++) {
            RedisURI uri = uris.get(i);
            if (i > 0) {
                text.append(", ");
            }
            text.append(uri.isSsl() ? "rediss://" : "redis://").append(uri.getHost()).append(':')
                    .append(uri.getPort());
        }
        return text.toString();
    }

    /** {@code value} with anything between the scheme and an {@code @} (a user and secret) replaced. */
    static String redact(String value) {
        return value.replaceAll("//[^/@,]*@", "//***@");
    }

    @Override
    public String toString() {
        return describe();
    }
}
