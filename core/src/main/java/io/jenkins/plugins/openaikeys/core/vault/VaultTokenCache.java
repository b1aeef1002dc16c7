package io.jenkins.plugins.openaikeys.core.vault;

import io.jenkins.plugins.openaikeys.core.vault.VaultException.Kind;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Vault tokens shared by every {@link VaultClient} of the controller, one per (address,
 * namespace, auth identity). Why: a login per call would flood Vault's audit log and
 * its token store, and many builds minting at once must cause one login, not one each —
 * refreshes are single-flight per slot. Tokens are reused until shortly before expiry,
 * renewed while renewable, replaced by a fresh login otherwise.
 */
public final class VaultTokenCache {

    private static final Logger LOG = Logger.getLogger(VaultTokenCache.class.getName());

    record Key(String address, String namespace, String identity) {
    }

    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        volatile VaultToken token;
    }

    private final ConcurrentHashMap<Key, Slot> slots = new ConcurrentHashMap<>();

    /** Number of cached tokens (for diagnostics and tests). */
    public int size() {
        return (int) slots.values().stream().filter(s -> s.token != null).count();
    }

    /** Forgets every token, e.g. after the Vault connection settings changed. */
    public void clear() {
        slots.clear();
    }

    /**
     * A token that lives at least {@code atLeast} more (zero: merely not about to expire).
     *
     * @throws VaultException TOKEN_TTL_TOO_SHORT when even a fresh token cannot live that long
     */
    VaultToken obtain(Key key, Duration atLeast, TokenSource source, Clock clock) {
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        VaultToken current = slot.token;
        if (current != null && current.freshFor(clock.instant(), atLeast)) {
            return current;
        }
        slot.lock.lock();
        try {
            Instant now = clock.instant();
            current = slot.token;
            if (current != null && current.freshFor(now, atLeast)) {
                return current;
            }
            if (current != null && current.renewable() && !current.expired(now)) {
                VaultToken renewed = tryRenew(source, current, atLeast);
                if (renewed != null) {
                    slot.token = renewed;
                    if (renewed.freshFor(clock.instant(), atLeast)) {
                        return renewed;
                    }
                }
            }
            VaultToken fresh = source.login();
            slot.token = fresh;
            now = clock.instant();
            LOG.log(Level.FINE, "Vault token for {0} obtained (expires {1}, renewable {2})",
                    new Object[] {source.identity(), fresh.expiresAt() == null ? "never" : fresh.expiresAt(),
                        fresh.renewable()});
            if (fresh.expired(now)) {
                slot.token = null;
                throw new VaultException(Kind.LOGIN_FAILED, 0, "The Vault token for " + source.identity()
                        + " has expired: give Jenkins a new token or use AppRole, JWT or Kubernetes auth");
            }
            if (!fresh.outlives(now, atLeast)) {
                // A login grants the role's default TTL; renew-self may stretch it up to the max TTL.
                VaultToken renewed = fresh.renewable() ? tryRenew(source, fresh, atLeast) : null;
                if (renewed == null || !renewed.outlives(clock.instant(), atLeast)) {
                    throw tooShort(atLeast);
                }
                slot.token = renewed;
                return renewed;
            }
            return fresh;
        } finally {
            slot.lock.unlock();
        }
    }

    /**
     * Renews exactly {@code token} (the one that owns a lease) so that it outlives
     * {@code atLeast}; a re-login would not help because the lease dies with the old token.
     */
    boolean extend(Key key, VaultToken token, Duration atLeast, TokenSource source, Clock clock) {
        if (token.outlives(clock.instant(), atLeast)) {
            return true;
        }
        if (!token.renewable()) {
            return false;
        }
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        slot.lock.lock();
        try {
            VaultToken renewed = tryRenew(source, token, atLeast);
            if (renewed == null) {
                return false;
            }
            if (slot.token == token) {
                slot.token = renewed;
            }
            return renewed.outlives(clock.instant(), atLeast);
        } finally {
            slot.lock.unlock();
        }
    }

    /** Drops {@code stale} (after Vault refused it) unless another thread already replaced it. */
    void invalidate(Key key, VaultToken stale) {
        Slot slot = slots.get(key);
        if (slot != null) {
            slot.lock.lock();
            try {
                if (slot.token == stale) {
                    slot.token = null;
                }
            } finally {
                slot.lock.unlock();
            }
        }
    }

    private static VaultToken tryRenew(TokenSource source, VaultToken token, Duration atLeast) {
        Duration increment = token.leaseDuration().compareTo(atLeast) >= 0
                ? token.leaseDuration() : atLeast.plus(token.refreshMargin());
        try {
            return source.renew(token, increment);
        } catch (VaultException e) {
            if (e.kind() == Kind.SEALED || e.kind() == Kind.UNREACHABLE) {
                throw e;
            }
            LOG.log(Level.FINE, "Renewing the Vault token for {0} failed ({1}); logging in again",
                    new Object[] {source.identity(), e.getMessage()});
            return null;
        }
    }

    static VaultException tooShort(Duration atLeast) {
        return new VaultException(Kind.TOKEN_TTL_TOO_SHORT, 0,
                "Vault token would expire before the key's lease (" + atLeast.toSeconds() + " s needed): give the "
                        + "Jenkins auth role a token TTL above the OpenAI role's max TTL");
    }

    @Override
    public String toString() {
        return "VaultTokenCache{" + size() + " tokens}";
    }
}
