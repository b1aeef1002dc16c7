package io.jenkins.plugins.openaikeys.core.openai;

import java.util.List;

/** One page of a usage answer ({@code object: page}); {@code nextPage} is the cursor for {@code page}. */
record UsagePage(List<UsageBucket> buckets, boolean hasMore, String nextPage) {
}
