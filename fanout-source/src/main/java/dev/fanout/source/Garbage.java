package dev.fanout.source;

/**
 * The upstream sent what cannot be read as its format says (a line or an event over the limit, an NDJSON line
 * that is not JSON): the stream cannot be trusted after it, so its connection is dropped, with this message as
 * the reason, and made again.
 */
final class Garbage extends RuntimeException {

    private static final long serialVersionUID = 1L;

    Garbage(String message) {
        super(message);
    }
}
