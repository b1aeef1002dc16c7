package io.jenkins.plugins.openaikeys;

import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the long intervals of the configuration page ({@code 30d}, {@code 12h}, {@code 1d12h},
 * {@code 15m}, plain seconds) and the optional UTC rotation window {@code HH:MM-HH:MM}.
 *
 * <p>Why here and not in core: core's {@code Ttls} reads key lifetimes (h/m/s) only, and the
 * rotation schedule type of {@code core.rotation} does not exist yet. When it does, this class
 * should move there; it is kept Jenkins-free so the move is a rename.
 */
final class ConfigDurations {

    private static final Pattern SECONDS = Pattern.compile("\\d{1,9}");
    private static final Pattern UNITS =
            Pattern.compile("(?:(\\d{1,5})d)?(?:(\\d{1,6})h)?(?:(\\d{1,7})m)?(?:(\\d{1,9})s)?");
    private static final Pattern WINDOW = Pattern.compile("(\\d{2}:\\d{2})-(\\d{2}:\\d{2})");

    private ConfigDurations() {
    }

    /**
     * @param text  e.g. {@code 30d}, {@code 6h}, {@code 1d12h}, {@code 90m}, {@code 600}
     * @param field the field's label, for the message
     * @return a positive duration
     * @throws IllegalArgumentException with one sentence saying what to type instead
     */
    static Duration parse(String text, String field) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Duration d = null;
        if (SECONDS.matcher(t).matches()) {
            d = Duration.ofSeconds(Long.parseLong(t));
        } else if (!t.isEmpty()) {
            Matcher m = UNITS.matcher(t);
            if (m.matches()) {
                d = Duration.ofDays(number(m.group(1)))
                        .plusHours(number(m.group(2)))
                        .plusMinutes(number(m.group(3)))
                        .plusSeconds(number(m.group(4)));
            }
        }
        if (d == null || d.isZero()) {
            throw new IllegalArgumentException(field + " '" + printable(text)
                    + "' is not a positive duration: use e.g. 30d, 12h, 15m, 90s or seconds");
        }
        return d;
    }

    /** Like {@link #parse} but a blank value means {@code defaultValue}. */
    static Duration parseOr(String text, String field, Duration defaultValue) {
        return text == null || text.isBlank() ? defaultValue : parse(text, field);
    }

    /**
     * Checks a UTC window such as {@code 02:00-04:00}; a window may wrap midnight
     * ({@code 23:00-01:00}) but may not be empty.
     *
     * @throws IllegalArgumentException with one sentence saying what to type instead
     */
    static void checkWindow(String window) {
        String w = window == null ? "" : window.trim();
        Matcher m = WINDOW.matcher(w);
        if (!m.matches()) {
            throw new IllegalArgumentException("Rotation window '" + printable(window)
                    + "' is not of the form HH:MM-HH:MM (UTC), e.g. 02:00-04:00");
        }
        try {
            LocalTime from = LocalTime.parse(m.group(1));
            LocalTime to = LocalTime.parse(m.group(2));
            if (from.equals(to)) {
                throw new IllegalArgumentException("Rotation window '" + w
                        + "' starts and ends at the same time: leave it empty to allow any time");
            }
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("Rotation window '" + w
                    + "' has an invalid time: use 00:00 to 23:59, e.g. 02:00-04:00", e);
        }
    }

    private static long number(String group) {
        return group == null ? 0 : Long.parseLong(group);
    }

    private static String printable(String text) {
        if (text == null) {
            return "";
        }
        String t = text.strip();
        return t.length() > 40 ? t.substring(0, 40) + "…" : t;
    }
}
