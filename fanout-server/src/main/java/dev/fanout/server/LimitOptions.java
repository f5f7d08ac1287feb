package dev.fanout.server;

import dev.fanout.server.session.QueueLimits;

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
 */
public record LimitOptions(int maxClients, int maxClientsPerAddress, int maxFrame, int maxLine, int maxTopics,
                           long publishBacklog, QueueLimits queue, long totalQueueBytes) {

    /** Default connections at once: 10,000. Raise it (and the open-file limit) for more. */
    public static final int DEFAULT_MAX_CLIENTS = 10_000;

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
