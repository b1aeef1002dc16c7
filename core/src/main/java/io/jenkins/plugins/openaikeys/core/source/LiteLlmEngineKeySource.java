package io.jenkins.plugins.openaikeys.core.source;

import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.broker.KeyScope;
import io.jenkins.plugins.openaikeys.core.broker.MintRequest;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.broker.RevocationHandle;
import io.jenkins.plugins.openaikeys.core.policy.Role;
import io.jenkins.plugins.openaikeys.core.policy.Ttls;
import io.jenkins.plugins.openaikeys.core.vault.LiteLlmCredentials;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Mints LiteLLM virtual keys through vault-plugin-secrets-litellm ({@link SourceKind#LITELLM_ENGINE}):
 * a {@code creds/} read returns a key under a lease; revoking the lease makes the engine delete the
 * key in the proxy. Why: the proxy's admin key never leaves Vault, and the engine gives the key a
 * LiteLLM {@code duration} equal to the lease, so it dies even if both Jenkins and Vault forget it.
 * The engine role fixes models, budget and TTL; the proxy's public URL is the organization's,
 * because the engine's answer does not carry it. One Vault call per mint and per revoke once
 * logged in. Thread-safe.
 */
public final class LiteLlmEngineKeySource implements KeySource {

    private static final Logger LOG = Logger.getLogger(LiteLlmEngineKeySource.class.getName());

    private final VaultClient vault;
    private final String mount;
    private final String baseUrl;
    private final Clock clock;

    /**
     * @param mount   where the engine is mounted, e.g. {@code litellm}
     * @param baseUrl the proxy's URL as builds reach it, bound as {@code OPENAI_BASE_URL}
     */
    public LiteLlmEngineKeySource(VaultClient vault, String mount, String baseUrl, Clock clock) {
        this.vault = Objects.requireNonNull(vault, "vault");
        this.mount = Objects.requireNonNull(mount, "mount");
        this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public MintedKey mint(Role role, MintRequest req, Duration ttl, String ignoredName) {
        if (role.engineRole() == null) {
            throw new BrokerException("Role " + role.name() + " has no LiteLLM engine role, which organization '"
                    + role.organization() + "' (litellmEngine) needs: set it under " + KeyBroker.CONFIG_PAGE);
        }
        LiteLlmCredentials creds = vault.readLiteLlmCreds(mount, role.engineRole(), ttl);
        Duration lease = creds.leaseDuration().isZero() ? ttl : creds.leaseDuration();
        if (lease.compareTo(ttl) < 0) {
            LOG.log(Level.INFO, () -> "Vault lease " + creds.leaseId() + " for role " + role.name() + " lasts "
                    + Ttls.format(lease) + ", less than the " + Ttls.format(ttl) + " asked for: the LiteLLM engine role "
                    + role.engineRole() + " fixes it");
        }
        try {
            RevocationHandle handle = RevocationHandle.builder(SourceKind.LITELLM_ENGINE, role, req)
                    .projectId(null)
                    .leaseId(creds.leaseId())
                    .keyAlias(creds.keyAlias())
                    .keyId(creds.tokenId() != null ? creds.tokenId() : creds.keyAlias())
                    .expiresAt(clock.instant().plus(lease))
                    .build();
            return new MintedKey(creds.key(), handle, new KeyScope(baseUrl, creds.models(), creds.maxBudget(),
                    "engine role " + role.engineRole()));
        } catch (RuntimeException e) {
            try {
                vault.revokeLease(creds.leaseId());
            } catch (RuntimeException again) {
                LOG.log(Level.WARNING, () -> "Could not revoke Vault lease " + creds.leaseId() + ": Vault revokes it"
                        + " when it expires");
            }
            throw new BrokerException("The LiteLLM engine at " + mount + " issued lease " + creds.leaseId()
                    + " that could not be recorded, so it was revoked: check the organization's proxy URL", e);
        }
    }

    /** Revokes the lease; the engine deletes the key by alias (a key already gone is success there). */
    @Override
    public void revoke(RevocationHandle handle) {
        vault.revokeLease(handle.leaseId());
    }

    @Override
    public String toString() {
        return "LiteLlmEngineKeySource{mount=" + mount + ", baseUrl=" + baseUrl + "}";
    }
}
