package io.jenkins.plugins.openaikeys.core.usage;

import java.time.Duration;
import java.util.Objects;

/**
 * When a finished key's usage is read, and when to stop.
 *
 * <p>OpenAI's usage API fills its buckets some minutes late and documents no bound on that
 * lag, so figures count as final only when two reads, {@code between} apart and the first no
 * sooner than {@code firstReadAfter} after the key ended, agree. Reads that fail (rate limit,
 * outage) are tried again {@code between} later until {@code giveUpAfter} since the key ended.
 *
 * @param firstReadAfter after the key ended, before the first read
 * @param between        between two reads (and after a failed one)
 * @param giveUpAfter    after the key ended: the last figures read become final, or none are available
 * @param margin         added to both ends of the key's life in the query
 */
public record UsagePolicy(Duration firstReadAfter, Duration between, Duration giveUpAfter, Duration margin) {

    /** 5 minutes to the first read, 5 between reads, give up after a day, one minute of margin. */
    public static final UsagePolicy DEFAULT = new UsagePolicy(Duration.ofMinutes(5), Duration.ofMinutes(5),
            Duration.ofDays(1), Duration.ofMinutes(1));

    public UsagePolicy {
        Objects.requireNonNull(firstReadAfter, "firstReadAfter");
        Objects.requireNonNull(between, "between");
        Objects.requireNonNull(giveUpAfter, "giveUpAfter");
        Objects.requireNonNull(margin, "margin");
        if (firstReadAfter.isNegative() || between.isNegative() || between.isZero() || margin.isNegative()
                || giveUpAfter.compareTo(firstReadAfter) < 0) {
            throw new IllegalArgumentException("usage timings must be positive, and giving up must come after the"
                    + " first read");
        }
    }
}
