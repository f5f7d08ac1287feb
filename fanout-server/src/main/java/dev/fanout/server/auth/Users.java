package dev.fanout.server.auth;

import java.util.Map;

/**
 * What an auth file says: its users by name and by token hash, and what anonymous may do. Immutable.
 *
 * @param byName    users by name
 * @param byToken   users by their token's hash
 * @param anonymous what a client without credentials may do
 * @param anonymousLimits what a client without credentials may use, where the file says
 */
public record Users(Map<String, User> byName, Map<String, User> byToken, Permissions anonymous,
                    UserLimits anonymousLimits) {

    public Users {
        byName = Map.copyOf(byName);
        byToken = Map.copyOf(byToken);
    }
}
