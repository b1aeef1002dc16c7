package io.jenkins.plugins.openaikeys.core.source;

/**
 * How a key is minted, and so how it must be revoked: a handle records its kind so that a
 * revoke after a restart goes to the right place even if the configuration changed.
 */
public enum SourceKind {
    /** This plugin calls the OpenAI Admin API with an admin key read from Vault KV v2. */
    ADMIN_API,
    /** Vault's OpenAI secrets engine mints; revoking its lease deletes the account. */
    VAULT_ENGINE,
    /**
     * Vault's (or OpenBao's) LiteLLM secrets engine mints a LiteLLM virtual key under a lease;
     * revoking the lease deletes the key in the proxy.
     */
    LITELLM_ENGINE,
    /**
     * This plugin calls a LiteLLM proxy's key API with the master key read from Vault KV v2;
     * revoking deletes the virtual key by its alias.
     */
    LITELLM_PROXY;

    /** The name administrators write in JCasC and see on the page, e.g. {@code litellmProxy}. */
    public String symbol() {
        return switch (this) {
            case ADMIN_API -> "adminApi";
            case VAULT_ENGINE -> "vaultEngine";
            case LITELLM_ENGINE -> "litellmEngine";
            case LITELLM_PROXY -> "litellmProxy";
        };
    }

    /** Whether keys of this kind are LiteLLM virtual keys used through a proxy (bound with its base URL). */
    public boolean isLiteLlm() {
        return this == LITELLM_ENGINE || this == LITELLM_PROXY;
    }
}
