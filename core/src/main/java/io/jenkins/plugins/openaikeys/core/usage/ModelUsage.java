package io.jenkins.plugins.openaikeys.core.usage;

import java.util.Objects;

/**
 * What one key spent on one model, as OpenAI's usage API counts it: requests, input tokens
 * (cached ones included), cached input tokens and output tokens. No prices: OpenAI reports
 * costs per project and line item only, by the day.
 */
public record ModelUsage(String model, long requests, long inputTokens, long cachedInputTokens, long outputTokens) {

    /** The model name OpenAI gives results that are not grouped by model (never expected here). */
    public static final String UNKNOWN_MODEL = "(unknown model)";

    public ModelUsage {
        model = model == null || model.isBlank() ? UNKNOWN_MODEL : model;
        if (requests < 0 || inputTokens < 0 || cachedInputTokens < 0 || outputTokens < 0) {
            throw new IllegalArgumentException("usage counts are never negative");
        }
    }

    /** The sum of two figures of the same model. */
    public ModelUsage plus(ModelUsage other) {
        if (!Objects.equals(model, other.model)) {
            throw new IllegalArgumentException("cannot add usage of " + other.model + " to " + model);
        }
        return new ModelUsage(model, requests + other.requests, inputTokens + other.inputTokens,
                cachedInputTokens + other.cachedInputTokens, outputTokens + other.outputTokens);
    }

    /** Input plus output tokens: the figure the job page's chart draws. */
    public long totalTokens() {
        return inputTokens + outputTokens;
    }
}
