package io.jenkins.plugins.openaikeys.core.http;

import io.jenkins.plugins.openaikeys.core.testing.FakeTime;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTest {

    private final FakeTime time = new FakeTime();

    private Optional<Duration> hint(Map<String, String> headers) {
        Map<String, String> ci = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        ci.putAll(headers);
        return RetryAfter.from(ci::get, time);
    }

    @Test
    void millisecondsWinOverSeconds() {
        assertThat(hint(Map.of("retry-after-ms", "250", "Retry-After", "7"))).contains(Duration.ofMillis(250));
    }

    @Test
    void deltaSeconds() {
        assertThat(hint(Map.of("retry-after", "3"))).contains(Duration.ofSeconds(3));
        assertThat(hint(Map.of("Retry-After", "1.5"))).contains(Duration.ofMillis(1500));
    }

    @Test
    void httpDateIsMeasuredAgainstTheClock() {
        // FakeTime starts at 2026-11-22T12:00:00Z, a Sunday.
        assertThat(hint(Map.of("Retry-After", "Sun, 22 Nov 2026 12:00:10 GMT"))).contains(Duration.ofSeconds(10));
        assertThat(hint(Map.of("Retry-After", "Sun, 22 Nov 2026 11:00:00 GMT"))).contains(Duration.ZERO);
    }

    @Test
    void garbageIsIgnored() {
        assertThat(hint(Map.of("Retry-After", "soon"))).isEmpty();
        assertThat(hint(Map.of("Retry-After", "-4"))).isEmpty();
        assertThat(hint(Map.of("retry-after-ms", "NaN"))).isEmpty();
        assertThat(hint(Map.of())).isEmpty();
    }
}
