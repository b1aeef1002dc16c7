package io.jenkins.plugins.openaikeys.core.source;

/**
 * How a key is minted, and so how it must be revoked: a handle records its kind so that a
 * revoke after a restart goes to the right place even if the configuration changed.
 */
public enum SourceKind {
    /** This plugin calls the OpenAI Admin API with an admin key read from Vault KV v2. */
    ADMIN_API,
    /** Vault's OpenAI secrets engine mints; revoking its lease deletes the account. */
    VAULT_ENGINE
}
