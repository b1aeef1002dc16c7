package io.jenkins.plugins.openaikeys.core.vault;

import io.jenkins.plugins.openaikeys.core.SecretString;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the LiteLLM secrets engine (vault-plugin-secrets-litellm) handed out for one
 * {@code creds/} read: the virtual key (secret), its public ids and the lease whose revocation
 * deletes it in the proxy. {@link #toString()} shows ids only.
 *
 * @param tokenId   LiteLLM's hash of the key ({@code token_id}); null when the engine does not return it
 * @param keyAlias  the alias the engine gave the key ({@code vault-<role>-<random>})
 * @param expiresOr the key's own expiry at the proxy, null when not reported
 * @param models    the models, when the engine reports them (empty otherwise: its role fixes them)
 * @param maxBudget the budget, when the engine reports it
 */
public record LiteLlmCredentials(String leaseId, Duration leaseDuration, boolean renewable, SecretString key,
                                 String tokenId, String keyAlias, Instant expiresOr, List<String> models,
                                 BigDecimal maxBudget) {

    public LiteLlmCredentials {
        models = models == null ? List.of() : List.copyOf(models);
    }

    @Override
    public String toString() {
        return "LiteLlmCredentials{lease=" + leaseId + ", duration=" + leaseDuration + ", renewable=" + renewable
                + ", tokenId=" + tokenId + ", alias=" + keyAlias + ", expires=" + expiresOr + "}";
    }
}
