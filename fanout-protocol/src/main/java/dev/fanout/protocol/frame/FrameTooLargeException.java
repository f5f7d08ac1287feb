package dev.fanout.protocol.frame;

import java.io.IOException;

/** A length prefix asked for more than the agreed maximum; the stream cannot be trusted after it. */
public final class FrameTooLargeException extends IOException {

    private static final long serialVersionUID = 1L;

    private final long length;
    private final int maxFrame;

    /** Records the offending {@code length} and the {@code maxFrame} it broke. */
    public FrameTooLargeException(long length, int maxFrame) {
        super("frame of " + length + " bytes exceeds the maximum of " + maxFrame + " bytes");
        this.length = length;
        this.maxFrame = maxFrame;
    }

    /** The length the prefix announced. */
    public long length() {
        return length;
    }

    /** The maximum in force. */
    public int maxFrame() {
        return maxFrame;
    }
}
