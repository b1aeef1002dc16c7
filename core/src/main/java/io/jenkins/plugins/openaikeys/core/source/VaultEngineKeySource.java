package io.jenkins.plugins.openaikeys.core.source;

import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.broker.MintRequest;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.broker.RevocationHandle;
import io.jenkins.plugins.openaikeys.core.policy.Role;
import io.jenkins.plugins.openaikeys.core.policy.Ttls;
import io.jenkins.plugins.openaikeys.core.vault.EngineCredentials;
import io.jenkins.plugins.openaikeys.core.vault.LeaseRevocation;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Mints keys through Vault's OpenAI secrets engine ({@link SourceKind#VAULT_ENGINE}): a
 * {@code creds/} read returns a key under a lease; revoking the lease makes the engine delete
 * the service account. Why: the admin key never leaves Vault, and if Jenkins dies the lease
 * TTL destroys the key anyway. One Vault call per mint and per revoke once logged in.
 * Thread-safe.
 */
public final class VaultEngineKeySource implements KeySource {

    private static final Logger LOG = Logger.getLogger(VaultEngineKeySource.class.getName());

    private final VaultClient vault;
    private final String mount;
    private final Clock clock;

    /** @param mount where the engine is mounted, e.g. {@code openai} */
    public VaultEngineKeySource(VaultClient vault, String mount, Clock clock) {
        this.vault = Objects.requireNonNull(vault, "vault");
        this.mount = Objects.requireNonNull(mount, "mount");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public MintedKey mint(Role role, MintRequest req, Duration ttl, String serviceAccountName) {
        if (role.engineRole() == null) {
            throw new BrokerException("Role " + role.name() + " has no Vault engine role, which organization '"
                    + role.organization() + "' (vaultEngine) needs: set it under " + KeyBroker.CONFIG_PAGE);
        }
        EngineCredentials creds = vault.readCreds(mount, role.engineRole(), ttl);
        if (creds == null || creds.leaseId() == null || creds.leaseId().isBlank() || creds.apiKey() == null) {
            String lease = creds == null ? null : creds.leaseId();
            if (lease != null && !lease.isBlank()) {
                revokeQuietly(lease);
            }
            throw new BrokerException("Vault's OpenAI engine at " + mount + "/creds/" + role.engineRole()
                    + " answered without " + (lease == null || lease.isBlank() ? "a lease" : "an API key")
                    + ", so nothing was minted: check the engine's version and configuration");
        }
        Duration lease = creds.leaseDuration() == null || creds.leaseDuration().isZero() ? ttl : creds.leaseDuration();
        if (lease.compareTo(ttl) < 0) {
            LOG.log(Level.INFO, () -> "Vault lease " + creds.leaseId() + " for role " + role.name() + " lasts "
                    + Ttls.format(lease) + ", less than the " + Ttls.format(ttl) + " asked for: the engine role "
                    + role.engineRole() + " caps it");
        }
        RevocationHandle handle = RevocationHandle.builder(SourceKind.VAULT_ENGINE, role, req)
                .leaseId(creds.leaseId())
                .keyId(creds.apiKeyId())
                .serviceAccountId(creds.serviceAccountId())
                .expiresAt(clock.instant().plus(lease))
                .build();
        return new MintedKey(creds.apiKey(), handle);
    }

    /**
     * Revokes the lease. When the engine answers that OpenAI no longer has the service account,
     * the key is dead: that is success here (one WARNING naming the lease), so the ledger stops
     * retrying a revoke Vault will refuse until the lease expires.
     */
    @Override
    public void revoke(RevocationHandle handle) {
        if (vault.revokeLease(handle.leaseId()) == LeaseRevocation.ACCOUNT_ALREADY_GONE) {
            LOG.log(Level.WARNING, () -> "Vault lease " + handle.leaseId() + " (key " + handle.keyId()
                    + ") was not revoked because its OpenAI service account " + handle.serviceAccountId()
                    + " no longer exists, so the key is dead: recorded as revoked; Vault keeps the lease until it"
                    + " expires (or run: vault lease revoke -force -prefix " + handle.leaseId() + ")");
        }
    }

    private void revokeQuietly(String leaseId) {
        try {
            vault.revokeLease(leaseId);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, () -> "Could not revoke Vault lease " + leaseId + " (" + e.getMessage()
                    + "): Vault revokes it when it expires");
        }
    }

    @Override
    public String toString() {
        return "VaultEngineKeySource{mount=" + mount + "}";
    }
}
