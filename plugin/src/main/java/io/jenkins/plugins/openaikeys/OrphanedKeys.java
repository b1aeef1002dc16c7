package io.jenkins.plugins.openaikeys;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Job;
import hudson.model.Run;
import hudson.security.ACL;
import hudson.security.ACLContext;
import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.broker.RevocationHandle;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * Finds and revokes keys in the durable ledger that no running build still uses.
 *
 * <p>Why not {@code KeyBroker.retryPending()}: the ledger also holds the handles of keys that
 * running builds are using right now (they are recorded at mint), and revoking those would break
 * the builds. A handle is an orphan when its build is gone or finished (freestyle builds lost in a
 * restart, Pipelines that could not resume, inline revocations that failed) or its expiry passed.
 */
final class OrphanedKeys {

    private static final Logger LOGGER = Logger.getLogger(OrphanedKeys.class.getName());

    private OrphanedKeys() {}

    /**
     * Revokes every orphaned handle that {@code scope} selects.
     * @return how many keys were revoked
     */
    static int revoke(@NonNull Predicate<RevocationHandle> scope, @NonNull Instant now) {
        KeyBroker broker;
        List<RevocationHandle> pending;
        try {
            OpenAIKeysConfiguration config = OpenAIKeysConfiguration.get();
            pending = new ArrayList<>(config.getLedger().pending());
            if (pending.isEmpty()) {
                return 0;
            }
            broker = config.getBroker();
        } catch (EphemeralKeyException e) {
            LOGGER.log(Level.FINE, "Not revoking orphaned OpenAI keys yet: {0}", e.getMessage());
            return 0;
        }
        int revoked = 0;
        for (RevocationHandle handle : pending) {
            if (!scope.test(handle) || !isOrphan(handle, now)) {
                continue;
            }
            try {
                broker.revoke(handle);
                revoked++;
                LOGGER.log(Level.INFO, "Revoked OpenAI key {0} left behind by {1} #{2}",
                        new Object[] {handle.keyId(), handle.jobFullName(), handle.buildId()});
            } catch (EphemeralKeyException e) {
                LOGGER.log(Level.WARNING, "Could not revoke OpenAI key {0} of {1} #{2}: {3}; will retry",
                        new Object[] {handle.keyId(), handle.jobFullName(), handle.buildId(), e.getMessage()});
            } catch (RuntimeException e) {
                LOGGER.log(Level.WARNING, "Unexpected error revoking OpenAI key " + handle.keyId() + "; will retry", e);
            }
        }
        return revoked;
    }

    /** Selects the handles minted by one build. */
    static @NonNull Predicate<RevocationHandle> ofBuild(@NonNull String jobFullName, @NonNull String buildId) {
        return h -> jobFullName.equals(h.jobFullName()) && buildId.equals(h.buildId());
    }

    static boolean isOrphan(@NonNull RevocationHandle handle, @NonNull Instant now) {
        Instant expiresAt = handle.expiresAt();
        if (expiresAt != null && now.isAfter(expiresAt)) {
            return true;
        }
        try (ACLContext ignored = ACL.as2(ACL.SYSTEM2)) {
            Job<?, ?> job = Jenkins.get().getItemByFullName(handle.jobFullName(), Job.class);
            if (job == null) {
                return true;
            }
            Run<?, ?> run = job.getBuild(handle.buildId());
            return run == null || !run.isBuilding();
        }
    }
}
