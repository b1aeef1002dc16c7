package io.jenkins.plugins.openaikeys.core.rotation;

import java.time.Duration;
import java.util.Objects;

/**
 * How long an admin key created by {@link AdminKeyRotator} lives at OpenAI
 * ({@code expires_in_seconds} of {@code POST /organization/admin_api_keys}, 1 s to 365 days).
 * Why: a key left behind by any failure (a crash between create and delete, a key an operator
 * never deleted) must not live forever. It outlives the next rotation: the period, a day more
 * when a window may postpone the run, plus a margin for failed runs to be retried and fixed.
 * If rotation keeps failing longer than the margin, the key in use expires and minting stops.
 *
 * @param value the lifetime sent to OpenAI
 */
public record AdminKeyLifetime(Duration value) {

    /** OpenAI's maximum for {@code expires_in_seconds}. */
    public static final Duration MAX = Duration.ofDays(365);
    /** A week for a failing rotation to be noticed on the monitor and fixed. */
    public static final Duration DEFAULT_MARGIN = Duration.ofDays(7);
    /** When no schedule is known: as long as OpenAI allows, but never forever. */
    public static final AdminKeyLifetime LONGEST = new AdminKeyLifetime(MAX);

    public AdminKeyLifetime {
        Objects.requireNonNull(value, "value");
        if (value.compareTo(Duration.ofSeconds(1)) < 0 || value.compareTo(MAX) > 0) {
            throw new RotationException("An admin key lifetime must be between 1 second and 365 days (OpenAI's"
                    + " limit), not " + value.toSeconds() + " s");
        }
    }

    /**
     * The lifetime for keys rotated on {@code schedule}: period (+1 day with a window) + margin,
     * at most 365 days.
     *
     * @throws RotationException for a negative margin
     */
    public static AdminKeyLifetime forSchedule(RotationSchedule schedule, Duration margin) {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(margin, "margin");
        if (margin.isNegative()) {
            throw new RotationException("The admin key expiry margin must not be negative: use 0 or more, e.g. 7d");
        }
        Duration d = schedule.period().plus(schedule.hasWindow() ? Duration.ofDays(1) : Duration.ZERO).plus(margin);
        return new AdminKeyLifetime(d.compareTo(MAX) > 0 ? MAX : d);
    }
}
