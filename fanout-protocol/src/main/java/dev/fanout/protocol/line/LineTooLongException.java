package dev.fanout.protocol.line;

import java.io.IOException;

/** A line was longer than the limit and was skipped; reading can go on with the next line. */
public final class LineTooLongException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Names the limit. */
    public LineTooLongException(int maxLine) {
        super("line longer than the limit of " + maxLine + " bytes; it was skipped");
    }
}
