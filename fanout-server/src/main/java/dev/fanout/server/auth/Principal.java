package dev.fanout.server.auth;

/**
 * Who a connection is, as far as permissions go: a user of the auth file after a login, or anonymous.
 *
 * @param name        the user's name, or {@code anonymous}
 * @param permissions what it may do
 * @param anonymous   whether it gave no credentials
 * @param limits      what it may use, where the auth file says more than the server's flags
 */
public record Principal(String name, Permissions permissions, boolean anonymous, UserLimits limits) {

    /** The name anonymous goes by in logs and in the auth file. */
    public static final String ANONYMOUS = "anonymous";
    /** Everyone, on a server without an auth file: anonymous, allowed everything. */
    public static final Principal OPEN = new Principal(ANONYMOUS, Permissions.ALL, true, UserLimits.SERVER);

    /** Whether it may publish to {@code topic}. */
    public boolean mayPublish(String topic) {
        return permissions.mayPublish(topic);
    }

    /** Whether it may subscribe to {@code filter}. */
    public boolean maySubscribe(String filter) {
        return permissions.maySubscribe(filter);
    }

    /** Whether it may read what the server reports about its clients ({@code /stats}, {@code /metrics}). */
    public boolean mayMonitor() {
        return permissions.monitor();
    }

    /** Whether it may use the operator's actions (kick a client, speak to clients). */
    public boolean mayOperate() {
        return permissions.operator();
    }
}
