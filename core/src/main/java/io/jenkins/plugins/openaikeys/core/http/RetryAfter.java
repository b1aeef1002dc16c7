package io.jenkins.plugins.openaikeys.core.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads a server's "wait this long" hint: {@code retry-after-ms} (milliseconds, OpenAI),
 * else {@code Retry-After} as delta-seconds or as an HTTP date (RFC 9110 §10.2.3).
 * Unparseable or negative values are ignored rather than trusted.
 */
public final class RetryAfter {

    private RetryAfter() {
    }

    /**
     * @param header looks a response header up by name (case-insensitively), null when absent
     * @param clock  the clock an HTTP-date hint is measured against
     * @return the hinted wait, or empty when the server gave no usable hint
     */
    public static Optional<Duration> from(Function<String, String> header, Clock clock) {
        Optional<Duration> millis = parseMillis(header.apply("retry-after-ms"));
        if (millis.isPresent()) {
            return millis;
        }
        return parseRetryAfter(header.apply("Retry-After"), clock);
    }

    static Optional<Duration> parseMillis(String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            double ms = Double.parseDouble(value.trim());
            if (ms >= 0 && !Double.isNaN(ms) && !Double.isInfinite(ms)) {
                return Optional.of(Duration.ofMillis((long) Math.ceil(ms)));
            }
        } catch (NumberFormatException ignored) {
            // fall through: not a usable hint
        }
        return Optional.empty();
    }

    static Optional<Duration> parseRetryAfter(String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.trim();
        try {
            double seconds = Double.parseDouble(v);
            if (seconds >= 0 && !Double.isNaN(seconds) && !Double.isInfinite(seconds)) {
                return Optional.of(Duration.ofMillis((long) Math.ceil(seconds * 1000)));
            }
            return Optional.empty();
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(clock.instant(), at);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }
}
