package dev.fanout.client;

import dev.fanout.protocol.control.ControlFrame;
import java.lang.System.Logger.Level;

/**
 * What the client does with an ERROR frame: a refused publish fails its future, a refused subscription ends,
 * and the listener hears of every refusal except those about ids the client no longer uses. On the I/O thread.
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
