package io.jenkins.plugins.openaikeys.core.openai.fake;

/**
 * One model call {@link FakeOpenAi} served, as its usage API will count it: who (organization,
 * project, key), what (kind of usage, model), when (epoch seconds on the fake's clock), how much.
 */
public record FakeUsageEvent(String organizationId, String projectId, String keyId, String kind, String model,
                             long at, long inputTokens, long cachedInputTokens, long outputTokens) {
}
