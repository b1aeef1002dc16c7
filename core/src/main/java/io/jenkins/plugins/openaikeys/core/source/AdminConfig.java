package io.jenkins.plugins.openaikeys.core.source;

import io.jenkins.plugins.openaikeys.core.SecretString;

import java.util.Objects;

/**
 * One OpenAI organization's admin configuration as stored in Vault KV v2: the admin key
 * that can create service accounts, its id, the organization and the API endpoint. It
 * lives in Vault, never in Jenkins, so that rotating it needs no Jenkins change; the
 * record prints ids only.
 *
 * @param kvVersion the KV version it was read from (rotation writes back with {@code cas} = this)
 */
public record AdminConfig(String organizationId, String adminKeyId, SecretString adminKey, String apiEndpoint,
                          int kvVersion) {

    /** KV field names. */
    public static final String ADMIN_API_KEY = "admin_api_key";
    public static final String ADMIN_API_KEY_ID = "admin_api_key_id";
    public static final String ORGANIZATION_ID = "organization_id";
    public static final String API_ENDPOINT = "api_endpoint";
    public static final String DEFAULT_API_ENDPOINT = "https://api.openai.com/v1";

    public AdminConfig {
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(adminKeyId, "adminKeyId");
        Objects.requireNonNull(adminKey, "adminKey");
        apiEndpoint = apiEndpoint == null || apiEndpoint.isBlank() ? DEFAULT_API_ENDPOINT : apiEndpoint.trim();
    }

    @Override
    public String toString() {
        return "AdminConfig{organization=" + organizationId + ", adminKeyId=" + adminKeyId + ", endpoint="
                + apiEndpoint + ", kvVersion=" + kvVersion + "}";
    }
}
