package io.jenkins.plugins.openaikeys.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.openaikeys.core.http.Retrier.Budget;
import io.jenkins.plugins.openaikeys.core.http.Retrier.Outcome;
import io.jenkins.plugins.openaikeys.core.testing.FakeTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The one retry loop: the clients' own tests cover it end to end; these pin the loop itself. */
class RetrierTest {

    /** 4 attempts, 1 s doubling to 4 s, 10 s budget, no jitter: exact waits. */
    private static final RetryPolicy POLICY =
            new RetryPolicy(4, Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(10), () -> 1.0);

    private final FakeTime time = new FakeTime();

    private Retrier retrier(Budget budget) {
        return new Retrier(POLICY, time, time, budget);
    }

    @Test
    void returnsTheFirstSuccessAfterBackingOff() {
        AtomicInteger calls = new AtomicInteger();
        List<String> log = new ArrayList<>();
        String value = retrier(Budget.WAITS).run(n -> calls.incrementAndGet() < 3
                ? Outcome.<String>failure(new IllegalStateException("down"))
                .beforeRetry((attempts, delay) -> log.add(attempts + ":" + delay.toMillis()))
                : Outcome.success("up on " + n));
        assertThat(value).isEqualTo("up on 3");
        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(log).containsExactly("1:1000", "2:2000");
    }

    @Test
    void givesUpAfterTheLastAttemptWithTheCountAndTheTime() {
        assertThatThrownBy(() -> retrier(Budget.ELAPSED).run(n -> Outcome.<String>failure(
                (attempts, elapsed) -> new IllegalStateException(attempts + " attempts in " + elapsed))))
                .hasMessage("4 attempts in PT7S");
        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
    }

    @Test
    void aFailureThatIsNotRetryableEndsAtOnce() {
        IllegalStateException denied = new IllegalStateException("403");
        assertThatThrownBy(() -> retrier(Budget.WAITS).run(n -> Outcome.<String>failure(denied).retryableIf(false)))
                .isSameAs(denied);
        assertThat(time.sleeps()).isEmpty();
    }

    @Test
    void whatAnAttemptThrowsEndsTheCall() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retrier(Budget.WAITS).run(n -> {
            calls.incrementAndGet();
            throw new IllegalArgumentException("never again");
        })).hasMessage("never again");
        assertThat(calls).hasValue(1);
    }

    @Test
    void theServersHintIsReadOnTheRetriersClock() {
        Map<String, String> headers = Map.of("retry-after-ms", "2500", "Retry-After", "9");
        AtomicInteger calls = new AtomicInteger();
        retrier(Budget.WAITS).run(n -> calls.incrementAndGet() == 1
                ? Outcome.<String>failure(new IllegalStateException("429")).hintedBy(headers::get)
                : Outcome.success("ok"));
        assertThat(time.sleeps()).containsExactly(Duration.ofMillis(2500));
    }

    @Test
    void theElapsedBudgetCountsTheAttemptsOwnTimeAndTheWaitsBudgetDoesNot() {
        // each attempt takes 3 s on the clock; the waits would be 1 s, 2 s, 4 s; the budget is 10 s
        assertThat(slowAttempts(Budget.ELAPSED)).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(slowAttempts(Budget.WAITS))
                .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
    }

    /** The waits of a call whose every attempt takes 3 s and fails. */
    private static List<Duration> slowAttempts(Budget budget) {
        FakeTime clock = new FakeTime();
        assertThatThrownBy(() -> new Retrier(POLICY, clock, clock, budget).run(n -> {
            clock.advance(Duration.ofSeconds(3));
            return Outcome.<String>failure(new IllegalStateException("down"));
        })).hasMessage("down");
        return clock.sleeps();
    }

    @Test
    void anInterruptedWaitKeepsTheFlagAndThrowsWhatTheCallerChose() {
        Retrier interrupted = new Retrier(POLICY, time, d -> {
            throw new InterruptedException();
        }, Budget.WAITS);
        IllegalStateException failure = new IllegalStateException("down");
        try {
            assertThatThrownBy(() -> interrupted.run(n -> Outcome.<String>failure(failure))).isSameAs(failure);
            assertThat(Thread.interrupted()).isTrue();
            assertThatThrownBy(() -> interrupted.run(n -> Outcome.<String>failure(failure)
                    .whenInterrupted(() -> new IllegalStateException("aborted")))).hasMessage("aborted");
            assertThat(Thread.interrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
