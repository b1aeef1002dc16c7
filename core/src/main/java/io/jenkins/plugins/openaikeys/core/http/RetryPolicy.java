package io.jenkins.plugins.openaikeys.core.http;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When and how long to wait before trying a failed call again; shared by the OpenAI and
 * the Vault clients so both back off the same way.
 *
 * <p>Retryable: 408, 409, 412 (Vault eventual consistency), 429, every 5xx, and I/O failures.
 * Without a server hint the wait is {@code base·2^n} capped at {@code maxDelay}, jittered
 * between 75% and 100% of it. A call gives up after {@code maxAttempts} or when the next
 * wait would cross its {@code totalBudget}.
 *
 * <p>With a hint ({@code retry-after-ms}, {@code Retry-After}) the wait is the hint plus a
 * random spread of up to {@code min(base·2^n, maxDelay/2)}. Why: a rate limiter's hint says
 * when the <em>next</em> request may pass, and it says so to every waiting caller; 200 builds
 * that all wait exactly the hint come back together, one passes and the rest burn an attempt
 * (the benchmark in docs/performance.md saw 4% of builds succeed). Being paced is not
 * failing, so hinted retries may go on for {@code maxPacedAttempts} (within the same total
 * budget) rather than {@code maxAttempts}.
 *
 * <p>The jitter source yields numbers in [0, 1); 1.0 means "no jitter": the full backoff
 * and exactly the server's hint (tests use it to get exact waits).
 */
public final class RetryPolicy {

    /**
     * OpenAI SDK's defaults: 0.5 s doubling to 8 s; our budget: 5 attempts in 60 s, or up to
     * 50 while the server paces us with hints.
     */
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, 50, Duration.ofMillis(500), Duration.ofSeconds(8),
            Duration.ofSeconds(60), Math::random);

    /** No retries at all: for calls whose caller retries on its own schedule. */
    public static final RetryPolicy NONE =
            new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO, () -> 0);

    private final int maxAttempts;
    private final int maxPacedAttempts;
    private final Duration baseDelay;
    private final Duration maxDelay;
    private final Duration totalBudget;
    private final DoubleSupplier jitter;

    /**
     * @param maxAttempts total attempts including the first (at least 1)
     * @param baseDelay   first backoff
     * @param maxDelay    cap of one backoff, and of a server hint
     * @param totalBudget the most time a call may spend waiting between attempts
     * @param jitter      a source of numbers in [0, 1)
     */
    public RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration totalBudget,
                       DoubleSupplier jitter) {
        this(maxAttempts, maxAttempts, baseDelay, maxDelay, totalBudget, jitter);
    }

    /**
     * @param maxPacedAttempts the attempt after which a failure that came with a server hint
     *                         (a rate limit pacing us) is not retried; at least {@code maxAttempts}
     */
    public RetryPolicy(int maxAttempts, int maxPacedAttempts, Duration baseDelay, Duration maxDelay,
                       Duration totalBudget, DoubleSupplier jitter) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (maxPacedAttempts < maxAttempts) {
            throw new IllegalArgumentException("maxPacedAttempts must be at least maxAttempts");
        }
        this.maxAttempts = maxAttempts;
        this.maxPacedAttempts = maxPacedAttempts;
        this.baseDelay = Objects.requireNonNull(baseDelay);
        this.maxDelay = Objects.requireNonNull(maxDelay);
        this.totalBudget = Objects.requireNonNull(totalBudget);
        this.jitter = Objects.requireNonNull(jitter);
    }

    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, Math.max(attempts, maxPacedAttempts), baseDelay, maxDelay, totalBudget, jitter);
    }

    public RetryPolicy withTotalBudget(Duration budget) {
        return new RetryPolicy(maxAttempts, maxPacedAttempts, baseDelay, maxDelay, budget, jitter);
    }

    public RetryPolicy withMaxDelay(Duration max) {
        return new RetryPolicy(maxAttempts, maxPacedAttempts, baseDelay, max, totalBudget, jitter);
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration totalBudget() {
        return totalBudget;
    }

    /** Whether an HTTP status is worth another attempt. */
    public static boolean isRetryableStatus(int status) {
        return status == 408 || status == 409 || status == 412 || status == 429 || status >= 500;
    }

    /**
     * The wait before attempt {@code attemptsSoFar + 1}, or empty when the call must give up.
     *
     * @param attemptsSoFar attempts already made (1 after the first failure)
     * @param waitedSoFar   time already spent waiting in this call
     * @param serverHint    the server's Retry-After hint, if any
     */
    public Optional<Duration> nextDelay(int attemptsSoFar, Duration waitedSoFar, Optional<Duration> serverHint) {
        if (attemptsSoFar >= (serverHint.isPresent() ? maxPacedAttempts : maxAttempts)) {
            return Optional.empty();
        }
        Duration delay = serverHint.map(h -> capHint(h).plus(spread(attemptsSoFar)))
                .orElseGet(() -> backoff(attemptsSoFar));
        if (waitedSoFar.plus(delay).compareTo(totalBudget) > 0) {
            return Optional.empty();
        }
        return Optional.of(delay);
    }

    private Duration capHint(Duration hint) {
        // A server may ask for longer than our cap; honour it up to the whole budget so a
        // rate limit that says "wait 20 s" is respected, not hammered every 8 s.
        return hint.compareTo(totalBudget) > 0 ? totalBudget : hint;
    }

    /** How far behind a server hint this caller lines up: callers told the same instant fan out. */
    private Duration spread(int attemptsSoFar) {
        long window = Math.min(baseDelay.toMillis() << Math.min(attemptsSoFar - 1, 20), maxDelay.toMillis() / 2);
        return Duration.ofMillis((long) (window * (1.0 - jitter.getAsDouble())));
    }

    private Duration backoff(int attemptsSoFar) {
        long base = baseDelay.toMillis() << Math.min(attemptsSoFar - 1, 20);
        long capped = Math.min(base, maxDelay.toMillis());
        double factor = 0.75 + 0.25 * jitter.getAsDouble();
        return Duration.ofMillis((long) (capped * factor));
    }

    @Override
    public String toString() {
        return "RetryPolicy{attempts=" + maxAttempts + ", pacedAttempts=" + maxPacedAttempts + ", base=" + baseDelay
                + ", max=" + maxDelay + ", budget=" + totalBudget + "}";
    }
}
