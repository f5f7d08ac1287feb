package dev.fanout.hub;

import io.netty.buffer.ByteBuf;

/**
 * How messages look on one kind of wire, for one kind of recipient. A {@link Batch} encodes its messages once
 * per form and every recipient of that form writes a view of those bytes, so forms that are equal must encode
 * alike: a form is a value (an enum constant, a record).
 */
public interface MessageForm {

    /** Bytes this form of {@code message} takes. */
    int size(Message message);

    /** Appends this form of {@code message} to {@code out}. */
    void writeTo(Message message, ByteBuf out);
}
