package io.jenkins.plugins.openaikeys.core.faults;

import io.jenkins.plugins.openaikeys.core.testing.LogCapture;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * What a scenario wrote outside the plugin's loggers, for the {@link LeakAudit}: System.out and
 * System.err (swapped for tees while open, so the build output still shows them) and every
 * java.util.logging record of every other logger (a capture on the root logger at ALL).
 *
 * <p>Libraries log through their own loggers: okhttp (and MockWebServer) under {@code okhttp3},
 * vault-java-driver under {@code io.github.jopenlibs.vault}. Those two, and every logger that
 * exists when the tap opens, are made to log at every level and to hand their records up to
 * the root while it is open; all is restored on {@link #close()}. The plugin's own loggers are
 * left as they are: the world's {@link LogCapture#plugin()} reads them at ALL already.
 *
 * <p>Not thread-safe to open twice at once: System.out/err are process-wide. Surefire runs the
 * core tests one at a time.
 */
final class OutputTap implements AutoCloseable {

    /** Library loggers that must reach the root capture whatever their configuration says. */
    static final List<String> LIBRARY_LOGGERS = List.of("okhttp3", "io.github.jopenlibs.vault");

    private static final String PLUGIN_LOGGERS = "io.jenkins.plugins.openaikeys";

    private final PrintStream outBefore = System.out;
    private final PrintStream errBefore = System.err;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final LogCapture everyLogger;
    /** Loggers we changed, held strongly (java.util.logging forgets an unreferenced logger's level). */
    private final List<Restore> changed = new ArrayList<>();

    private record Restore(Logger logger, Level level, boolean useParentHandlers) {
    }

    OutputTap() {
        System.setOut(tee(outBefore, out));
        System.setErr(tee(errBefore, err));
        everyLogger = LogCapture.of(""); // the root logger, at ALL, with a handler at ALL
        Set<String> names = new LinkedHashSet<>(LIBRARY_LOGGERS); // once each: a second save would keep ALL
        names.addAll(Collections.list(LogManager.getLogManager().getLoggerNames()));
        for (String name : names) {
            if (name.isEmpty() || name.startsWith(PLUGIN_LOGGERS)) {
                continue;
            }
            Logger logger = Logger.getLogger(name);
            changed.add(new Restore(logger, logger.getLevel(), logger.getUseParentHandlers()));
            logger.setLevel(Level.ALL);
            logger.setUseParentHandlers(true);
        }
    }

    private static PrintStream tee(PrintStream original, ByteArrayOutputStream copy) {
        OutputStream both = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (copy) {
                    copy.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (copy) {
                    copy.write(b, off, len);
                }
                original.write(b, off, len);
            }

            @Override
            public void flush() {
                original.flush();
            }
        };
        return new PrintStream(both, true, StandardCharsets.UTF_8);
    }

    /** The bytes written to System.out while open. */
    byte[] stdout() {
        System.out.flush();
        synchronized (out) {
            return out.toByteArray();
        }
    }

    /** The bytes written to System.err while open. */
    byte[] stderr() {
        System.err.flush();
        synchronized (err) {
            return err.toByteArray();
        }
    }

    /** Every record that reached the root logger, as {@link LogCapture#allText()} renders it. */
    String logText() {
        return everyLogger.allText();
    }

    /** The logger names of the records captured (to show that libraries really reach it). */
    List<String> loggerNames() {
        return everyLogger.records().stream().map(r -> String.valueOf(r.getLoggerName())).distinct().toList();
    }

    @Override
    public void close() {
        try {
            everyLogger.close();
            for (Restore r : changed) {
                r.logger().setLevel(r.level());
                r.logger().setUseParentHandlers(r.useParentHandlers());
            }
        } finally {
            System.setOut(outBefore);
            System.setErr(errBefore);
        }
    }
}
