package io.jenkins.plugins.openaikeys.runtime;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.policy.Role;
import io.jenkins.plugins.openaikeys.core.policy.Ttls;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * What a block (or a freestyle build) knows about the key it holds, for revoking it and for telling
 * the build log when and why it died: ids, the expiry, and the TTL texts. No secret.
 *
 * <p>Why serializable: a Pipeline block holds it in program.dat, so that after a restart the resumed
 * block can re-arm the key's expiry timer ({@link KeyExpiry}) and word its lines the same way.
 */
@Restricted(NoExternalUse.class)
public final class HeldKey implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String handleId;
    private final String keyId;
    private final String role;
    private final Instant expiresAt;
    private final String ttl;
    private final String maxTtl;

    HeldKey(@NonNull String handleId, @NonNull String keyId, @NonNull String role, @CheckForNull Instant expiresAt,
            @NonNull String ttl, @CheckForNull String maxTtl) {
        this.handleId = handleId;
        this.keyId = keyId;
        this.role = role;
        this.expiresAt = expiresAt;
        this.ttl = ttl;
        this.maxTtl = maxTtl;
    }

    /**
     * Describes a key just minted for {@code role}; {@code requested} is the TTL the build asked for
     * (null: the role's). The role's TTLs are read from the current broker; when that fails the key's
     * own lifetime stands in.
     */
    public static @NonNull HeldKey of(@NonNull MintedKey key, @NonNull String role, @CheckForNull Duration requested,
            @NonNull Instant mintedAt) {
        Duration ttl = requested;
        String max = null;
        try {
            Role r = KeyService.broker().role(role);
            if (ttl == null) {
                ttl = r.ttl();
            }
            max = Ttls.format(r.maxTtl());
        } catch (EphemeralKeyException | IllegalStateException e) {
            // keep what we know; the lines then leave the maximum out
        }
        Instant expiresAt = key.handle().expiresAt();
        if (ttl == null && expiresAt != null) {
            ttl = Duration.between(mintedAt, expiresAt);
        }
        return new HeldKey(key.handle().id(), key.keyId(), role, expiresAt, ttl == null ? "?" : Ttls.format(ttl), max);
    }

    public @NonNull String handleId() {
        return handleId;
    }

    @NonNull String keyId() {
        return keyId;
    }

    @NonNull String role() {
        return role;
    }

    /** Null only for a source that reports no expiry. */
    @CheckForNull Instant expiresAt() {
        return expiresAt;
    }

    /** The TTL as written, e.g. {@code 60s}. */
    @NonNull String ttl() {
        return ttl;
    }

    /** The role's max TTL as written, or null when it was unknown at mint time. */
    @CheckForNull String maxTtl() {
        return maxTtl;
    }

    boolean expiredAt(@NonNull Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "HeldKey{" + keyId + ", handle " + handleId + ", role " + role + ", expires " + expiresAt + "}";
    }
}
