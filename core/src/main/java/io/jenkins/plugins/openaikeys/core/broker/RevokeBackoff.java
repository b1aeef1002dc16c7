package io.jenkins.plugins.openaikeys.core.broker;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a key whose revoke keeps failing waits before the periodic task tries it again:
 * {@code first·2^(n-1)} after the n-th failure, never more than {@code cap}. Why: a revoke that
 * fails for a reason that does not go away by itself (a refused policy, a deleted project) must
 * not be hammered on every pass, yet must still be retried often enough to end soon after the
 * cause is fixed.
 *
 * @param first wait after the first failure
 * @param cap   the longest wait
 */
public record RevokeBackoff(Duration first, Duration cap) {

    /** 5 minutes (the periodic task's period), doubling up to one hour. */
    public static final RevokeBackoff DEFAULT = new RevokeBackoff(Duration.ofMinutes(5), Duration.ofHours(1));

    public RevokeBackoff {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(cap, "cap");
        if (first.isNegative() || first.isZero() || cap.compareTo(first) < 0) {
            throw new IllegalArgumentException("The revoke backoff needs a positive first wait and a cap of at least"
                    + " that wait (now " + first + " and " + cap + ")");
        }
    }

    /** The wait after {@code failures} consecutive failures (1 or more). */
    public Duration after(int failures) {
        int doublings = Math.max(0, Math.min(failures - 1, 30));
        Duration d = first.multipliedBy(1L << doublings);
        return d.compareTo(cap) > 0 || d.isNegative() ? cap : d;
    }
}
