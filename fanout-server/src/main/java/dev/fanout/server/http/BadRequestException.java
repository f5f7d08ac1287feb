package dev.fanout.server.http;

/** A request an endpoint cannot act on (a bad parameter, an unknown client): answered 400 or 404 with this text. */
final class BadRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean notFound;

    BadRequestException(String message) {
        this(message, false);
    }

    private BadRequestException(String message, boolean notFound) {
        super(message, null, false, false);
        this.notFound = notFound;
    }

    /** The thing the request names does not exist: answered 404. */
    static BadRequestException notFound(String message) {
        return new BadRequestException(message, true);
    }

    boolean notFound() {
        return notFound;
    }
}
