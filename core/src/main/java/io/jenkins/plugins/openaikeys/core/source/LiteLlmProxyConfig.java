package io.jenkins.plugins.openaikeys.core.source;

import io.jenkins.plugins.openaikeys.core.SecretString;

import java.util.Objects;

/**
 * A LiteLLM proxy's connection as stored in Vault KV v2: its URL and the master key that may
 * generate and delete virtual keys. It lives in Vault, never in Jenkins, so rotating the master
 * key or moving the proxy needs no Jenkins change; the record prints the URL only.
 *
 * @param baseUrl   the proxy's URL; also what builds get as {@code OPENAI_BASE_URL}
 * @param kvVersion the KV version it was read from
 */
public record LiteLlmProxyConfig(String baseUrl, SecretString masterKey, int kvVersion) {

    /** KV field names. */
    public static final String BASE_URL = "base_url";
    public static final String MASTER_KEY = "master_key";

    public LiteLlmProxyConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(masterKey, "masterKey");
        baseUrl = baseUrl.trim();
        while (baseUrl.endsWith("/")) {
            baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
        }
    }

    @Override
    public String toString() {
        return "LiteLlmProxyConfig{baseUrl=" + baseUrl + ", kvVersion=" + kvVersion + "}";
    }
}
