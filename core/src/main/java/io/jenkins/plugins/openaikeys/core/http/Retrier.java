package io.jenkins.plugins.openaikeys.core.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one retry loop of core, shared by the OpenAI client (reads, deletes, the create of a
 * service account) and the Vault client (okhttp calls and driver logins).
 *
 * <p>Each attempt reports an {@link Outcome}: a value, or a failure that says whether it may
 * be retried ({@link Outcome#retryableIf}), where the server's hint is
 * ({@link Outcome#hintedBy}: {@code retry-after-ms}, else {@code Retry-After} in seconds or
 * as a date, read by {@link RetryAfter} on this retrier's clock), what to log before the wait
 * and what to throw when giving up or when the wait is interrupted. Anything the attempt
 * throws ends the call at once: that is how a caller says "never again" (an ambiguous create,
 * a sealed Vault). The {@link RetryPolicy} decides the wait and when to give up; the
 * {@link Sleeper} waits, so tests with a fake clock never sleep.
 *
 * <p>Thread-safe and stateless between calls: one instance serves a whole client.
 */
public final class Retrier {

    /** What the policy's {@linkplain RetryPolicy#totalBudget() total budget} is spent on. */
    public enum Budget {
        /**
         * Time on the clock since the first attempt began, the attempts' own time included:
         * the OpenAI client, whose calls are bounded by their wall time.
         */
        ELAPSED,
        /** Only the waits between attempts: the Vault client, whose calls are bounded by their timeouts. */
        WAITS
    }

    /** The exception that ends the call, built once no attempt follows. */
    @FunctionalInterface
    public interface GiveUp {
        /**
         * @param attempts attempts made, this one included
         * @param elapsed  time on the clock since the first attempt began
         */
        RuntimeException exception(int attempts, Duration elapsed);
    }

    /** Told before each wait, to log the failed attempt. */
    @FunctionalInterface
    public interface BeforeRetry {
        /**
         * @param attempts attempts made so far; the next one is {@code attempts + 1}
         * @param delay    the wait that follows
         */
        void retrying(int attempts, Duration delay);
    }

    /** One try of the call. */
    @FunctionalInterface
    public interface Attempt<T> {
        /** @param number 1 for the first attempt */
        Outcome<T> run(int number);
    }

    private final RetryPolicy policy;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Budget budget;

    public Retrier(RetryPolicy policy, Clock clock, Sleeper sleeper, Budget budget) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    /**
     * Runs {@code attempt} until it succeeds, throws, fails for good, or runs out of attempts
     * or budget.
     *
     * @return the value of the first successful attempt
     * @throws RuntimeException whatever an attempt throws, or its failure's give-up (or interrupt) exception
     */
    public <T> T run(Attempt<T> attempt) {
        Instant start = clock.instant();
        Duration waited = Duration.ZERO;
        for (int attempts = 1; ; attempts++) {
            Outcome<T> outcome = attempt.run(attempts);
            if (outcome.succeeded) {
                return outcome.value;
            }
            Optional<Duration> delay = Optional.empty();
            if (outcome.retryable) {
                Duration spent = budget == Budget.ELAPSED ? Duration.between(start, clock.instant()) : waited;
                Optional<Duration> hint = outcome.headers == null ? Optional.empty()
                        : RetryAfter.from(outcome.headers, clock);
                delay = policy.nextDelay(attempts, spent, hint);
            }
            if (delay.isEmpty()) {
                throw outcome.giveUp.exception(attempts, Duration.between(start, clock.instant()));
            }
            outcome.beforeRetry.retrying(attempts, delay.get());
            try {
                sleeper.sleep(delay.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw outcome.onInterrupt != null ? outcome.onInterrupt.get()
                        : outcome.giveUp.exception(attempts, Duration.between(start, clock.instant()));
            }
            waited = waited.plus(delay.get());
        }
    }

    /** What one attempt came to. Immutable; the {@code with} methods return a copy. */
    public static final class Outcome<T> {

        private final boolean succeeded;
        private final T value;
        private final GiveUp giveUp;
        private final boolean retryable;
        private final Function<String, String> headers;
        private final BeforeRetry beforeRetry;
        private final Supplier<RuntimeException> onInterrupt;

        private Outcome(boolean succeeded, T value, GiveUp giveUp, boolean retryable,
                        Function<String, String> headers, BeforeRetry beforeRetry,
                        Supplier<RuntimeException> onInterrupt) {
            this.succeeded = succeeded;
            this.value = value;
            this.giveUp = giveUp;
            this.retryable = retryable;
            this.headers = headers;
            this.beforeRetry = beforeRetry;
            this.onInterrupt = onInterrupt;
        }

        public static <T> Outcome<T> success(T value) {
            return new Outcome<>(true, value, null, false, null, null, null);
        }

        /**
         * A failure worth another attempt, thrown as it is when none follows (or the wait is
         * interrupted).
         */
        public static <T> Outcome<T> failure(RuntimeException failure) {
            Objects.requireNonNull(failure, "failure");
            return failure((attempts, elapsed) -> failure);
        }

        /** A failure worth another attempt whose exception, if none follows, depends on the count and time. */
        public static <T> Outcome<T> failure(GiveUp giveUp) {
            return new Outcome<>(false, null, Objects.requireNonNull(giveUp, "giveUp"), true, null, (n, d) -> { },
                    null);
        }

        /** Whether another attempt may follow at all (default yes); when not, the give-up exception is thrown. */
        public Outcome<T> retryableIf(boolean worthAnotherAttempt) {
            return new Outcome<>(succeeded, value, giveUp, worthAnotherAttempt, headers, beforeRetry, onInterrupt);
        }

        /** The failed answer's headers, looked up by name, for the server's {@code Retry-After} hint. */
        public Outcome<T> hintedBy(Function<String, String> responseHeaders) {
            return new Outcome<>(succeeded, value, giveUp, retryable, responseHeaders, beforeRetry, onInterrupt);
        }

        public Outcome<T> beforeRetry(BeforeRetry listener) {
            return new Outcome<>(succeeded, value, giveUp, retryable, headers, Objects.requireNonNull(listener),
                    onInterrupt);
        }

        /** What to throw when the wait is interrupted (default: the give-up exception); the flag is set again first. */
        public Outcome<T> whenInterrupted(Supplier<RuntimeException> exception) {
            return new Outcome<>(succeeded, value, giveUp, retryable, headers, beforeRetry,
                    Objects.requireNonNull(exception));
        }
    }
}
