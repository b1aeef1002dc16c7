package io.jenkins.plugins.openaikeys.core.litellm;

import io.jenkins.plugins.openaikeys.core.SecretString;

import java.time.Instant;

/**
 * A virtual key just made by {@code POST /key/generate}: the value (only ever in this answer) and
 * its public ids. {@link #toString()} shows ids only.
 *
 * @param tokenId   the key's hash ({@code token_id}, else {@code token}), LiteLLM's public id of it
 * @param expiresOr null when the proxy did not say
 */
public record GeneratedKey(SecretString key, String tokenId, String keyAlias, Instant expiresOr) {

    @Override
    public String toString() {
        return "GeneratedKey{tokenId=" + tokenId + ", alias=" + keyAlias + ", expires=" + expiresOr + "}";
    }
}
