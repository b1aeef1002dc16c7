package io.jenkins.plugins.openaikeys.core.rotation;

import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.policy.Ttls;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When an admin key is due for rotation: a period since the last rotation and, optionally, a
 * daily UTC window (which may wrap midnight, e.g. {@code 23:00-01:00}) so that a rotation never
 * lands in the middle of the working day. Why a value type: the configuration page validates
 * with {@link #parse}, the periodic task asks {@link #isDue}, the UI shows {@link #nextAttempt}
 * — all from the same rules. Immutable.
 */
public final class RotationSchedule {

    /** Rotating more often than this buys nothing and burns admin keys. */
    public static final Duration MIN_PERIOD = Duration.ofHours(1);
    /** The shortest window: the plugin's rotation check runs every 15 minutes and must fall inside it. */
    public static final Duration MIN_WINDOW = Duration.ofMinutes(15);

    private static final Pattern WINDOW = Pattern.compile("(\\d{2}:\\d{2})-(\\d{2}:\\d{2})");

    private final Duration period;
    private final LocalTime windowStart;
    private final LocalTime windowEnd;

    private RotationSchedule(Duration period, LocalTime windowStart, LocalTime windowEnd) {
        this.period = period;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
    }

    /**
     * @param period       e.g. {@code 30d}, {@code 7d}, {@code 1d12h}, {@code 12h}; at least an hour
     * @param windowOrNull {@code HH:MM-HH:MM} in UTC, start inclusive, end exclusive; null or blank = any time
     * @throws RotationException with one sentence saying what to type instead
     */
    public static RotationSchedule parse(String period, String windowOrNull) {
        Duration p;
        try {
            p = Ttls.parsePeriod(period, "Rotation period");
        } catch (BrokerException e) {
            throw new RotationException(e.getMessage(), e);
        }
        if (p.compareTo(MIN_PERIOD) < 0) {
            throw new RotationException("Rotation period '" + period.trim()
                    + "' is shorter than an hour: rotate at most hourly, e.g. 30d or 7d");
        }
        if (windowOrNull == null || windowOrNull.isBlank()) {
            return new RotationSchedule(p, null, null);
        }
        String w = windowOrNull.trim();
        Matcher m = WINDOW.matcher(w);
        if (!m.matches()) {
            throw new RotationException("Rotation window '" + printable(w)
                    + "' is not of the form HH:MM-HH:MM (UTC), e.g. 02:00-04:00");
        }
        LocalTime from;
        LocalTime to;
        try {
            from = LocalTime.parse(m.group(1));
            to = LocalTime.parse(m.group(2));
        } catch (DateTimeParseException e) {
            throw new RotationException("Rotation window '" + w
                    + "' has an invalid time: use 00:00 to 23:59, e.g. 02:00-04:00", e);
        }
        if (from.equals(to)) {
            throw new RotationException("Rotation window '" + w
                    + "' starts and ends at the same time: leave it empty to allow any time");
        }
        long minutes = Duration.between(from, to).toMinutes();
        if (minutes < 0) {
            minutes += Duration.ofDays(1).toMinutes(); // wraps midnight
        }
        if (minutes < MIN_WINDOW.toMinutes()) {
            throw new RotationException("Rotation window '" + w + "' lasts " + minutes + " minutes: make it at least "
                    + MIN_WINDOW.toMinutes() + " minutes, since the rotation check runs every "
                    + MIN_WINDOW.toMinutes() + " minutes and could miss it");
        }
        return new RotationSchedule(p, from, to);
    }

    /** Every {@code period}, at any time of day. */
    public static RotationSchedule every(Duration period) {
        Objects.requireNonNull(period, "period");
        if (period.compareTo(MIN_PERIOD) < 0) {
            throw new RotationException("Rotation period " + Ttls.formatPeriod(period)
                    + " is shorter than an hour: rotate at most hourly, e.g. 30d or 7d");
        }
        return new RotationSchedule(period, null, null);
    }

    public Duration period() {
        return period;
    }

    /** Whether a window is set. */
    public boolean hasWindow() {
        return windowStart != null;
    }

    /**
     * Due when never rotated or the period has passed since the last rotation, and {@code now}
     * lies inside the window (if any).
     */
    public boolean isDue(Instant lastRotatedOrNull, Instant now) {
        return periodPassed(lastRotatedOrNull, now) && inWindow(now);
    }

    /** Whether the period has passed, ignoring the window. */
    public boolean periodPassed(Instant lastRotatedOrNull, Instant now) {
        return lastRotatedOrNull == null || !lastRotatedOrNull.plus(period).isAfter(now);
    }

    /** Whether {@code t} lies in the window (start inclusive, end exclusive); always true without one. */
    public boolean inWindow(Instant t) {
        if (windowStart == null) {
            return true;
        }
        LocalTime time = LocalTime.ofInstant(t, ZoneOffset.UTC);
        if (windowStart.isBefore(windowEnd)) {
            return !time.isBefore(windowStart) && time.isBefore(windowEnd);
        }
        return !time.isBefore(windowStart) || time.isBefore(windowEnd); // wraps midnight
    }

    /**
     * The earliest instant, not before {@code now}, at which {@link #isDue} becomes true: for
     * "next rotation" on the configuration page. The periodic task that checks may run later.
     */
    public Instant nextAttempt(Instant lastRotatedOrNull, Instant now) {
        Instant candidate = lastRotatedOrNull == null ? now : max(now, lastRotatedOrNull.plus(period));
        if (inWindow(candidate)) {
            return candidate;
        }
        LocalDate day = LocalDate.ofInstant(candidate, ZoneOffset.UTC);
        Instant start = day.atTime(windowStart).toInstant(ZoneOffset.UTC);
        return start.isAfter(candidate) ? start : start.plus(Duration.ofDays(1));
    }

    /** e.g. {@code every 30d between 02:00 and 04:00 UTC}. */
    public String describe() {
        return "every " + Ttls.formatPeriod(period)
                + (windowStart == null ? "" : " between " + windowStart + " and " + windowEnd + " UTC");
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static String printable(String text) {
        String oneLine = text.replaceAll("\\p{Cntrl}", " ");
        return oneLine.length() > 40 ? oneLine.substring(0, 40) + "…" : oneLine;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RotationSchedule s && period.equals(s.period)
                && Objects.equals(windowStart, s.windowStart) && Objects.equals(windowEnd, s.windowEnd);
    }

    @Override
    public int hashCode() {
        return Objects.hash(period, windowStart, windowEnd);
    }

    @Override
    public String toString() {
        return "RotationSchedule{" + describe() + "}";
    }
}
