package io.jenkins.plugins.openaikeys.core.broker;

import io.jenkins.plugins.openaikeys.core.SecretString;

import java.time.Instant;
import java.util.Objects;

/**
 * A fresh key and the handle that destroys it. The only object that carries the value;
 * it is deliberately not {@link java.io.Serializable} and prints ids only, so that it
 * cannot end up on disk or in a log by accident — persist {@link #handle()} instead.
 */
public final class MintedKey {

    private final SecretString value;
    private final RevocationHandle handle;
    private final KeyScope scope;

    public MintedKey(SecretString value, RevocationHandle handle) {
        this(value, handle, null);
    }

    /** @param scope the proxy URL, models and budget of a LiteLLM key; null for an OpenAI key */
    public MintedKey(SecretString value, RevocationHandle handle, KeyScope scope) {
        this.value = Objects.requireNonNull(value, "value");
        this.handle = Objects.requireNonNull(handle, "handle");
        this.scope = scope;
    }

    /** Where and for what a LiteLLM key is used; null for an OpenAI key. */
    public KeyScope scope() {
        return scope;
    }

    /** The LiteLLM proxy's public base URL the build must call, or null for an OpenAI key. */
    public String baseUrl() {
        return scope == null ? null : scope.baseUrl();
    }

    /** The LiteLLM key alias, or null for an OpenAI key. */
    public String keyAlias() {
        return handle.keyAlias();
    }

    public SecretString value() {
        return value;
    }

    public String keyId() {
        return handle.keyId();
    }

    public String serviceAccountId() {
        return handle.serviceAccountId();
    }

    public String projectId() {
        return handle.projectId();
    }

    /** The Vault lease, or null for a key minted through the Admin API. */
    public String leaseId() {
        return handle.leaseId();
    }

    public Instant expiresAt() {
        return handle.expiresAt();
    }

    public RevocationHandle handle() {
        return handle;
    }

    @Override
    public String toString() {
        return "MintedKey{keyId=" + keyId() + ", serviceAccountId=" + serviceAccountId() + ", projectId="
                + projectId() + ", leaseId=" + leaseId() + (scope == null ? "" : ", alias=" + keyAlias() + ", baseUrl="
                + scope.baseUrl()) + ", expiresAt=" + expiresAt() + ", handle="
                + handle.id() + "}";
    }
}
