package io.jenkins.plugins.openaikeys.core.source;

import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.vault.KvSecret;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import io.jenkins.plugins.openaikeys.core.vault.VaultException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
 * that with Vault down N builds wait for one failing read, not for N of them in a row.
 */
public final class AdminConfigCache {

    private static final Logger LOG = Logger.getLogger(AdminConfigCache.class.getName());
    /** How long a read is trusted by default: the longest minting goes on after Vault stops vouching for it. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(30);

    private final VaultClient vault;
    private final String mount;
    private final String path;
    private final Duration maxAge;
    private final Clock clock;

    private AdminConfig cached;
    private Instant readAt;
    /** The read in flight, shared by everyone who asks meanwhile; null when none runs. */
    private CompletableFuture<AdminConfig> loading;

    /**
     * @param mount  the KV v2 mount, e.g. {@code secret}
     * @param path   the secret's path in it, e.g. {@code jenkins/openai/main}
     * @param maxAge how long a read is trusted: the longest minting goes on after Vault is sealed or
     *               the token revoked; positive
     */
    public AdminConfigCache(VaultClient vault, String mount, String path, Duration maxAge, Clock clock) {
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
     * The current admin config, from the cache while fresh.
     *
     * @throws BrokerException naming the path (and field) when the secret or a field is missing
     * @throws VaultException  when Vault cannot be read (sealed, denied, unreachable, …)
     */
    public AdminConfig get() {
        CompletableFuture<AdminConfig> load;
        Instant now;
        synchronized (this) {
            now = clock.instant();
            if (cached != null && now.isBefore(readAt.plus(maxAge))) {
                return cached;
            }
            if (loading != null) {
                load = loading;
                now = null; // not ours to read
            } else {
                load = new CompletableFuture<>();
                loading = load;
            }
        }
        return now == null ? await(load) : readFor(load, now);
    }

    private AdminConfig readFor(CompletableFuture<AdminConfig> load, Instant now) {
        try {
            AdminConfig config = read();
            synchronized (this) {
                cached = config;
                readAt = now;
                loading = null;
            }
            load.complete(config);
            return config;
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                loading = null;
            }
            load.completeExceptionally(e);
            throw e;
        }
    }

    private AdminConfig await(CompletableFuture<AdminConfig> load) {
        try {
            return load.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException("Interrupted while waiting for the OpenAI admin config " + location()
                    + " to be read from Vault");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new BrokerException("Reading the OpenAI admin config " + location() + " failed", cause);
        }
    }

    /**
     * For deleting what was minted: the current config, or, when Vault cannot confirm it (sealed,
     * token revoked, unreachable, secret gone), the last one read, however old. Why the bound does
     * not apply here: deleting with an admin key Vault no longer vouches for only takes access away,
     * and a sealed Vault must not keep keys alive that the cached key can still delete. A key OpenAI
     * rejects (rotated meanwhile) is {@link #invalidate}d and read afresh by the caller.
     */
    public AdminConfig lastKnown() {
        try {
            return get();
        } catch (EphemeralKeyException e) {
            AdminConfig last;
            synchronized (this) {
                last = cached;
            }
            if (last == null) {
                throw e;
            }
            LOG.log(Level.INFO, () -> "Vault did not confirm the OpenAI admin config " + location() + " ("
                    + e.getMessage() + "); deleting with admin key " + last.adminKeyId() + " read before");
            return last;
        }
    }

    /** Forgets {@code stale} (e.g. after OpenAI answered 401 to it) unless already replaced. */
    public synchronized void invalidate(AdminConfig stale) {
        if (cached != null && cached == stale) {
            cached = null;
        }
    }

    /** Forgets whatever is cached. */
    public synchronized void invalidate() {
        cached = null;
    }

    /** {@code mount/path}, for messages. */
    public String location() {
        return mount + "/" + path;
    }

    private AdminConfig read() {
        KvSecret secret;
        try {
            secret = vault.kvRead(mount, path);
        } catch (VaultException e) {
            if (e.kind() == VaultException.Kind.NOT_FOUND) {
                throw new BrokerException("The OpenAI admin config " + location() + " does not exist in Vault:"
                        + " write " + AdminConfig.ADMIN_API_KEY + ", " + AdminConfig.ADMIN_API_KEY_ID + " and "
                        + AdminConfig.ORGANIZATION_ID + " there", e);
            }
            throw e;
        }
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

    private String required(KvSecret secret, String field) {
        String v = secret.field(field);
        if (v == null || v.isBlank()) {
            throw new BrokerException("The OpenAI admin config " + location() + " in Vault has no field " + field
                    + ": add it (it needs " + AdminConfig.ADMIN_API_KEY + ", " + AdminConfig.ADMIN_API_KEY_ID
                    + " and " + AdminConfig.ORGANIZATION_ID + ")");
        }
        return v.trim();
    }

    @Override
    public String toString() {
        return "AdminConfigCache{" + location() + ", maxAge=" + maxAge + "}";
    }
}
