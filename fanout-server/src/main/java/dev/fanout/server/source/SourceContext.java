package dev.fanout.server.source;

import dev.fanout.hub.Broker;
import dev.fanout.hub.Hub;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoopGroup;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * What the server gives a source to run with.
 *
 * @param broker      the publish path, without the read-only rule that keeps clients off source-fed topics
 * @param hub         the topics, for a relay that resumes from what they hold
 * @param loops       the server's event loops: network sources run on them, and every source's timers
 * @param connections a new bootstrap for one outgoing connection on these loops, with the server's transport
 *                    and its TCP keepalive (so an upstream that vanished is noticed as clients are)
 * @param maxMessage  the largest message a source may publish: the server's {@code --max-frame}
 * @param clock       the server's clock
 * @param relays      which servers feed this one, for a relay to check for loops and add its upstream's
 */
public record SourceContext(Broker broker, Hub hub, EventLoopGroup loops, Supplier<Bootstrap> connections,
                            int maxMessage, Clock clock, RelayPath relays) {
}
