package io.jenkins.plugins.openaikeys.core.litellm;

import java.time.Instant;

/**
 * One key of {@code GET /key/list?return_full_object=true}: public ids only (LiteLLM stores no
 * key values, only their hashes).
 *
 * @param expiresOr null when the key never expires or the proxy did not say
 */
public record ListedKey(String tokenId, String keyAlias, Instant expiresOr) {
}
