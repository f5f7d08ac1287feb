package dev.fanout.server;

import dev.fanout.server.session.PublishLimits;
import dev.fanout.server.session.QueueLimits;
import java.time.Duration;

/**
 * The server's resource limits. Built and checked by {@link ServerOptions.Builder}.
 *
 * @param maxClients           connections at once, all listeners
 * @param maxClientsPerAddress connections at once from one IP address
 * @param maxFrame             largest frame payload a client may send, in bytes
 * @param maxLine              longest line a lines client may send, in bytes
 * @param maxTopics            topics (rooms) that may exist at once
 * @param publishBacklog       bytes published but not yet handed to subscribers before publishers pause
 * @param queue                each client's outbound queue
 * @param totalQueueBytes      what all clients' outbound queues together may hold
 * @param totalInboundBytes    what frames still arriving may hold, all clients together
 * @param frameTimeout         how long a frame that has started may take to finish; zero turns this off
 * @param keepAlive            how long a connection may be silent before TCP keepalive probes it
 * @param closeGrace           how long a closing client has to take its goodbye before the connection is cut
 * @param handshakeTimeout     how long a client may take to finish its TLS handshake, and, where anonymous may do
 *                             nothing ({@code --auth}), to say HELLO or log in
 * @param connectRate          new connections per second (and at once) one address may open; 0: no limit
 * @param publish              the rate each client may publish at (--publish-rate, --publish-bytes-rate)
 * @param idleTimeout          a chat (lines) client that sends nothing for this long is closed; zero turns this off
 */
public record LimitOptions(int maxClients, int maxClientsPerAddress, int maxFrame, int maxLine, int maxTopics,
                           long publishBacklog, QueueLimits queue, long totalQueueBytes, long totalInboundBytes,
                           Duration frameTimeout, Duration keepAlive, Duration closeGrace, Duration handshakeTimeout,
                           int connectRate, PublishLimits publish, Duration idleTimeout) {

    /**
     * Default new connections per second from one address: 1,000, and as many at once, as many as it may hold
     * (--max-clients-per-address); a client reconnecting in a tight loop meets it, a crowd behind one NAT does not.
     */
    public static final int DEFAULT_CONNECT_RATE = 1_000;

    /** Default handshake deadline: long enough for a slow mobile link, short for a connection that stalls. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /** Default connections at once: 10,000. Raise it (and the open-file limit) for more. */
    public static final int DEFAULT_MAX_CLIENTS = 10_000;

    /**
     * Default connections at once from one IP address: 1,000 (never more than {@link #DEFAULT_MAX_CLIENTS}), so
     * that one address cannot take every place. Raise it for many clients behind one NAT or proxy.
     */
    public static final int DEFAULT_MAX_CLIENTS_PER_ADDRESS = 1_000;

    /**
     * Default time a frame that has started may take to finish: 30 s, a 1 MiB frame at about 35 KB/s. A
     * connection holding a half-sent frame holds a place and, past the first read, a buffer of the frame's size.
     */
    public static final Duration DEFAULT_FRAME_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Default silence before TCP keepalive probes a connection: 10 s, then a probe every 5 s, 3 unanswered and it
     * is reset. A peer whose machine or network went away is noticed in about 25 s; one that closed while the
     * server kept it as a half-closed reader, once the peer's system forgets the connection (on Linux after
     * its FIN-WAIT-2 timeout, 60 s), so within about a minute and a half.
     */
    public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(10);

    /** The most {@link #defaultTotalInboundBytes()} gives: 256 MiB of frames in assembly. */
    public static final long MAX_DEFAULT_TOTAL_INBOUND_BYTES = 256L * 1024 * 1024;

    /**
     * Default for what frames still arriving may hold, all connections together: a sixteenth of the JVM's
     * maximum heap, at most 256 MiB (256 frames of the default 1 MiB maximum at once).
     */
    public static long defaultTotalInboundBytes() {
        return Math.min(MAX_DEFAULT_TOTAL_INBOUND_BYTES, Runtime.getRuntime().maxMemory() / 16);
    }

    /** Default topics at once: 10,000; clients name rooms, so their number must be bounded. */
    public static final int DEFAULT_MAX_TOPICS = 10_000;

    /** Default publish backlog: 64 MiB, several seconds of a fast stream, far below the heap. */
    public static final long DEFAULT_PUBLISH_BACKLOG = 64L * 1024 * 1024;

    /** The most {@link #defaultTotalQueueBytes()} gives: 1 GiB of data queued for clients that do not read. */
    public static final long MAX_DEFAULT_TOTAL_QUEUE_BYTES = 1024L * 1024 * 1024;

    /**
     * Default for what all outbound queues together may hold: a quarter of the JVM's maximum heap, at most
     * 1 GiB. Queued bytes live in direct memory, whose default maximum is the heap's, and their objects on the
     * heap; a quarter leaves the rest for everything else the server holds.
     */
    public static long defaultTotalQueueBytes() {
        return Math.min(MAX_DEFAULT_TOTAL_QUEUE_BYTES, Runtime.getRuntime().maxMemory() / 4);
    }
}
