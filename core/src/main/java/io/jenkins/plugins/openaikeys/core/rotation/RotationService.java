package io.jenkins.plugins.openaikeys.core.rotation;

import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;

import io.jenkins.plugins.openaikeys.core.rotation.RotationResult.Outcome;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One periodic pass over the organizations: rotate those whose schedule says due, finish
 * deletions an earlier run left pending, and report every organization's result. Why a class
 * of its own: the plugin's periodic task and the "Rotate now" button stay one line each, and
 * the rules (an organization's failure does not stop the others; a failed rotation is retried
 * after {@code retryAfterFailure}, not on every tick; a rotation done here counts even if Vault
 * cannot tell) are tested without Jenkins. Thread-safe; keep one instance per configuration.
 */
public final class RotationService {

    private static final Logger LOG = Logger.getLogger(RotationService.class.getName());
    public static final Duration DEFAULT_RETRY_AFTER_FAILURE = Duration.ofHours(1);

    private final RotationSchedule schedule;
    private final Clock clock;
    private final Duration retryAfterFailure;
    private final Map<String, Instant> lastFailure = new ConcurrentHashMap<>();
    private final Map<String, Instant> rotatedHere = new ConcurrentHashMap<>();
    private final Map<String, RotationResult> lastResults = new ConcurrentHashMap<>();

    public RotationService(RotationSchedule schedule, Clock clock) {
        this(schedule, clock, DEFAULT_RETRY_AFTER_FAILURE);
    }

    /** @param retryAfterFailure how long to wait before trying an organization again after a failed run */
    public RotationService(RotationSchedule schedule, Clock clock, Duration retryAfterFailure) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.retryAfterFailure = Objects.requireNonNull(retryAfterFailure, "retryAfterFailure");
    }

    /** The periodic pass: one result per organization, in the given order; never throws. */
    public List<RotationResult> runDue(Collection<? extends Rotator> rotators) {
        List<RotationResult> out = new ArrayList<>();
        for (Rotator r : rotators) {
            out.add(remember(runOne(r)));
        }
        return out;
    }

    /** The "Rotate now" button: rotates whatever the schedule says. Never throws. */
    public RotationResult rotateNow(Rotator rotator) {
        return remember(safely(rotator, rotator::rotate));
    }

    /** The latest result per organization (for the configuration page and the monitor). */
    public Map<String, RotationResult> lastResults() {
        return Map.copyOf(lastResults);
    }

    public RotationSchedule schedule() {
        return schedule;
    }

    private RotationResult runOne(Rotator r) {
        Instant now = clock.instant();
        RotationStatus status;
        try {
            status = r.status();
        } catch (RuntimeException e) {
            return new RotationResult(r.organization(), Outcome.FAILED, null, null, now, "Could not read the"
                    + " rotation state of organization '" + r.organization() + "' (" + EphemeralKeyException.safeMessage(e)
                    + "): the next run tries again");
        }
        Instant last = latest(status.lastRotatedOrNull(), rotatedHere.get(r.organization()));
        Instant failed = lastFailure.get(r.organization());
        boolean backingOff = failed != null && failed.plus(retryAfterFailure).isAfter(now);
        if (schedule.isDue(last, now) && !backingOff) {
            return safely(r, r::rotate);
        }
        if (!status.pendingDeleteKeyIds().isEmpty() && !backingOff) {
            return safely(r, r::deletePending);
        }
        Instant next = schedule.nextAttempt(last, now);
        if (backingOff && next.isBefore(failed.plus(retryAfterFailure))) {
            next = failed.plus(retryAfterFailure);
        }
        return new RotationResult(r.organization(), Outcome.NOT_DUE, null, null, now, "The admin key of"
                + " organization '" + r.organization() + "' is next due at " + next
                + (last == null ? "" : " (last rotated " + last + ")"));
    }

    private RotationResult safely(Rotator r, java.util.function.Supplier<RotationResult> run) {
        try {
            return run.get();
        } catch (RuntimeException e) { // a rotator bug must not stop the other organizations
            LOG.log(Level.WARNING, "Rotation of organization ''{0}'' failed unexpectedly: {1}",
                    new Object[] {r.organization(), EphemeralKeyException.safeMessage(e)});
            return new RotationResult(r.organization(), Outcome.FAILED, null, null, clock.instant(),
                    "Rotation of organization '" + r.organization() + "' failed unexpectedly (" + EphemeralKeyException.safeMessage(e) + ")");
        }
    }

    private RotationResult remember(RotationResult result) {
        String org = result.organization();
        if (result.outcome() == Outcome.FAILED || result.outcome() == Outcome.UNKNOWN) {
            lastFailure.put(org, result.at());
        } else if (result.outcome() != Outcome.NOT_DUE) {
            lastFailure.remove(org);
        }
        if (result.outcome().keyChanged()) {
            rotatedHere.put(org, result.at());
        }
        if (result.outcome() != Outcome.NOT_DUE || !lastResults.containsKey(org)) {
            lastResults.put(org, result);
        }
        return result;
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }
}
