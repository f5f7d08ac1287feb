package dev.fanout.client;

import dev.fanout.protocol.control.GoodbyeReason;
import java.util.Locale;

/**
 * Why a connection ended. Immutable.
 *
 * @param reason the reason of the server's GOODBYE, or null if it sent none (the connection broke)
 * @param text   the GOODBYE's text, or a description of the failure; never null
 * @param cause  the I/O failure that ended it, or null
 */
public record Disconnect(GoodbyeReason reason, String text, Throwable cause) {

    /** In words, for people: the server's goodbye and its text, or what broke the connection. */
    public String describe() {
        return reason == null ? text : "the server said goodbye (" + reason.name().toLowerCase(Locale.ROOT)
                + "): " + text;
    }
}
