package dev.fanout.source;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;

/** A failure as a log line's reason: what went wrong, without a stack trace or a wrapper's name. */
final class Failures {

    private Failures() {
    }

    static String describe(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof DecoderException || cause.getMessage() == null) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ConnectException) {
            return "connection refused" + detail(cause);
        }
        if (cause instanceof ClosedChannelException) {
            return "the connection closed";
        }
        if (cause instanceof NotSslRecordException) {
            return "the upstream does not speak TLS (is it http:// rather than https://?)";
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }

    private static String detail(Throwable cause) {
        String message = cause.getMessage();
        return message == null || message.toLowerCase(Locale.ROOT).contains("refused") ? "" : " (" + message + ")";
    }
}
