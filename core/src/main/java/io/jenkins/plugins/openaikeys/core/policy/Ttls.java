package io.jenkins.plugins.openaikeys.core.policy;

import io.jenkins.plugins.openaikeys.core.broker.BrokerException;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints key lifetimes the way users write them in a Jenkinsfile or on the
 * configuration page ({@code 30m}, {@code 1h}, {@code 90s}, {@code 1h30m}, or plain
 * seconds {@code 600}), so that every message about a TTL reads in the same units the user
 * typed.
 *
 * <p>Key lifetimes stay at hours and below ({@link #parse}); long intervals such as a rotation
 * period also take days ({@link #parsePeriod}), so the plugin's configuration page and
 * {@code core.rotation} share one parser instead of two.
 */
public final class Ttls {

    private static final Pattern SECONDS = Pattern.compile("\\d{1,9}");
    private static final Pattern UNITS = Pattern.compile("(?:(\\d{1,6})h)?(?:(\\d{1,7})m)?(?:(\\d{1,9})s)?");
    private static final Pattern DAY_UNITS =
            Pattern.compile("(?:(\\d{1,5})d)?(?:(\\d{1,6})h)?(?:(\\d{1,7})m)?(?:(\\d{1,9})s)?");

    private Ttls() {
    }

    /**
     * @param text e.g. {@code "30m"}, {@code "1h"}, {@code "90s"}, {@code "1h30m"}, {@code "2d"}, {@code "600"}
     *             (days too, so a TTL reads like a rotation period)
     * @return a positive duration
     * @throws BrokerException when the text is not a positive duration in those forms
     */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Duration d = null;
        if (SECONDS.matcher(t).matches()) {
            d = Duration.ofSeconds(Long.parseLong(t));
        } else if (!t.isEmpty()) {
            Matcher m = DAY_UNITS.matcher(t);
            if (m.matches()) {
                d = Duration.ofDays(number(m.group(1)))
                        .plusHours(number(m.group(2)))
                        .plusMinutes(number(m.group(3)))
                        .plusSeconds(number(m.group(4)));
            }
        }
        if (d == null) {
            throw new BrokerException("TTL '" + printable(text)
                    + "' is not a duration: use e.g. 30m, 1h, 90s or seconds");
        }
        if (d.isZero()) {
            throw new BrokerException("TTL '" + printable(text)
                    + "' is zero: use a positive duration such as 30m, 1h, 90s or seconds");
        }
        return d;
    }

    /**
     * Parses a long interval (a rotation period, a sweeper interval) that may be given in days.
     *
     * @param text  e.g. {@code "30d"}, {@code "1d12h"}, {@code "12h"}, {@code "90m"}, {@code "600"}
     * @param label what the value is, for the message, e.g. {@code "Rotation period"}
     * @return a positive duration
     * @throws BrokerException with one sentence when the text is not a positive duration in those forms
     */
    public static Duration parsePeriod(String text, String label) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Duration d = null;
        if (SECONDS.matcher(t).matches()) {
            d = Duration.ofSeconds(Long.parseLong(t));
        } else if (!t.isEmpty()) {
            Matcher m = DAY_UNITS.matcher(t);
            if (m.matches()) {
                d = Duration.ofDays(number(m.group(1)))
                        .plusHours(number(m.group(2)))
                        .plusMinutes(number(m.group(3)))
                        .plusSeconds(number(m.group(4)));
            }
        }
        if (d == null) {
            throw new BrokerException(label + " '" + printable(text)
                    + "' is not a duration: use e.g. 30d, 1d12h, 12h, 15m or seconds");
        }
        if (d.isZero()) {
            throw new BrokerException(label + " '" + printable(text)
                    + "' is zero: use a positive duration such as 30d, 12h or 15m");
        }
        return d;
    }

    /**
     * Like {@link #format} but with days first ({@code 30d}, {@code 1d12h}), the form
     * {@link #parsePeriod} reads back.
     */
    public static String formatPeriod(Duration duration) {
        if (duration == null || duration.isNegative()) {
            return format(duration);
        }
        long total = duration.getSeconds() + (duration.getNano() > 0 ? 1 : 0);
        long days = total / 86_400;
        long rest = total % 86_400;
        if (days == 0) {
            return format(Duration.ofSeconds(rest));
        }
        return days + "d" + (rest == 0 ? "" : format(Duration.ofSeconds(rest)));
    }

    /**
     * Prints a duration in the form {@link #parse} reads back, largest units first:
     * {@code 1h}, {@code 1h30m}, {@code 90s} prints as {@code 1m30s}; a fraction of a second
     * is rounded up.
     */
    public static String format(Duration duration) {
        if (duration == null) {
            return "none";
        }
        if (duration.isNegative()) {
            return "-" + format(duration.negated());
        }
        long total = duration.getSeconds() + (duration.getNano() > 0 ? 1 : 0);
        if (total == 0) {
            return "0s";
        }
        long h = total / 3600;
        long m = total % 3600 / 60;
        long s = total % 60;
        StringBuilder b = new StringBuilder();
        if (h > 0) {
            b.append(h).append('h');
        }
        if (m > 0) {
            b.append(m).append('m');
        }
        if (s > 0) {
            b.append(s).append('s');
        }
        return b.toString();
    }

    private static long number(String group) {
        return group == null ? 0 : Long.parseLong(group);
    }

    /** The user's text for an error message: short, single-line. */
    private static String printable(String text) {
        if (text == null) {
            return "";
        }
        String oneLine = text.replaceAll("\\p{Cntrl}", " ");
        return oneLine.length() > 40 ? oneLine.substring(0, 40) + "…" : oneLine;
    }
}
