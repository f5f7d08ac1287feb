package dev.fanout.protocol.control;

/**
 * The WELCOME options a server sends. A client ignores keys it does not know. Stateless.
 */
public final class WelcomeOptions {

    /** Key of the server's id: random, made at each start, so that relays can tell servers apart. */
    public static final String SERVER_ID = "server-id";

    /**
     * Key of the ids of the servers that feed this one through relays, directly or through others, comma
     * separated; sent to a client that said {@link HelloOptions#RELAY}. A relay whose own id is among them would
     * make a loop.
     */
    public static final String FEEDS_FROM = "feeds-from";

    private WelcomeOptions() {
    }
}
