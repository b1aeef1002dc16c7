package io.jenkins.plugins.openaikeys.core.openai;

import io.jenkins.plugins.openaikeys.core.http.RetryAfter;
import io.jenkins.plugins.openaikeys.core.http.RetryPolicy;
import io.jenkins.plugins.openaikeys.core.http.Sleeper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The waiting half of retrying, shared by the plain executor and the create reconciler:
 * the server's hint ({@code retry-after-ms}, {@code Retry-After}) or the policy's backoff,
 * measured on the injected clock against the call's total budget.
 */
final class Backoff {

    private final RetryPolicy policy;
    private final Clock clock;
    private final Sleeper sleeper;
    private final OpenAiErrors errors;

    Backoff(RetryPolicy policy, Clock clock, Sleeper sleeper, OpenAiErrors errors) {
        this.policy = policy;
        this.clock = clock;
        this.sleeper = sleeper;
        this.errors = errors;
    }

    Instant now() {
        return clock.instant();
    }

    Duration since(Instant start) {
        return Duration.between(start, clock.instant());
    }

    /** The wait before the next attempt, or empty when the call must give up. */
    Optional<Duration> next(int attemptsSoFar, Instant start, RawResponse lastOrNull) {
        Optional<Duration> hint = lastOrNull == null ? Optional.empty() : RetryAfter.from(lastOrNull::header, clock);
        return policy.nextDelay(attemptsSoFar, since(start), hint);
    }

    void sleep(Duration delay, ApiCall call) {
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw errors.interrupted(call);
        }
    }
}
