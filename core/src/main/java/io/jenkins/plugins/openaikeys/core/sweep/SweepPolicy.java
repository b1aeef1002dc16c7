package io.jenkins.plugins.openaikeys.core.sweep;

import io.jenkins.plugins.openaikeys.core.policy.ServiceAccountNames;

import java.time.Duration;
import java.util.Objects;

/**
 * What the orphan sweeper may delete: only accounts whose name carries this controller's
 * prefix and an expiry stamp older than {@code now − grace}. The grace period covers clock
 * skew and a revoke that is still in flight; dry run only reports.
 *
 * @param prefix the controller prefix names start with (see {@link ServiceAccountNames})
 * @param grace  how long past its expiry an account must be before it is swept
 * @param dryRun report what would be deleted, delete nothing
 */
public record SweepPolicy(String prefix, Duration grace, boolean dryRun) {

    public SweepPolicy {
        ServiceAccountNames.checkPrefix(prefix);
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("the sweep grace period must not be negative");
        }
    }
}
