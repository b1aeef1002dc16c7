package io.jenkins.plugins.openaikeys.core.testing;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Captures every java.util.logging record of a logger tree while open, at every level, so
 * a test can assert that a secret never reached a log line — including FINE lines that
 * are off in production and the messages of attached exceptions.
 *
 * <pre>{@code
 * try (LogCapture logs = LogCapture.plugin()) {
 *     ...
 *     assertThat(logs.allText()).doesNotContain(secret.reveal());
 * }
 * }</pre>
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger;
    private final Level previousLevel;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final SimpleFormatter formatter = new SimpleFormatter();

    private LogCapture(String loggerName) {
        this.logger = Logger.getLogger(loggerName);
        this.previousLevel = logger.getLevel();
        setLevel(Level.ALL);
        logger.setLevel(Level.ALL);
        logger.addHandler(this);
    }

    /** Captures the logger {@code name} and all loggers below it. */
    public static LogCapture of(String name) {
        return new LogCapture(name);
    }

    /** Captures every logger of this plugin ({@code io.jenkins.plugins.openaikeys}). */
    public static LogCapture plugin() {
        return of("io.jenkins.plugins.openaikeys");
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** The formatted messages, parameters filled in. */
    public List<String> messages() {
        return records.stream().map(formatter::formatMessage).toList();
    }

    /** Records at {@code level} or above, formatted. */
    public List<String> messagesAtLeast(Level level) {
        return records.stream().filter(r -> r.getLevel().intValue() >= level.intValue())
                .map(formatter::formatMessage).toList();
    }

    /**
     * Everything a log handler could print: raw and formatted messages, each parameter's
     * {@code toString()}, and every attached throwable's chain (causes, suppressed, messages).
     */
    public String allText() {
        StringBuilder b = new StringBuilder();
        for (LogRecord r : records) {
            b.append(r.getLevel()).append(' ').append(r.getLoggerName()).append(": ").append(r.getMessage())
                    .append('\n').append(formatter.formatMessage(r)).append('\n');
            if (r.getParameters() != null) {
                for (Object p : r.getParameters()) {
                    b.append("  param: ").append(p).append('\n');
                }
            }
            appendThrowable(b, r.getThrown(), Collections.newSetFromMap(new IdentityHashMap<>()));
        }
        return b.toString();
    }

    private static void appendThrowable(StringBuilder b, Throwable t, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) {
            return;
        }
        b.append("  thrown: ").append(t).append('\n');
        for (StackTraceElement e : t.getStackTrace()) {
            b.append("    at ").append(e).append('\n');
        }
        for (Throwable s : t.getSuppressed()) {
            appendThrowable(b, s, seen);
        }
        appendThrowable(b, t.getCause(), seen);
    }

    @Override
    public void flush() {
        // records are kept in memory
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previousLevel);
    }
}
