package io.jenkins.plugins.openaikeys.core.openai.fake;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** A token-bucket rate limit on the fake's clock: {@code rate} tokens per second, at most {@code burst}. */
final class TokenBucket {

    private final double ratePerSecond;
    private final double burst;
    private final Clock clock;
    private double tokens;
    private Instant last;

    TokenBucket(double ratePerSecond, int burst, Clock clock) {
        if (ratePerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate must be positive and burst at least 1");
        }
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.clock = clock;
        this.tokens = burst;
        this.last = clock.instant();
    }

    int limit() {
        return (int) burst;
    }

    /** Takes a token, or says how long until one is available. */
    synchronized Optional<Duration> tryTake() {
        Instant now = clock.instant();
        if (now.isAfter(last)) {
            double elapsed = Duration.between(last, now).toNanos() / 1e9;
            tokens = Math.min(burst, tokens + elapsed * ratePerSecond);
            last = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return Optional.empty();
        }
        double seconds = (1 - tokens) / ratePerSecond;
        return Optional.of(Duration.ofNanos((long) Math.ceil(seconds * 1e9)));
    }
}
