package io.jenkins.plugins.openaikeys.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one run, printed as {@code name: value} lines as they come in, and the
 * verdict: which targets were missed. Printing is this class's job (the report is the
 * benchmark's output), so it writes to the given stream, not to a logger.
 */
final class Report {

    private record Miss(String name, String value, String target) {
    }

    private final PrintStream out;
    private final List<Miss> misses = new ArrayList<>();
    private int targets;

    Report(PrintStream out) {
        this.out = out;
    }

    /** A figure without a target. */
    void info(String name, Object value) {
        out.println(name + ": " + format(value));
        out.flush();
    }

    /** A figure with a target; {@code met} says whether it was reached. */
    void target(String name, Object value, String target, boolean met) {
        targets++;
        out.println(name + ": " + format(value) + "   (target " + target + ": " + (met ? "met" : "MISSED") + ")");
        out.flush();
        if (!met) {
            misses.add(new Miss(name, format(value), target));
        }
    }

    void section(String title) {
        out.println();
        out.println("# " + title);
    }

    /** Prints the verdict; true when every target was met. */
    boolean verdict() {
        out.println();
        out.println("targets.met: " + (targets - misses.size()) + "/" + targets);
        for (Miss m : misses) {
            out.println("MISSED " + m.name() + ": " + m.value() + " (target " + m.target() + ")");
        }
        out.flush();
        return misses.isEmpty();
    }

    static String format(Object value) {
        if (value instanceof Double d) {
            return String.format(Locale.ROOT, "%.3f", d);
        }
        return String.valueOf(value);
    }
}
