package dev.fanout.server.frames;

import io.netty.handler.codec.DecoderException;
import java.util.concurrent.TimeUnit;

/** A frame that had started did not finish within the frame deadline ({@code --frame-timeout}). */
final class FrameTimeoutException extends DecoderException {

    private static final long serialVersionUID = 1L;

    FrameTimeoutException(long timeoutNanos, long received) {
        super("a frame was started but not finished within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                + " ms (" + received + " bytes of it arrived); see --frame-timeout");
    }
}
