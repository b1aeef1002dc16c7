package io.jenkins.plugins.openaikeys.bench;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Replaces the console handler with one that formats every record and drops it: the
 * broker's INFO line per mint and revoke still costs what it costs in Jenkins (and so
 * counts in the overhead figure), but 1,000s of lines do not bury the report. Warnings
 * are counted so the report can say whether any call failed along the way.
 */
final class QuietLogs extends Handler {

    private final SimpleFormatter formatter = new SimpleFormatter();
    private final AtomicInteger warnings = new AtomicInteger();
    private final AtomicInteger formattedChars = new AtomicInteger();

    static QuietLogs install() {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        QuietLogs handler = new QuietLogs();
        handler.setLevel(Level.INFO);
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        return handler;
    }

    @Override
    public void publish(LogRecord r) {
        if (!isLoggable(r)) {
            return;
        }
        formattedChars.addAndGet(formatter.format(r).length());
        if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
            warnings.incrementAndGet();
        }
    }

    /** Warnings logged so far (and forgets them). */
    int takeWarnings() {
        return warnings.getAndSet(0);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
