package dev.fanout.bench;

import io.netty.buffer.ByteBuf;

/** Receives each message payload a subscriber connection decodes. Called on that connection's event loop. */
@FunctionalInterface
interface PayloadSink {

    /**
     * One payload: {@code length} bytes of {@code buf} from {@code index}. Valid only during the call; the
     * sink reads what it needs and keeps no reference.
     */
    void onPayload(ByteBuf buf, int index, int length);
}
