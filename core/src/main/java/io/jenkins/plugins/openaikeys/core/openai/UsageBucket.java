package io.jenkins.plugins.openaikeys.core.openai;

import java.util.List;

/**
 * One time bucket of a usage answer: {@code [startTime, endTime)} in epoch seconds and its
 * results (none when nothing was used in it).
 */
public record UsageBucket(long startTime, long endTime, List<UsageResult> results) {

    public UsageBucket {
        results = List.copyOf(results);
    }
}
