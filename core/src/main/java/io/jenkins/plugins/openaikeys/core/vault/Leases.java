package io.jenkins.plugins.openaikeys.core.vault;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.openaikeys.core.vault.VaultException.Kind;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code sys/leases}: revoke (body form, so lease ids with slashes need no escaping; Vault
 * answers 204 even for an unknown lease, which makes revoke idempotent) and lookup.
 *
 * <p>Revoke sends {@code sync: true} explicitly: Vault's docs give false as the default,
 * vault-client-go sends true, and only a synchronous revoke reports the backend's failure —
 * an asynchronous one answers 204 and leaves the lease (and the key) to Vault's background retries.
 */
final class Leases {

    private static final Logger LOG = Logger.getLogger(Leases.class.getName());

    private final VaultSession session;

    Leases(VaultSession session) {
        this.session = session;
    }

    LeaseRevocation revoke(String leaseId) {
        requireLeaseId(leaseId);
        try {
            session.call(VaultRequest.put("sys/leases/revoke", Map.of("lease_id", leaseId, "sync", true),
                    "revoke lease " + leaseId));
        } catch (VaultException e) {
            if (OpenAiEngine.accountAlreadyGone(e)) {
                return LeaseRevocation.ACCOUNT_ALREADY_GONE;
            }
            throw e;
        }
        LOG.log(Level.FINE, "Revoked Vault lease {0}", leaseId);
        return LeaseRevocation.REVOKED;
    }

    /**
     * Revokes a lease just issued for a key that will not be handed out ({@code cause} says why);
     * a failure is logged, not thrown, because Vault revokes the lease when it expires anyway and
     * the caller is already failing with {@code cause}.
     */
    void revokeAtOnce(String leaseId, RuntimeException cause) {
        try {
            revoke(leaseId);
            LOG.log(Level.INFO, "Revoked Vault lease {0} at once because: {1}", new Object[] {leaseId, cause.getMessage()});
        } catch (VaultException e) {
            LOG.log(Level.WARNING, "Could not revoke Vault lease {0} ({1}); Vault revokes it when it expires",
                    new Object[] {leaseId, e.getMessage()});
        }
    }

    LeaseInfo lookup(String leaseId) {
        requireLeaseId(leaseId);
        VaultRequest req = VaultRequest.put("sys/leases/lookup", Map.of("lease_id", leaseId), "look up lease " + leaseId);
        JsonNode body;
        try {
            body = session.call(req);
        } catch (VaultException e) {
            if (e.kind() == Kind.BAD_REQUEST || e.kind() == Kind.NOT_FOUND) {
                throw new VaultException(Kind.NOT_FOUND, e.status(), "Vault has no lease " + leaseId
                        + ": it was revoked or has expired");
            }
            throw e;
        }
        JsonNode data = body == null ? null : body.get("data");
        if (data == null || !data.path("ttl").isNumber()) {
            throw VaultErrors.malformed(session.http().endpoint().address(), req, "no data.ttl");
        }
        Instant expire = null;
        String text = data.path("expire_time").asText(null);
        if (text != null && !text.isEmpty()) {
            try {
                expire = java.time.OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                throw VaultErrors.malformed(session.http().endpoint().address(), req, "an unreadable expire_time");
            }
        }
        return new LeaseInfo(data.path("id").asText(leaseId), expire, Duration.ofSeconds(data.path("ttl").asLong()));
    }

    private static void requireLeaseId(String leaseId) {
        if (leaseId == null || leaseId.isBlank()) {
            throw new IllegalArgumentException("lease id is empty");
        }
    }
}
