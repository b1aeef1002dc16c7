package io.jenkins.plugins.openaikeys.core.http;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {

    private final RetryPolicy noJitter =
            new RetryPolicy(6, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(60), () -> 1.0);

    @Test
    void backsOffExponentiallyUpToTheCap() {
        assertThat(noJitter.nextDelay(1, Duration.ZERO, Optional.empty())).contains(Duration.ofMillis(500));
        assertThat(noJitter.nextDelay(2, Duration.ZERO, Optional.empty())).contains(Duration.ofSeconds(1));
        assertThat(noJitter.nextDelay(3, Duration.ZERO, Optional.empty())).contains(Duration.ofSeconds(2));
        assertThat(noJitter.nextDelay(5, Duration.ZERO, Optional.empty())).contains(Duration.ofSeconds(8));
    }

    /** Past the cap the wait stays there, for as many attempts as a policy allows (the shift must not wrap). */
    @Test
    void staysAtTheCapForEveryAttemptBeyondIt() {
        RetryPolicy many = new RetryPolicy(200, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofDays(1),
                () -> 1.0);
        RetryPolicy manyLowJitter = new RetryPolicy(200, Duration.ofMillis(500), Duration.ofSeconds(8),
                Duration.ofDays(1), () -> 0.0);
        for (int attempt = 5; attempt < 200; attempt++) {
            assertThat(many.nextDelay(attempt, Duration.ZERO, Optional.empty())).as("after attempt %d", attempt)
                    .contains(Duration.ofSeconds(8));
            assertThat(manyLowJitter.nextDelay(attempt, Duration.ZERO, Optional.empty()))
                    .as("after attempt %d, most jitter", attempt).contains(Duration.ofSeconds(6));
        }
    }

    @Test
    void jitterStaysWithinAQuarterBelow() {
        RetryPolicy lowJitter = new RetryPolicy(6, Duration.ofMillis(1000), Duration.ofSeconds(8),
                Duration.ofSeconds(60), () -> 0.0);
        assertThat(lowJitter.nextDelay(1, Duration.ZERO, Optional.empty())).contains(Duration.ofMillis(750));
    }

    @Test
    void serverHintWinsAndIsCappedByTheBudget() {
        assertThat(noJitter.nextDelay(1, Duration.ZERO, Optional.of(Duration.ofSeconds(20))))
                .contains(Duration.ofSeconds(20));
        assertThat(noJitter.nextDelay(1, Duration.ZERO, Optional.of(Duration.ofSeconds(90)))).contains(Duration.ofSeconds(60));
    }

    @Test
    void callersGivenTheSameHintFanOutBehindIt() {
        RetryPolicy fullSpread = new RetryPolicy(6, Duration.ofMillis(500), Duration.ofSeconds(8),
                Duration.ofSeconds(60), () -> 0.0);
        Optional<Duration> hint = Optional.of(Duration.ofMillis(40));

        assertThat(fullSpread.nextDelay(1, Duration.ZERO, hint)).contains(Duration.ofMillis(540));
        assertThat(fullSpread.nextDelay(2, Duration.ZERO, hint)).contains(Duration.ofMillis(1040));
        assertThat(fullSpread.nextDelay(5, Duration.ZERO, hint)).contains(Duration.ofMillis(4040)); // maxDelay / 2
        assertThat(noJitter.nextDelay(5, Duration.ZERO, hint)).contains(Duration.ofMillis(40));
    }

    @Test
    void aServerThatPacesUsMayBeFollowedForMoreAttemptsWithinTheBudget() {
        RetryPolicy paced = new RetryPolicy(5, 50, Duration.ofMillis(500), Duration.ofSeconds(8),
                Duration.ofSeconds(60), () -> 1.0);
        Optional<Duration> hint = Optional.of(Duration.ofMillis(50));

        assertThat(paced.nextDelay(5, Duration.ZERO, Optional.empty())).isEmpty();
        assertThat(paced.nextDelay(49, Duration.ZERO, hint)).contains(Duration.ofMillis(50));
        assertThat(paced.nextDelay(50, Duration.ZERO, hint)).isEmpty();
        assertThat(paced.nextDelay(10, Duration.ofSeconds(60), hint)).isEmpty();
        assertThat(RetryPolicy.DEFAULT.nextDelay(5, Duration.ZERO, hint)).isPresent();
        assertThat(RetryPolicy.NONE.nextDelay(1, Duration.ZERO, hint)).isEmpty();
    }

    @Test
    void givesUpAfterMaxAttemptsOrBudget() {
        assertThat(noJitter.nextDelay(6, Duration.ZERO, Optional.empty())).isEmpty();
        assertThat(noJitter.nextDelay(1, Duration.ofSeconds(59), Optional.of(Duration.ofSeconds(2)))).isEmpty();
        assertThat(RetryPolicy.NONE.nextDelay(1, Duration.ZERO, Optional.empty())).isEmpty();
    }

    @Test
    void retryableStatuses() {
        assertThat(RetryPolicy.isRetryableStatus(429)).isTrue();
        assertThat(RetryPolicy.isRetryableStatus(503)).isTrue();
        assertThat(RetryPolicy.isRetryableStatus(408)).isTrue();
        assertThat(RetryPolicy.isRetryableStatus(409)).isTrue();
        assertThat(RetryPolicy.isRetryableStatus(400)).isFalse();
        assertThat(RetryPolicy.isRetryableStatus(401)).isFalse();
        assertThat(RetryPolicy.isRetryableStatus(404)).isFalse();
    }
}
