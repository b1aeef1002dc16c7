package io.jenkins.plugins.openaikeys.core.source;

import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.policy.OrganizationSpec;
import io.jenkins.plugins.openaikeys.core.vault.KvSecret;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import io.jenkins.plugins.openaikeys.core.vault.VaultException;

import java.time.Clock;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A LiteLLM proxy's {@code base_url} and {@code master_key}, read from Vault KV v2 and trusted
 * for a bounded time, for the same reasons as {@link AdminConfigCache}: no Vault read per mint
 * once warm, yet sealing Vault or revoking the controller's token stops minting within the bound,
 * and a rotated master key is picked up without a restart ({@link #invalidate} after a 401).
 *
 * <p>Thread-safe: concurrent callers after the bound share one read (and its failure) instead of
 * each reading Vault. The policy lives in {@link KvConfigCache}, shared with {@link AdminConfigCache}
 * so both kill switches behave alike; this class parses the secret and words its messages.
 */
public final class LiteLlmProxyConfigCache {

    private static final Logger LOG = Logger.getLogger(LiteLlmProxyConfigCache.class.getName());

    private final KvConfigCache<LiteLlmProxyConfig> cache;

    /** @param maxAge how long a read is trusted (positive), e.g. {@link AdminConfigCache#DEFAULT_MAX_AGE} */
    public LiteLlmProxyConfigCache(VaultClient vault, String mount, String path, Duration maxAge, Clock clock) {
        this.cache = new Cache(vault, mount, path, maxAge, clock);
    }

    /**
     * The current config, from the cache while fresh.
     *
     * @throws BrokerException naming the path and field when the secret or a field is missing or unusable
     * @throws VaultException  when Vault cannot be read
     */
    public LiteLlmProxyConfig get() {
        return cache.get();
    }

    /**
     * For deleting: the current config, or the last one read when Vault cannot confirm it (deleting
     * with a master key Vault no longer vouches for only takes access away).
     */
    public LiteLlmProxyConfig lastKnown() {
        return cache.lastKnown();
    }

    /** Forgets {@code stale} (after the proxy answered 401 to it) unless already replaced. */
    public void invalidate(LiteLlmProxyConfig stale) {
        cache.invalidate(stale);
    }

    /** {@code mount/path}, for messages. */
    public String location() {
        return cache.location();
    }

    @Override
    public String toString() {
        return "LiteLlmProxyConfigCache{" + location() + ", maxAge=" + cache.maxAge() + "}";
    }

    /** The proxy config's parsing and wording; the policy is {@link KvConfigCache}'s. */
    private static final class Cache extends KvConfigCache<LiteLlmProxyConfig> {

        Cache(VaultClient vault, String mount, String path, Duration maxAge, Clock clock) {
            super(vault, mount, path, maxAge, clock, LOG, "LiteLLM proxy config");
        }

        @Override
        LiteLlmProxyConfig parse(KvSecret secret) {
            String url = required(secret, LiteLlmProxyConfig.BASE_URL);
            required(secret, LiteLlmProxyConfig.MASTER_KEY);
            String urlProblem = OrganizationSpec.baseUrlProblem(url);
            if (urlProblem != null) {
                throw new BrokerException("The LiteLLM proxy config " + location()
                        + " in Vault is not usable: its base_url's " + urlProblem);
            }
            LOG.log(Level.FINE, () -> "Read LiteLLM proxy config " + location() + " v" + secret.version() + ": " + url);
            return new LiteLlmProxyConfig(url, secret.secretField(LiteLlmProxyConfig.MASTER_KEY), secret.version());
        }

        @Override
        String notFound() {
            return "The LiteLLM proxy config " + location() + " does not exist in Vault:"
                    + " write base_url and master_key there";
        }

        @Override
        String noField(String field) {
            return "The LiteLLM proxy config " + location() + " in Vault has no field " + field
                    + ": add it (it needs base_url and master_key)";
        }

        @Override
        String keyName(LiteLlmProxyConfig config) {
            return "the master key";
        }
    }
}
