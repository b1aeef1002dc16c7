package io.jenkins.plugins.openaikeys.core.source;

import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
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
 * The cache policy shared by {@link AdminConfigCache} and {@link LiteLlmProxyConfigCache}: one
 * KV v2 secret, parsed into a {@code T}, trusted for {@code maxAge}, with the last read kept for
 * deleting when Vault cannot confirm it. Why one class: the kill-switch bound, the shared read and
 * the fallback must behave the same for every credential kept in Vault (see {@link AdminConfigCache}
 * for the reasoning). Subclasses parse the secret and word the sentences an operator acts on; those
 * stay whole string literals in the owner so that docs/troubleshooting.md can quote them.
 *
 * <p>Thread-safe; concurrent callers share one read and its outcome, a failure included, so that
 * with Vault down N builds wait for one failing read, not for N of them in a row. A failure is
 * never cached: the next caller reads again.
 */
abstract class KvConfigCache<T> {

    private final VaultClient vault;
    private final String mount;
    private final String path;
    private final Duration maxAge;
    private final Clock clock;
    private final Logger log;
    private final String what;

    private T cached;
    private Instant readAt;
    /** The read in flight, shared by everyone who asks meanwhile; null when none runs. */
    private CompletableFuture<T> loading;

    /**
     * @param log  the owner's logger, so its messages keep their category
     * @param what names the secret in messages, e.g. {@code OpenAI admin config}
     */
    KvConfigCache(VaultClient vault, String mount, String path, Duration maxAge, Clock clock, Logger log,
            String what) {
        this.vault = Objects.requireNonNull(vault, "vault");
        this.mount = Objects.requireNonNull(mount, "mount");
        this.path = Objects.requireNonNull(path, "path");
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("maxAge must be positive, not " + maxAge);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.log = log;
        this.what = what;
    }

    /** Turns a read into a {@code T}, throwing one sentence (e.g. via {@link #required}) when unusable. */
    abstract T parse(KvSecret secret);

    /** The sentence for a secret that does not exist at {@link #location()}: what to write there. */
    abstract String notFound();

    /** The sentence for a secret without {@code field}: what to add. */
    abstract String noField(String field);

    /** Names the key a fallback deletes with, for the log, e.g. {@code the master key}. */
    abstract String keyName(T value);

    /** The current value, from the cache while fresh; else one read shared with concurrent callers. */
    T get() {
        CompletableFuture<T> load;
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

    private T readFor(CompletableFuture<T> load, Instant now) {
        try {
            T value = read();
            synchronized (this) {
                cached = value;
                readAt = now;
                loading = null;
            }
            load.complete(value);
            return value;
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                loading = null;
            }
            load.completeExceptionally(e);
            throw e;
        }
    }

    private T await(CompletableFuture<T> load) {
        try {
            return load.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException("Interrupted while waiting for the " + what + " " + location()
                    + " to be read from Vault");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new BrokerException("Reading the " + what + " " + location() + " failed", cause);
        }
    }

    /** {@link #get()}, or the last value read, however old, when Vault cannot confirm it. */
    T lastKnown() {
        try {
            return get();
        } catch (EphemeralKeyException e) {
            T last;
            synchronized (this) {
                last = cached;
            }
            if (last == null) {
                throw e;
            }
            log.log(Level.INFO, () -> "Vault did not confirm the " + what + " " + location() + " ("
                    + e.getMessage() + "); deleting with " + keyName(last) + " read before");
            return last;
        }
    }

    /** Forgets {@code stale} unless already replaced. */
    synchronized void invalidate(T stale) {
        if (cached != null && cached == stale) {
            cached = null;
        }
    }

    /** Forgets whatever is cached. */
    synchronized void invalidate() {
        cached = null;
    }

    /** {@code mount/path}, for messages. */
    String location() {
        return mount + "/" + path;
    }

    Duration maxAge() {
        return maxAge;
    }

    /**
     * For {@link #parse}: the trimmed value of {@code field}.
     *
     * @throws BrokerException {@link #noField} when it is absent or blank
     */
    String required(KvSecret secret, String field) {
        String v = secret.field(field);
        if (v == null || v.isBlank()) {
            throw new BrokerException(noField(field));
        }
        return v.trim();
    }

    private T read() {
        KvSecret secret;
        try {
            secret = vault.kvRead(mount, path);
        } catch (VaultException e) {
            if (e.kind() == VaultException.Kind.NOT_FOUND) {
                throw new BrokerException(notFound(), e);
            }
            throw e;
        }
        return parse(secret);
    }
}
