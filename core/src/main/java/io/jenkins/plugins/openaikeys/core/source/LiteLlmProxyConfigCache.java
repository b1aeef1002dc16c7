package io.jenkins.plugins.openaikeys.core.source;

import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.policy.OrganizationSpec;
import io.jenkins.plugins.openaikeys.core.vault.KvSecret;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import io.jenkins.plugins.openaikeys.core.vault.VaultException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A LiteLLM proxy's {@code base_url} and {@code master_key}, read from Vault KV v2 and trusted
 * for a bounded time, for the same reasons as {@link AdminConfigCache}: no Vault read per mint
 * once warm, yet sealing Vault or revoking the controller's token stops minting within the bound,
 * and a rotated master key is picked up without a restart ({@link #invalidate} after a 401).
 *
 * <p>Thread-safe. Reads happen under this object's lock, so concurrent callers after the bound
 * share one read (and its failure) instead of each reading Vault.
 */
public final class LiteLlmProxyConfigCache {

    private static final Logger LOG = Logger.getLogger(LiteLlmProxyConfigCache.class.getName());

    private final VaultClient vault;
    private final String mount;
    private final String path;
    private final Duration maxAge;
    private final Clock clock;
    private LiteLlmProxyConfig cached;
    private Instant readAt;

    /** @param maxAge how long a read is trusted (positive), e.g. {@link AdminConfigCache#DEFAULT_MAX_AGE} */
    public LiteLlmProxyConfigCache(VaultClient vault, String mount, String path, Duration maxAge, Clock clock) {
        this.vault = Objects.requireNonNull(vault, "vault");
        this.mount = Objects.requireNonNull(mount, "mount");
        this.path = Objects.requireNonNull(path, "path");
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("maxAge must be positive, not " + maxAge);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The current config, from the cache while fresh.
     *
     * @throws BrokerException naming the path and field when the secret or a field is missing or unusable
     * @throws VaultException  when Vault cannot be read
     */
    public synchronized LiteLlmProxyConfig get() {
        Instant now = clock.instant();
        if (cached != null && now.isBefore(readAt.plus(maxAge))) {
            return cached;
        }
        LiteLlmProxyConfig fresh = read();
        cached = fresh;
        readAt = now;
        return fresh;
    }

    /**
     * For deleting: the current config, or the last one read when Vault cannot confirm it (deleting
     * with a master key Vault no longer vouches for only takes access away).
     */
    public LiteLlmProxyConfig lastKnown() {
        try {
            return get();
        } catch (EphemeralKeyException e) {
            LiteLlmProxyConfig last;
            synchronized (this) {
                last = cached;
            }
            if (last == null) {
                throw e;
            }
            LOG.log(Level.INFO, () -> "Vault did not confirm the LiteLLM proxy config " + location() + " ("
                    + e.getMessage() + "); deleting with the master key read before");
            return last;
        }
    }

    /** Forgets {@code stale} (after the proxy answered 401 to it) unless already replaced. */
    public synchronized void invalidate(LiteLlmProxyConfig stale) {
        if (cached != null && cached == stale) {
            cached = null;
        }
    }

    /** {@code mount/path}, for messages. */
    public String location() {
        return mount + "/" + path;
    }

    private LiteLlmProxyConfig read() {
        KvSecret secret;
        try {
            secret = vault.kvRead(mount, path);
        } catch (VaultException e) {
            if (e.kind() == VaultException.Kind.NOT_FOUND) {
                throw new BrokerException("The LiteLLM proxy config " + location() + " does not exist in Vault:"
                        + " write base_url and master_key there", e);
            }
            throw e;
        }
        String url = secret.field(LiteLlmProxyConfig.BASE_URL);
        String master = secret.field(LiteLlmProxyConfig.MASTER_KEY);
        if (url == null || url.isBlank() || master == null || master.isBlank()) {
            throw new BrokerException("The LiteLLM proxy config " + location() + " in Vault has no field "
                    + (url == null || url.isBlank() ? LiteLlmProxyConfig.BASE_URL : LiteLlmProxyConfig.MASTER_KEY)
                    + ": add it (it needs base_url and master_key)");
        }
        String urlProblem = OrganizationSpec.baseUrlProblem(url);
        if (urlProblem != null) {
            throw new BrokerException("The LiteLLM proxy config " + location() + " in Vault is not usable: its base_url's " + urlProblem);
        }
        LOG.log(Level.FINE, () -> "Read LiteLLM proxy config " + location() + " v" + secret.version() + ": "
                + url.trim());
        return new LiteLlmProxyConfig(url, secret.secretField(LiteLlmProxyConfig.MASTER_KEY), secret.version());
    }

    @Override
    public String toString() {
        return "LiteLlmProxyConfigCache{" + location() + ", maxAge=" + maxAge + "}";
    }
}
