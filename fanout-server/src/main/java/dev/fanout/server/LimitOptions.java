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
 */
public record LimitOptions(int maxClients, int maxClientsPerAddress, int maxFrame, int maxLine, int maxTopics,
                           long publishBacklog, QueueLimits queue) {

    /** Default connections at once: 10,000. Raise it (and the open-file limit) for more. */
    public static final int DEFAULT_MAX_CLIENTS = 10_000;

    /** Default topics at once: 10,000; clients name rooms, so their number must be bounded. */
    public static final int DEFAULT_MAX_TOPICS = 10_000;

    /** Default publish backlog: 64 MiB, several seconds of a fast stream, far below the heap. */
    public static final long DEFAULT_PUBLISH_BACKLOG = 64L * 1024 * 1024;
}
