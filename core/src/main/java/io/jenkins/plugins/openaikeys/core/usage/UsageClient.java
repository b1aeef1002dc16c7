package io.jenkins.plugins.openaikeys.core.usage;

import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.http.RetryPolicy;
import io.jenkins.plugins.openaikeys.core.openai.OpenAiAdminClient;
import io.jenkins.plugins.openaikeys.core.openai.OpenAiException;
import io.jenkins.plugins.openaikeys.core.openai.UsageBucket;
import io.jenkins.plugins.openaikeys.core.openai.UsageResult;
import io.jenkins.plugins.openaikeys.core.source.AdminConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Reads what one API key used, per model, from OpenAI's usage API: the token endpoints
 * ({@code completions} and {@code embeddings}), one-minute buckets over the key's
 * {@link UsageWindow}, filtered by the key (and its project) and grouped by key and model.
 *
 * <p>Why a class of its own over {@link OpenAiAdminClient}: the admin client retries, pages,
 * bounds bodies and words errors; this class decides what to ask and adds up the answer, and
 * turns a refusal (401, 403: the admin key may not read usage) into a
 * {@link UsageNotAvailableException}, which the collector does not retry. The admin key is never
 * part of a message. Thread-safe.
 */
public final class UsageClient {

    /**
     * Retries for one read: three attempts within 15 s. Shorter than the admin calls' minute
     * because the collector asks again at its next read anyway, and a read must not hold one of
     * the controller's few background threads through an outage.
     */
    public static final RetryPolicy RETRY = new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(4),
            Duration.ofSeconds(15), Math::random);

    /** The usage endpoints that count tokens; images, audio and the tools count other units. */
    public static final List<String> TOKEN_KINDS = List.of("completions", "embeddings");

    private final OpenAiAdminClient client;
    private final String organization;

    public UsageClient(OpenAiAdminClient client, String organization) {
        this.client = Objects.requireNonNull(client, "client");
        this.organization = Objects.requireNonNull(organization, "organization");
    }

    /** A client for the admin config as read from Vault (endpoint, admin key, organization id). */
    public static UsageClient of(AdminConfig config, ClientSettings settings, String organization) {
        return new UsageClient(OpenAiAdminClient.builder().baseUrl(config.apiEndpoint()).adminKey(config.adminKey())
                .organizationId(config.organizationId()).settings(settings).build(), organization);
    }

    /**
     * What key {@code keyId} (of {@code projectIdOrNull}) used within {@code window}, per model,
     * sorted by model; empty when it used nothing.
     *
     * @throws UsageNotAvailableException when OpenAI refuses the admin key for usage
     * @throws io.jenkins.plugins.openaikeys.core.EphemeralKeyException one sentence for any other
     *         failure (rate limit, OpenAI down, malformed answer): worth another try later
     */
    public List<ModelUsage> keyUsage(String keyId, String projectIdOrNull, UsageWindow window) {
        Objects.requireNonNull(keyId, "keyId");
        Map<String, List<String>> query = new LinkedHashMap<>();
        query.put("start_time", List.of(Long.toString(window.startTime())));
        query.put("end_time", List.of(Long.toString(window.endTime())));
        query.put("bucket_width", List.of("1m"));
        query.put("limit", List.of(Integer.toString(UsageWindow.MINUTE_BUCKETS_PER_PAGE)));
        query.put("api_key_ids", List.of(keyId));
        if (projectIdOrNull != null) {
            query.put("project_ids", List.of(projectIdOrNull));
        }
        query.put("group_by", List.of("api_key_id", "model"));
        Map<String, ModelUsage> byModel = new TreeMap<>();
        for (String kind : TOKEN_KINDS) {
            for (UsageBucket bucket : read(kind, query, keyId)) {
                for (UsageResult r : bucket.results()) {
                    if (r.apiKeyId() != null && !r.apiKeyId().equals(keyId)) {
                        continue; // not ours, whatever the filter did
                    }
                    ModelUsage u = new ModelUsage(r.model(), r.requests(), r.inputTokens(), r.cachedInputTokens(),
                            r.outputTokens());
                    byModel.merge(u.model(), u, ModelUsage::plus);
                }
            }
        }
        return List.copyOf(new ArrayList<>(byModel.values()));
    }

    private List<UsageBucket> read(String kind, Map<String, List<String>> query, String keyId) {
        try {
            return client.usage(kind, query);
        } catch (OpenAiException e) {
            if (e.status() == 401 || e.status() == 403) {
                throw new UsageNotAvailableException("OpenAI refused to show the usage of key " + keyId
                        + " to the admin key of organization '" + organization + "' (" + e.status()
                        + (e.code() == null ? "" : " " + e.code()) + ", x-request-id " + e.requestId()
                        + "): give that admin key read access to usage, or turn usage off for the organization.", e);
            }
            throw e;
        }
    }
}
