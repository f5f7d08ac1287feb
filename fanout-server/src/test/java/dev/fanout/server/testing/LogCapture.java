package dev.fanout.server.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * The log lines some classes write while a test runs, for assertions on what an operator would read. Start it
 * before the code under test, close it after. Thread-safe: lines may come from the event loops.
 */
public final class LogCapture implements AutoCloseable {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final List<Logger> loggers;

    private LogCapture(List<Logger> loggers) {
        this.loggers = loggers;
        appender.start();
        loggers.forEach(logger -> logger.addAppender(appender));
    }

    /** Captures what the loggers of {@code classes} write from now on. */
    public static LogCapture of(Class<?>... classes) {
        return new LogCapture(List.of(classes).stream()
                .map(type -> (Logger) LoggerFactory.getLogger(type)).toList());
    }

    /**
     * Captures what the loggers named {@code names} write from now on, and those below them: a package's name
     * captures its classes', the package-private ones included.
     */
    public static LogCapture named(String... names) {
        return new LogCapture(List.of(names).stream().map(name -> (Logger) LoggerFactory.getLogger(name)).toList());
    }

    /** The messages written at {@code level}, formatted, in order. */
    public List<String> messages(Level level) {
        return matching(event -> event.getLevel() == level);
    }

    /** The messages {@code from}'s logger wrote at {@code level}, formatted, in order. */
    public List<String> messages(Level level, Class<?> from) {
        return matching(event -> event.getLevel() == level && event.getLoggerName().equals(from.getName()));
    }

    private List<String> matching(Predicate<ILoggingEvent> which) {
        // The appender adds under its own lock (AppenderBase.doAppend is synchronized): read under the same.
        synchronized (appender) {
            return appender.list.stream().filter(which).map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    @Override
    public void close() {
        loggers.forEach(logger -> logger.detachAppender(appender));
    }
}
