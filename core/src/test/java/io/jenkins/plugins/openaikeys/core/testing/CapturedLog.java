package io.jenkins.plugins.openaikeys.core.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Captures everything a java.util.logging logger (and its children) emits, at every
 * level, so tests can assert what is logged — and that no secret ever is.
 * Use in try-with-resources; closing restores the logger.
 */
public final class CapturedLog extends Handler implements AutoCloseable {

    private final Logger logger;
    private final Level previousLevel;
    private final boolean previousUseParentHandlers;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final SimpleFormatter formatter = new SimpleFormatter();

    private CapturedLog(Logger logger) {
        this.logger = logger;
        this.previousLevel = logger.getLevel();
        this.previousUseParentHandlers = logger.getUseParentHandlers();
        logger.setUseParentHandlers(false); // keep the test output quiet
        setLevel(Level.ALL);
        logger.setLevel(Level.ALL);
        logger.addHandler(this);
    }

    /** Starts capturing the logger named after {@code type} and its children. */
    public static CapturedLog of(Class<?> type) {
        return new CapturedLog(Logger.getLogger(type.getName()));
    }

    /** Starts capturing a logger by name, e.g. a package. */
    public static CapturedLog of(String loggerName) {
        return new CapturedLog(Logger.getLogger(loggerName));
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** Formatted messages of the records at exactly {@code level}. */
    public List<String> messages(Level level) {
        return records.stream().filter(r -> r.getLevel().equals(level)).map(formatter::formatMessage).toList();
    }

    /** Everything captured, formatted, thrown exceptions (with their messages) included. */
    public String text() {
        StringBuilder b = new StringBuilder();
        for (LogRecord r : records) {
            b.append(r.getLevel()).append(' ').append(formatter.formatMessage(r)).append('\n');
            for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
                b.append("  ").append(t).append('\n');
            }
        }
        return b.toString();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previousLevel);
        logger.setUseParentHandlers(previousUseParentHandlers);
    }
}
