package dev.fanout.bench;

import io.netty.handler.codec.DecoderException;

/**
 * The server answered with an error ({@code -ERR} in NATS and RESP, ERROR or GOODBYE in fanout's control mode):
 * the stream itself is sound, but the server refused what the bench sent, or is closing the connection. The
 * message quotes the server's text.
 */
final class ServerErrorException extends DecoderException {

    private static final long serialVersionUID = 1L;

    ServerErrorException(String message) {
        super(message);
    }
}
