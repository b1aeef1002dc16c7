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

    public MintedKey(SecretString value, RevocationHandle handle) {
        this.value = Objects.requireNonNull(value, "value");
        this.handle = Objects.requireNonNull(handle, "handle");
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
                + projectId() + ", leaseId=" + leaseId() + ", expiresAt=" + expiresAt() + ", handle="
                + handle.id() + "}";
    }
}
