package dev.fanout.protocol.control;

import java.util.List;

/**
 * The HELLO options version 1 defines, and their rules. Unknown keys are allowed and ignored by the server;
 * the decoder checks the values of the keys below and the number of options. Stateless.
 */
public final class HelloOptions {

    /** The most options a HELLO may carry. */
    public static final int MAX_OPTIONS = 32;

    /** Key of the display name: 1 to {@value #MAX_NAME_CHARS} of {@code A-Za-z0-9_.-}. */
    public static final String NAME = "name";

    /**
     * Key of the publisher identity that publish ids are de-duplicated under: 1 to
     * {@value #MAX_IDENTITY_CHARS} printable ASCII characters. A client library picks a random one per client
     * instance, so a reconnect keeps it.
     */
    public static final String IDENTITY = "identity";

    /**
     * Key of a relay's server id: the client is a fanout server relaying this one's topics. Same rule as the
     * identity. The server refuses it if that server already feeds this one (a loop) and otherwise answers with
     * {@link WelcomeOptions#FEEDS_FROM}.
     */
    public static final String RELAY = "relay";

    /** Key of the user to log in as, with {@link #PASSWORD}; a server with an auth file checks it. */
    public static final String USER = "user";

    /** Key of the user's password, sent as given: speak TLS to a server that asks for one. */
    public static final String PASSWORD = "password";

    /** Key of a bearer token, which names its user by itself (a {@link #USER} beside it must match). */
    public static final String TOKEN = "token";

    /** The longest display name. */
    public static final int MAX_NAME_CHARS = 32;

    /** The longest publisher identity. */
    public static final int MAX_IDENTITY_CHARS = 64;

    private HelloOptions() {
    }

    /** Whether {@code name} is a valid display name. */
    public static boolean isValidName(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME_CHARS) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '_' || c == '.' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code identity} is a valid publisher identity: printable ASCII is 0x20 to 0x7E. */
    public static boolean isValidIdentity(String identity) {
        if (identity.isEmpty() || identity.length() > MAX_IDENTITY_CHARS) {
            return false;
        }
        for (int i = 0; i < identity.length(); i++) {
            char c = identity.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /** What is wrong with {@code options} for a HELLO, as a sentence; null if nothing. */
    static String problem(List<Option> options) {
        if (options.size() > MAX_OPTIONS) {
            return "has " + options.size() + " options, the most allowed is " + MAX_OPTIONS;
        }
        for (Option option : options) {
            if (option.key().equals(NAME) && !isValidName(option.value())) {
                return "option 'name' " + TopicNames.quote(option.value()) + " is not a valid name: 1 to "
                        + MAX_NAME_CHARS + " of A-Za-z0-9_.-";
            }
            if ((option.key().equals(IDENTITY) || option.key().equals(RELAY)) && !isValidIdentity(option.value())) {
                return "option '" + option.key() + "' " + TopicNames.quote(option.value()) + " is not a valid "
                        + option.key() + ": 1 to " + MAX_IDENTITY_CHARS + " printable ASCII characters";
            }
        }
        return null;
    }
}
