package io.jenkins.plugins.openaikeys.core.broker;

import java.time.Instant;
import java.util.Objects;

/**
 * A key whose revoke keeps failing, as an administrative monitor shows it: which key (ids only),
 * how often it failed, the last failure's sentence and when it is tried next. Why a value of its
 * own: the plugin lists these without knowing how the broker schedules retries.
 *
 * @param handleId         the revocation handle's id
 * @param organization     the organization's name in the plugin configuration
 * @param role             the role the key was minted for
 * @param keyId            {@code key_…}, or null when the source did not report it
 * @param leaseId          the Vault lease (vaultEngine), or null
 * @param serviceAccountId {@code svc_acct_…}, or null
 * @param attempts         consecutive failed revokes
 * @param lastError        the last failure's one sentence (never a key value)
 * @param lastAttempt      when it last failed
 * @param nextAttempt      the periodic task does not try it before then
 */
public record RevokeFailure(String handleId, String organization, String role, String keyId, String leaseId,
                            String serviceAccountId, int attempts, String lastError, Instant lastAttempt,
                            Instant nextAttempt) {

    public RevokeFailure {
        Objects.requireNonNull(handleId, "handleId");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(lastAttempt, "lastAttempt");
        Objects.requireNonNull(nextAttempt, "nextAttempt");
    }

    static RevokeFailure of(RevocationHandle h, RevokeFailure previous, String error, Instant now,
                            RevokeBackoff backoff) {
        int attempts = previous == null ? 1 : previous.attempts() + 1;
        return new RevokeFailure(h.id(), h.organization(), h.role(), h.keyId(), h.leaseId(), h.serviceAccountId(),
                attempts, error, now, now.plus(backoff.after(attempts)));
    }
}
