package dev.fanout.server.session;

import java.time.Instant;

/**
 * A session that ended, as {@code /stats} lists it among the recent closes.
 *
 * @param id       its client number
 * @param name     its name then
 * @param user     its user (anonymous without a login)
 * @param address  its remote address
 * @param protocol what it spoke
 * @param reason   why it ended ({@link CloseReason#label()})
 * @param detail   more words on why, or null
 * @param at       when
 */
public record ClosedSession(long id, String name, String user, String address, String protocol, String reason,
                           String detail, Instant at) {
}
