package dev.fanout.server.frames;

import dev.fanout.server.session.CloseReason;
import io.netty.handler.codec.TooLongFrameException;

/** What the frames port's decoder failing means for the session, in raw and control mode alike. */
public final class FrameFailures {

    private FrameFailures() {
    }

    /** The close reason for a failure of the frame decoder, or null if {@code cause} is not one. */
    public static CloseReason closeReason(Throwable cause) {
        if (cause instanceof FrameTimeoutException) {
            return CloseReason.FRAME_TIMEOUT;
        }
        boolean tooLong = cause instanceof TooLongFrameException || cause.getCause() instanceof TooLongFrameException;
        return tooLong ? CloseReason.FRAME_TOO_LARGE : null;
    }
}
