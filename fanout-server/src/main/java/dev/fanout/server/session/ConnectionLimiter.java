package dev.fanout.server.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits or refuses each new connection against the server-wide and per-address limits, and the rate at which one
 * address may open new ones (a reconnect storm, a client in a loop), across all listeners. A refused client is
 * told why at once (where its protocol allows) and closed; nothing sleeps, and the next client is admitted the
 * moment a place frees. Thread-safe.
 */
public final class ConnectionLimiter {

    private static final Logger log = LoggerFactory.getLogger(ConnectionLimiter.class);

    private final int maxClients;
    private final int maxPerAddress;
    /** New connections per second one address may open, and at once (the bucket's size); 0: no limit. */
    private final int connectRate;
    /**
     * Addresses' buckets: {tokens, nanoTime of the last refill}, oldest use first. Bounded by maxClients entries;
     * past that the oldest is forgotten (it would have refilled by then, unless the server is flooded by that many
     * addresses at once, when a forgotten one may open a burst early). Guarded by itself.
     */
    private final LinkedHashMap<InetAddress, double[]> buckets = new LinkedHashMap<>(16, 0.75f, true);
    private final SessionStats stats;
    private final AtomicInteger connected = new AtomicInteger();
    /** Holds only addresses with live connections, so it is bounded by maxClients. */
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final RefusalLog refusals = new RefusalLog(log);

    /** Limits to {@code maxClients} connections in all, and {@code maxPerAddress} from any one address. */
    public ConnectionLimiter(int maxClients, int maxPerAddress, SessionStats stats) {
        this(maxClients, maxPerAddress, 0, stats);
    }

    /** As above, with at most {@code connectRate} new connections per second (and at once) from one address. */
    public ConnectionLimiter(int maxClients, int maxPerAddress, int connectRate, SessionStats stats) {
        this.maxClients = maxClients;
        this.maxPerAddress = maxPerAddress;
        this.connectRate = connectRate;
        this.stats = stats;
    }

    /**
     * Admits {@code channel}, or refuses it: counts and logs the refusal, sends the message {@code tell}
     * makes of the reason and closes, or, for a protocol that cannot say anything ({@code tell} null), resets
     * the connection. An admitted channel
     * gives its place back when it closes.
     *
     * @return true if admitted
     */
    public boolean admit(Channel channel, Function<String, ByteBuf> tell) {
        InetAddress address = ((InetSocketAddress) channel.remoteAddress()).getAddress();
        CloseReason refusal = tooFast(address) ? CloseReason.CONNECT_RATE : tryAcquire(address);
        if (refusal == null) {
            channel.closeFuture().addListener(future -> release(address));
            return true;
        }
        stats.countClose(refusal);
        String why = switch (refusal) {
            case SERVER_FULL -> "server full (" + maxClients + " clients); try again later";
            case CONNECT_RATE -> "too many new connections from " + address.getHostAddress() + " (limit "
                    + connectRate + " per second, --connect-rate); wait a moment and try again";
            default -> "too many connections from " + address.getHostAddress() + " (limit " + maxPerAddress
                    + "); close one and try again";
        };
        refusals.refused(channel.remoteAddress(), why);
        ByteBuf message = tell == null ? null : tell.apply(why);
        if (message == null) {
            // SO_LINGER 0 makes the close an RST: the client cannot mistake it for a normal end of stream.
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
        } else {
            channel.writeAndFlush(message).addListener(ChannelFutureListener.CLOSE);
        }
        return false;
    }

    /** Takes a token from the address's bucket; true if there was none (the address connects too fast). */
    private boolean tooFast(InetAddress address) {
        if (connectRate <= 0) {
            return false;
        }
        long now = System.nanoTime();
        synchronized (buckets) {
            double[] bucket = buckets.get(address);
            if (bucket == null) {
                if (buckets.size() >= maxClients) {
                    Iterator<InetAddress> oldest = buckets.keySet().iterator();
                    oldest.next();
                    oldest.remove();
                }
                bucket = new double[] {connectRate, now};
                buckets.put(address, bucket);
            } else {
                bucket[0] = Math.min(connectRate, bucket[0] + (now - bucket[1]) * connectRate / 1e9);
                bucket[1] = now;
            }
            if (bucket[0] < 1) {
                return true;
            }
            bucket[0] -= 1;
            return false;
        }
    }

    private CloseReason tryAcquire(InetAddress address) {
        if (connected.incrementAndGet() > maxClients) {
            connected.decrementAndGet();
            return CloseReason.SERVER_FULL;
        }
        AtomicInteger fromAddress = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
        if (fromAddress.incrementAndGet() > maxPerAddress) {
            release(address);
            return CloseReason.ADDRESS_FULL;
        }
        return null;
    }

    private void release(InetAddress address) {
        connected.decrementAndGet();
        perAddress.computeIfPresent(address, (a, count) -> count.decrementAndGet() == 0 ? null : count);
    }

    /** Connections holding a place now. */
    public int connected() {
        return connected.get();
    }

    /** The server-wide limit. */
    public int maxClients() {
        return maxClients;
    }
}
