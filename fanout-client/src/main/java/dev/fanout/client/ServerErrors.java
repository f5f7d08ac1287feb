package dev.fanout.client;

import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.ErrorCode;
import java.lang.System.Logger.Level;

/**
 * What the client does with an ERROR frame: a refused publish fails its future, a refused subscription ends (one
 * the server cannot serve for now, UNAVAILABLE, is made again after a wait), and the listener hears of every
 * refusal except those about ids the client no longer uses and unavailable subscriptions. On the I/O thread.
 */
final class ServerErrors {

    private ServerErrors() {
    }

    static void handle(ControlFrame.Error error, ClientCore core) {
        FanoutException failure;
        switch (error.refKind()) {
            case PUBLISH_ID -> {
                core.outbox.refused(error.ref(), error.code(), error.text());
                failure = FanoutException.refused("publish " + error.ref(), error.code(), error.text());
            }
            case SUBSCRIPTION_ID -> {
                if (error.code() == ErrorCode.UNAVAILABLE && core.subscriptions.unavailable(error.ref(), core)) {
                    // The server's history store is away for now (a cluster's Redis): made again after a wait.
                    ClientLog.LOG.log(Level.DEBUG, "subscription id {0} unavailable for now, subscribing again "
                            + "later: {1}", error.ref(), error.text());
                    return;
                }
                failure = core.subscriptions.refused(error.ref(), error.code(), error.text());
                if (failure == null) {
                    ClientLog.LOG.log(Level.DEBUG, "ignored an error about subscription id {0}, no longer in use: "
                            + "{1}: {2}", error.ref(), error.code().label(), error.text());
                    return;
                }
            }
            default -> failure = FanoutException.refused("a request", error.code(), error.text());
        }
        ClientLog.LOG.log(Level.DEBUG, "the server refused: {0}", failure.getMessage());
        core.events().post(l -> l.onError(failure));
    }
}
