package io.jenkins.plugins.openaikeys.core.vault;

/**
 * How a lease revoke ended when it did not fail. Why not just "revoked": Vault's OpenAI engine
 * cannot revoke a lease whose service account is already gone (OpenAI answers 404, the engine
 * reports an error and Vault keeps the lease until its TTL), yet the key behind it is dead.
 */
public enum LeaseRevocation {
    /** Vault revoked the lease, or knew no such lease. */
    REVOKED,
    /**
     * The engine found the service account already deleted at OpenAI: the key is gone, the lease
     * stays in Vault until it expires (or {@code vault lease revoke -force -prefix <lease id>}).
     */
    ACCOUNT_ALREADY_GONE
}
