package io.jenkins.plugins.openaikeys.core.vault;

import io.jenkins.plugins.openaikeys.core.SecretString;

import java.time.Duration;
import java.time.Instant;

/**
 * A Vault client token plus what decides its reuse: when it expires (null = never, e.g. a
 * root or periodic-less static token with ttl 0) and whether renew-self can extend it.
 */
final class VaultToken {

    private static final Duration MAX_MARGIN = Duration.ofSeconds(30);
    private static final Duration FOREVER = Duration.ofDays(365L * 100);

    private final SecretString token;
    private final Duration leaseDuration;
    private final Instant expiresAt;
    private final boolean renewable;

    VaultToken(SecretString token, Duration leaseDuration, Instant expiresAt, boolean renewable) {
        this.token = token;
        this.leaseDuration = leaseDuration;
        this.expiresAt = expiresAt;
        this.renewable = renewable;
    }

    /** From an {@code auth} block: {@code lease_duration} 0 means the token never expires. */
    static VaultToken issued(SecretString token, long leaseSeconds, boolean renewable, Instant now) {
        Duration lease = Duration.ofSeconds(Math.max(0, leaseSeconds));
        return new VaultToken(token, lease, leaseSeconds <= 0 ? null : now.plus(lease), renewable && leaseSeconds > 0);
    }

    /** The same token, judged against {@code base} for its refresh margin and renew increment. */
    VaultToken withBaseLease(Duration base) {
        return new VaultToken(token, base.compareTo(leaseDuration) > 0 ? base : leaseDuration, expiresAt, renewable);
    }

    SecretString secret() {
        return token;
    }

    Duration leaseDuration() {
        return leaseDuration;
    }

    Instant expiresAt() {
        return expiresAt;
    }

    boolean renewable() {
        return renewable;
    }

    Duration remaining(Instant now) {
        if (expiresAt == null) {
            return FOREVER;
        }
        Duration d = Duration.between(now, expiresAt);
        return d.isNegative() ? Duration.ZERO : d;
    }

    boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** Refresh when less than 10% of the lease is left, at least min(30 s, half the lease). */
    Duration refreshMargin() {
        Duration tenth = leaseDuration.dividedBy(10);
        Duration floor = leaseDuration.dividedBy(2).compareTo(MAX_MARGIN) < 0 ? leaseDuration.dividedBy(2) : MAX_MARGIN;
        return tenth.compareTo(floor) > 0 ? tenth : floor;
    }

    /** Good to use now without refreshing, and will still live {@code atLeast} from now. */
    boolean freshFor(Instant now, Duration atLeast) {
        if (expiresAt == null) {
            return true;
        }
        Duration need = refreshMargin().compareTo(atLeast) > 0 ? refreshMargin() : atLeast;
        return remaining(now).compareTo(need) > 0;
    }

    boolean outlives(Instant now, Duration atLeast) {
        return expiresAt == null || remaining(now).compareTo(atLeast) > 0;
    }

    @Override
    public String toString() {
        return "VaultToken{expiresAt=" + expiresAt + ", renewable=" + renewable + "}";
    }
}
