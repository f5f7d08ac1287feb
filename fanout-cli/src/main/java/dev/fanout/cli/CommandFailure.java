package dev.fanout.cli;

/** A client command cannot go on; its message is printed as {@code fanout COMMAND: message} and it exits 1. */
final class CommandFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CommandFailure(String message) {
        super(message);
    }
}
