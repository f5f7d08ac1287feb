package dev.fanout.server.auth;

/** A login that did not succeed, and why, in words that never say whether the user exists. */
public final class LoginRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a login was refused. */
    public enum Reason {
        /** An unknown user, a wrong password or token: the client is not told which. */
        BAD_CREDENTIALS,
        /** Too many failed logins from the client's address lately. */
        TOO_MANY_FAILURES,
        /** Too many logins wait for their secret to be checked already. */
        BUSY
    }

    private final Reason reason;

    LoginRefusedException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** What to tell a client whose login ended with {@code failure}. */
    public static String why(Throwable failure) {
        return failure instanceof LoginRefusedException refused ? refused.getMessage()
                : "the login could not be checked";
    }

    /** Why. */
    public Reason reason() {
        return reason;
    }
}
