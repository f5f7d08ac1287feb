package dev.fanout.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import java.util.Iterator;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --log-level} and {@code --log-format}: the root logger's level, and the log lines as text (the default, as
 * logback.xml writes them) or as one JSON object per line (Logback's JSON encoder, with each line's key-value pairs:
 * a client's id, address, user, protocol, a close's reason), for programs that read the log.
 */
final class LogSettings {

    /** How log lines are written. */
    enum Format {
        TEXT, JSON;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private LogSettings() {
    }

    /**
     * Applies {@code level} (null: as logback.xml and {@code FANOUT_LOG_LEVEL} say) and {@code format} to the
     * running Logback.
     */
    static void apply(String level, Format format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        if (level != null) {
            root.setLevel(Level.toLevel(level));
        }
        if (format != Format.JSON) {
            return;
        }
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof ConsoleAppender<ILoggingEvent> console) {
                JsonEncoder json = new JsonEncoder();
                json.setContext(context);
                // The line as people read it, and its fields; not the template and its arguments apart.
                json.setWithFormattedMessage(true);
                json.setWithMessage(false);
                json.setWithArguments(false);
                json.setWithContext(false);
                json.setWithSequenceNumber(false);
                json.start();
                console.stop();
                console.setEncoder(json);
                console.start();
            }
        }
    }

    /** Checks a {@code --log-level} value. */
    static String level(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        if (!java.util.List.of("error", "warn", "info", "debug", "trace").contains(lower)) {
            throw new IllegalArgumentException("--log-level " + value + ": use error, warn, info, debug or trace");
        }
        return lower;
    }
}
