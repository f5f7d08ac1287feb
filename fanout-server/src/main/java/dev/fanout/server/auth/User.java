package dev.fanout.server.auth;

/**
 * One user of the auth file.
 *
 * @param name        how it logs in
 * @param password    its password's hash (Argon2id or bcrypt), or null
 * @param token       its bearer token's hash ({@code sha256:HEX}), or null
 * @param permissions what it may do
 * @param limits      what it may use, where the file says
 */
public record User(String name, String password, String token, Permissions permissions, UserLimits limits) {

    /** The principal a login as this user makes. */
    Principal principal() {
        return new Principal(name, permissions, false, limits);
    }

    /** Never the secrets: records print their fields. */
    @Override
    public String toString() {
        return "User[" + name + "]";
    }
}
