package dev.fanout.client;

/** The library's one logger: System.Logger, so that users' own logging set-up decides where it goes. */
final class ClientLog {

    static final System.Logger LOG = System.getLogger("dev.fanout.client");

    private ClientLog() {
    }
}
