package dev.fanout.server.session;

import dev.fanout.server.auth.Authenticator;
import dev.fanout.hub.Broker;
import dev.fanout.hub.Hub;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * What every session needs from the server, bundled so that handlers are built with one argument.
 *
 * @param hub        the hub to subscribe from
 * @param broker     the publish path: every publish goes through it
 * @param registry   the live sessions
 * @param stats      counters
 * @param queue      outbound queue bounds and policy
 * @param budget     the bound on what all outbound queues together hold
 * @param closeGrace how long a closing session may take to send its last words before it is cut
 * @param outOfMemory told when serving a client ran out of memory (direct memory, which the JVM's
 *                    {@code ExitOnOutOfMemoryError} does not cover): the server decides whether to exit
 * @param auth       who may do what ({@code --auth}), or null: everyone may do everything
 * @param handshakeTimeout where anonymous may do nothing, how long a client has to say HELLO or log in
 * @param publishLimits the rate each client may publish at, unless its user has one of its own
 */
public record SessionContext(Hub hub, Broker broker, SessionRegistry registry, SessionStats stats, QueueLimits queue,
                             QueueBudget budget, Duration closeGrace, Consumer<Throwable> outOfMemory,
                             Authenticator auth, Duration handshakeTimeout, PublishLimits publishLimits) {

    /**
     * Default time a goodbye may take to reach a client before the connection is cut anyway: 1 s, ample for a
     * client that reads, short enough that one that does not is not held.
     */
    public static final Duration DEFAULT_CLOSE_GRACE = Duration.ofSeconds(1);
}
