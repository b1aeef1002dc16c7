package io.jenkins.plugins.openaikeys.core.usage;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The minutes a key's usage is asked for: its life, widened by a margin on both sides (the
 * controller's clock and OpenAI's may differ) and rounded out to whole minutes, the width of
 * the buckets asked for ({@code bucket_width=1m}). A key lives for at most its role's TTL, so
 * the window is hours, not days; longer windows are paged.
 */
public record UsageWindow(Instant from, Instant to) {

    /** Per page: OpenAI's maximum for one-minute buckets. */
    public static final int MINUTE_BUCKETS_PER_PAGE = 1440;

    public UsageWindow {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("a usage window must end after it starts");
        }
    }

    /** The window for a key used from {@code start} to {@code end}, widened by {@code margin}. */
    public static UsageWindow of(Instant start, Instant end, Duration margin) {
        Instant from = start.minus(margin).truncatedTo(ChronoUnit.MINUTES);
        Instant to = end.plus(margin);
        Instant toMinute = to.truncatedTo(ChronoUnit.MINUTES);
        if (toMinute.isBefore(to) || !toMinute.isAfter(from)) {
            toMinute = toMinute.plus(Duration.ofMinutes(1));
        }
        return new UsageWindow(from, toMinute);
    }

    public long startTime() {
        return from.getEpochSecond();
    }

    public long endTime() {
        return to.getEpochSecond();
    }
}
