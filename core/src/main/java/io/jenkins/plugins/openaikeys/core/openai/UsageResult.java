package io.jenkins.plugins.openaikeys.core.openai;

/**
 * One result of a usage bucket ({@code organization.usage.completions.result} or
 * {@code organization.usage.embeddings.result}): the grouping fields asked for
 * ({@code group_by}) and the counts. Embeddings have no cached or output tokens (0 here).
 *
 * @param apiKeyId          {@code api_key_id}, null unless grouped by it
 * @param model             {@code model}, null unless grouped by it
 * @param projectId         {@code project_id}, null unless grouped by it
 * @param requests          {@code num_model_requests}
 * @param inputTokens       {@code input_tokens} (cached ones included, as OpenAI counts them)
 * @param cachedInputTokens {@code input_cached_tokens}
 * @param outputTokens      {@code output_tokens}
 */
public record UsageResult(String apiKeyId, String model, String projectId, long requests, long inputTokens,
                          long cachedInputTokens, long outputTokens) {
}
