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
    private final RefKind refKind;
    private final long ref;

    /** Records the {@code code} to answer with and a {@code message} that says what is wrong. */
    public ControlProtocolException(ErrorCode code, String message) {
        this(code, message, RefKind.NONE, 0);
    }

    private ControlProtocolException(ErrorCode code, String message, RefKind refKind, long ref) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
        this.refKind = refKind;
        this.ref = ref;
    }

    /**
     * The same problem, found in the frame with this publish or subscription id: the ERROR answering it names the
     * frame, so that a client waiting for that publish's ACK learns it failed. An id of 0 names nothing.
     */
    public ControlProtocolException about(RefKind kind, long id) {
        return id <= 0 ? this : new ControlProtocolException(code, getMessage(), kind, id);
    }

    /** The error code that describes the problem. */
    public ErrorCode code() {
        return code;
    }

    /** What kind of id {@link #ref()} is: the frame the problem is in, or NONE. */
    public RefKind refKind() {
        return refKind;
    }

    /** The publish or subscription id of the frame the problem is in, or 0. */
    public long ref() {
        return ref;
    }
}
