package io.jenkins.plugins.openaikeys.core.rotation;

import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;

import io.jenkins.plugins.openaikeys.core.rotation.RotationResult.Outcome;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import io.jenkins.plugins.openaikeys.core.vault.VaultException;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Rotates the admin key of a {@code vaultEngine} organization by asking Vault's OpenAI secrets
 * engine to do it ({@code POST {mount}/config/rotate}): the key never leaves Vault, so there is
 * nothing for Jenkins to store or delete. Why Jenkins triggers it at all: the engine may be
 * configured without its own rotation schedule, and operators want one schedule and one
 * "Rotate now" button for every organization.
 *
 * <p>The rotate call is never repeated after a lost answer (the Vault client guarantees that):
 * a second rotation would be harmless for Vault but not what was asked. A lost answer is checked
 * by reading {@code {mount}/config} again; if that does not settle it the run reports
 * {@link Outcome#UNKNOWN}. An error answer after which the config shows a new key id means the
 * engine rotated but could not delete the old key (rotation.go): {@link Outcome#ROTATED_WITH_LEFTOVER}.
 *
 * <p>The schedule survives restarts through a {@link RotationRecord}: the engine reports
 * {@code last_rotated} only when its own rotation period is set. Thread-safe.
 */
public final class EngineKeyRotator implements Rotator {

    private static final Logger LOG = Logger.getLogger(EngineKeyRotator.class.getName());

    private final String organization;
    private final VaultClient vault;
    private final String mount;
    private final Clock clock;
    private final RotationRecord record;

    /**
     * @param organization the organization's name in the plugin configuration
     * @param mount        the engine's mount, e.g. {@code openai}
     * @param record       where the last rotation is remembered across restarts
     */
    public EngineKeyRotator(String organization, VaultClient vault, String mount, Clock clock,
                            RotationRecord record) {
        this.organization = Objects.requireNonNull(organization, "organization");
        this.vault = Objects.requireNonNull(vault, "vault");
        this.mount = Objects.requireNonNull(mount, "mount");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.record = Objects.requireNonNull(record, "record");
    }

    @Override
    public String organization() {
        return organization;
    }

    /**
     * {@code last_rotated} from {@code {mount}/config} when the engine reports it, else our record;
     * a key id other than the recorded one means someone else rotated, which counts from now.
     * The engine has no pending deletions.
     */
    @Override
    public RotationStatus status() {
        Map<String, Object> config = vault.readEngineConfig(mount);
        Instant engine = lastRotated(config);
        if (engine != null) {
            return new RotationStatus(engine, List.of());
        }
        String keyId = string(config.get("admin_api_key_id"));
        RotationRecord.Entry seen = record.read(organization).orElse(null);
        if (seen == null) {
            return new RotationStatus(null, List.of());
        }
        if (keyId != null && !keyId.equals(seen.adminKeyId())) {
            Instant now = clock.instant();
            LOG.log(Level.INFO, "The admin key of organization ''{0}'' changed to {1} outside this controller;"
                    + " counting the rotation from now", new Object[] {organization, keyId});
            record.write(organization, new RotationRecord.Entry(now, keyId));
            return new RotationStatus(now, List.of());
        }
        return new RotationStatus(seen.lastRotated(), List.of());
    }

    @Override
    public synchronized RotationResult rotate() {
        Instant at = clock.instant();
        String before = null;
        try {
            before = string(vault.readEngineConfig(mount).get("admin_api_key_id"));
        } catch (VaultException e) {
            LOG.log(Level.FINE, "Could not read {0}/config before rotating: {1}", new Object[] {mount,
                    EphemeralKeyException.safeMessage(e)});
        }
        try {
            String after = string(vault.rotateEngineAdminKey(mount).get("admin_api_key_id"));
            remember(at, after);
            return result(Outcome.ROTATED, before, after, at, "Vault's OpenAI engine " + mount
                    + " rotated the admin key of organization '" + organization + "'"
                    + (before == null ? "" : " from " + before) + (after == null ? "" : " to " + after));
        } catch (VaultException e) {
            if (!ambiguous(e)) {
                return result(Outcome.FAILED, before, null, at, "Vault's OpenAI engine " + mount
                        + " did not rotate the admin key of organization '" + organization + "' (" + EphemeralKeyException.safeMessage(e)
                        + "): nothing was changed");
            }
            String now = null;
            try {
                now = string(vault.readEngineConfig(mount).get("admin_api_key_id"));
            } catch (VaultException again) {
                LOG.log(Level.FINE, "Could not read {0}/config after a lost rotate answer: {1}",
                        new Object[] {mount, EphemeralKeyException.safeMessage(again)});
            }
            if (before != null && now != null && !before.equals(now)) {
                remember(at, now);
                if (e.status() > 0) {
                    return result(Outcome.ROTATED_WITH_LEFTOVER, before, now, at, "Vault's OpenAI engine " + mount
                            + " rotated the admin key of organization '" + organization + "' to " + now
                            + " but answered an error (" + EphemeralKeyException.safeMessage(e) + "): the old admin key "
                            + before + " may still be live, delete it in OpenAI");
                }
                return result(Outcome.ROTATED, before, now, at, "Vault's OpenAI engine " + mount
                        + " rotated the admin key of organization '" + organization + "' from " + before + " to "
                        + now + " (the answer was lost, " + mount + "/config confirms it)");
            }
            return result(Outcome.UNKNOWN, before, null, at, "Rotating the admin key of organization '"
                    + organization + "' through Vault's OpenAI engine " + mount + " failed without a clear answer ("
                    + EphemeralKeyException.safeMessage(e) + "): outcome unknown, check " + mount + "/config");
        }
    }

    /** The engine deletes its old key itself: nothing pending here. */
    @Override
    public RotationResult deletePending() {
        return new RotationResult(organization, Outcome.NOT_DUE, null, null, clock.instant(),
                "Vault's OpenAI engine " + mount + " deletes old admin keys itself");
    }

    /**
     * {@code last_rotated} as the engine reports it (RFC 3339); null when absent, empty,
     * unreadable or the zero time Go prints for "never".
     */
    static Instant lastRotated(Map<String, Object> config) {
        Object v = config.get("last_rotated");
        if (v instanceof Number n) {
            return n.longValue() <= 0 ? null : Instant.ofEpochSecond(n.longValue());
        }
        String s = string(v);
        if (s == null) {
            return null;
        }
        try {
            Instant t = OffsetDateTime.parse(s).toInstant();
            return t.isAfter(Instant.EPOCH) ? t : null;
        } catch (DateTimeParseException e) {
            LOG.log(Level.FINE, "Unreadable last_rotated in the engine config: {0}", s);
            return null;
        }
    }

    private void remember(Instant at, String keyId) {
        try {
            record.write(organization, new RotationRecord.Entry(at, keyId));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Rotated the admin key of organization ''{0}'' but could not record it ({1}):"
                    + " the next check after a restart may rotate again", new Object[] {organization,
                    EphemeralKeyException.safeMessage(e)});
        }
    }

    private static String string(Object v) {
        return v == null || v.toString().isBlank() ? null : v.toString().trim();
    }

    private static boolean ambiguous(VaultException e) {
        return switch (e.kind()) {
            case UNREACHABLE, SERVER_ERROR, MALFORMED_RESPONSE -> true;
            default -> false;
        };
    }

    private RotationResult result(Outcome outcome, String oldId, String newId, Instant at, String message) {
        LOG.log(outcome.needsAttention() ? Level.WARNING : Level.INFO, message);
        return new RotationResult(organization, outcome, oldId, newId, at, message);
    }

    @Override
    public String toString() {
        return "EngineKeyRotator{" + organization + ", " + mount + "}";
    }
}
