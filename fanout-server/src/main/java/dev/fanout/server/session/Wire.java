package dev.fanout.server.session;

import dev.fanout.hub.MessageForm;
import dev.fanout.hub.Origin;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * How a connection's protocol shows what happens to its session. A session holds one, chosen per connection and
 * changed when the client changes mode (a frames client that says HELLO leaves raw mode): the session hands it
 * typed events and writes whatever bytes it makes, and never needs to know the protocol. Each method returns a
 * buffer the caller owns, or null where the protocol cannot carry the event. Stateless implementations are
 * shared.
 */
public interface Wire {

    /** The protocol, as listings and logs name it. */
    Protocol protocol();

    /** The form published messages take for a plain subscription of this session (raw and lines). */
    MessageForm form();

    /** A notice for a person (chat announcements, command answers), or null where nobody reads prose. */
    ByteBuf notice(ByteBufAllocator alloc, String text);

    /** Text sent to this client alone by the operator or another client, or null where it cannot be shown. */
    ByteBuf privateText(ByteBufAllocator alloc, Origin from, String text);

    /** The session caught up after its queue dropped {@code messages} of its plain subscriptions. */
    ByteBuf missed(ByteBufAllocator alloc, long messages);

    /** The last thing the client is sent: why the session is closing. */
    ByteBuf goodbye(ByteBufAllocator alloc, CloseReason reason, String detail);
}
