package dev.fanout.protocol.control;

import io.netty.handler.codec.DecoderException;
import java.util.Objects;

/**
 * A control frame, or a value in one, breaks the protocol. Carries the {@link ErrorCode} a server answers
 * with in an ERROR frame, and a message that names the frame, the field and the rule, fit to send back as
 * the ERROR's text.
 *
 * <p>A {@link DecoderException}, so Netty's decoders pass it to {@code exceptionCaught} as it is, unwrapped.
 */
public final class ControlProtocolException extends DecoderException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    /** Records the {@code code} to answer with and a {@code message} that says what is wrong. */
    public ControlProtocolException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The error code that describes the problem. */
    public ErrorCode code() {
        return code;
    }
}
