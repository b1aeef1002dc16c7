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
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * Finds and revokes keys in the durable ledger that no running build still uses.
 *
 * <p>Why a Jenkins-side rule: the ledger also holds the handles of keys that running builds are
 * using right now (they are recorded at mint), and only Jenkins knows which builds still run. A
 * handle is an orphan when its build is gone or finished (freestyle builds lost in a restart,
 * Pipelines that could not resume, inline revocations that failed) or its expiry passed.
 */
final class OrphanedKeys {

    private static final Logger LOGGER = Logger.getLogger(OrphanedKeys.class.getName());

    private OrphanedKeys() {}

    /**
     * Revokes every orphaned handle that {@code scope} selects, through the broker's single-flight
     * {@code revokeMatching} (which logs ids and keeps failures queued).
     * @return how many keys were revoked
     */
    static int revoke(@NonNull Predicate<RevocationHandle> scope, @NonNull Instant now) {
        KeyBroker broker = brokerIfConfigured();
        return broker == null ? 0 : broker.revokeMatching(h -> scope.test(h) && isOrphan(h, now));
    }

    /**
     * The periodic pass: the broker's own due handles (earlier failures, expired keys), then
     * handles whose build is gone or finished (e.g. lost in a restart, when the broker's memory of
     * failures is gone too).
     */
    static int retryAll(@NonNull Instant now) {
        KeyBroker broker = brokerIfConfigured();
        if (broker == null) {
            return 0;
        }
        return broker.retryPending() + broker.revokeMatching(h -> isOrphan(h, now));
    }

    private static KeyBroker brokerIfConfigured() {
        try {
            OpenAIKeysConfiguration config = OpenAIKeysConfiguration.get();
            if (config.getLedger().pending().isEmpty()) {
                return null;
            }
            return config.getBroker();
        } catch (EphemeralKeyException e) {
            LOGGER.log(Level.FINE, "Not revoking orphaned OpenAI keys now: {0}", e.getMessage());
            return null;
        }
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
            Run<?, ?> run = build(job, handle.buildId());
            return run == null || !run.isBuilding();
        }
    }

    /**
     * The build of that id. Build ids are the build numbers (since Jenkins 1.597), and
     * {@link Job#getBuildByNumber(int)} loads one build, where {@code Job#getBuild(String)} walks
     * (and so loads) every build of the job.
     */
    private static Run<?, ?> build(Job<?, ?> job, String buildId) {
        try {
            return job.getBuildByNumber(Integer.parseInt(buildId));
        } catch (NumberFormatException e) {
            return job.getBuild(buildId);
        }
    }
}
