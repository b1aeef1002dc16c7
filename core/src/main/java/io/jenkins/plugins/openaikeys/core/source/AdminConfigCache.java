package io.jenkins.plugins.openaikeys.core.source;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.vault.KvSecret;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import io.jenkins.plugins.openaikeys.core.vault.VaultException;

import java.time.Clock;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The admin configuration of one organization, read from Vault KV v2 and kept for a
 * bounded time. Why cache: a mint must not cost a Vault round trip once warm. Why bounded,
 * and dropped when OpenAI rejects the key ({@link #invalidate}): a rotated admin key —
 * rotated by another controller or by hand — must be picked up without a restart.
 *
 * <p>Why the bound is short ({@link #DEFAULT_MAX_AGE}, 30 s): sealing Vault, revoking the
 * controller's token or withdrawing its policy is an operator's kill switch, and minting from a
 * cached admin key must stop soon after. Each read after the bound is a full read of the secret,
 * so it proves all three at once (a sealed Vault answers 503, a revoked token or policy 403) and
 * picks up a rotated key too; it costs one Vault round trip per organization per bound, not one
 * per mint. Any failure of that read stops minting: nothing older than the bound is ever used.
 * Thread-safe; concurrent callers share one read and its outcome, a failure included, so
 * that with Vault down N builds wait for one failing read, not for N of them in a row. The policy
 * lives in {@link KvConfigCache}, shared with {@link LiteLlmProxyConfigCache}; this class parses
 * the secret and words its messages.
 */
public final class AdminConfigCache {

    private static final Logger LOG = Logger.getLogger(AdminConfigCache.class.getName());
    /** How long a read is trusted by default: the longest minting goes on after Vault stops vouching for it. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(30);

    private final KvConfigCache<AdminConfig> cache;

    /**
     * @param mount  the KV v2 mount, e.g. {@code secret}
     * @param path   the secret's path in it, e.g. {@code jenkins/openai/main}
     * @param maxAge how long a read is trusted: the longest minting goes on after Vault is sealed or
     *               the token revoked; positive
     */
    public AdminConfigCache(VaultClient vault, String mount, String path, Duration maxAge, Clock clock) {
        this.cache = new Cache(vault, mount, path, maxAge, clock);
    }

    /**
     * The current admin config, from the cache while fresh.
     *
     * @throws BrokerException naming the path (and field) when the secret or a field is missing
     * @throws VaultException  when Vault cannot be read (sealed, denied, unreachable, …)
     */
    public AdminConfig get() {
        return cache.get();
    }

    /**
     * For deleting what was minted: the current config, or, when Vault cannot confirm it (sealed,
     * token revoked, unreachable, secret gone), the last one read, however old. Why the bound does
     * not apply here: deleting with an admin key Vault no longer vouches for only takes access away,
     * and a sealed Vault must not keep keys alive that the cached key can still delete. A key OpenAI
     * rejects (rotated meanwhile) is {@link #invalidate}d and read afresh by the caller.
     */
    public AdminConfig lastKnown() {
        return cache.lastKnown();
    }

    /** Forgets {@code stale} (e.g. after OpenAI answered 401 to it) unless already replaced. */
    public void invalidate(AdminConfig stale) {
        cache.invalidate(stale);
    }

    /** Forgets whatever is cached. */
    public void invalidate() {
        cache.invalidate();
    }

    /** {@code mount/path}, for messages. */
    public String location() {
        return cache.location();
    }

    @Override
    public String toString() {
        return "AdminConfigCache{" + location() + ", maxAge=" + cache.maxAge() + "}";
    }

    /** The admin config's parsing and wording; the policy is {@link KvConfigCache}'s. */
    private static final class Cache extends KvConfigCache<AdminConfig> {

        private static final String NEEDS = AdminConfig.ADMIN_API_KEY + ", " + AdminConfig.ADMIN_API_KEY_ID
                + " and " + AdminConfig.ORGANIZATION_ID;

        Cache(VaultClient vault, String mount, String path, Duration maxAge, Clock clock) {
            super(vault, mount, path, maxAge, clock, LOG, "OpenAI admin config");
        }

        @Override
        AdminConfig parse(KvSecret secret) {
            String keyId = required(secret, AdminConfig.ADMIN_API_KEY_ID);
            String orgId = required(secret, AdminConfig.ORGANIZATION_ID);
            required(secret, AdminConfig.ADMIN_API_KEY);
            SecretString key = secret.secretField(AdminConfig.ADMIN_API_KEY);
            AdminConfig config = new AdminConfig(orgId, keyId, key, secret.field(AdminConfig.API_ENDPOINT),
                    secret.version());
            LOG.log(Level.FINE, () -> "Read OpenAI admin config " + location() + " v" + secret.version()
                    + ": admin key " + keyId + " of organization " + orgId);
            return config;
        }

        @Override
        String notFound() {
            return "The OpenAI admin config " + location() + " does not exist in Vault: write " + NEEDS + " there";
        }

        @Override
        String noField(String field) {
            return "The OpenAI admin config " + location() + " in Vault has no field " + field + ": add it (it needs "
                    + NEEDS + ")";
        }

        @Override
        String keyName(AdminConfig config) {
            return "admin key " + config.adminKeyId();
        }
    }
}
