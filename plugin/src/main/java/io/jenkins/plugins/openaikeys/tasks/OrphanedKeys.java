package io.jenkins.plugins.openaikeys.tasks;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Job;
import hudson.model.Run;
import hudson.security.ACL;
import hudson.security.ACLContext;
import io.jenkins.plugins.openaikeys.config.OpenAIKeysConfiguration;
import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.broker.RevocationHandle;
import io.jenkins.plugins.openaikeys.core.broker.RevokeFailure;
import io.jenkins.plugins.openaikeys.runtime.KeyExpiry;
import io.jenkins.plugins.openaikeys.runtime.KeyRuntime;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import jenkins.model.Jenkins;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * Finds and revokes keys in the durable ledger that no running build still uses.
 *
 * <p>Why a Jenkins-side rule: the ledger also holds the handles of keys that running builds are
 * using right now (they are recorded at mint), and only Jenkins knows which builds still run. A
 * handle is an orphan when its build is gone or finished (freestyle builds lost in a restart,
 * Pipelines that could not resume, inline revocations that failed), or when its expiry passed
 * more than {@link #EXPIRY_GRACE} ago.
 *
 * <p>Why the grace: a key that expires while its build runs is revoked by its holder's TTL timer
 * ({@link KeyExpiry}), which also tells the build log why calls now fail. The periodic task must
 * not beat it to it silently; it steps in only when the holder did not (e.g. a Pipeline that has
 * not resumed yet after a restart).
 */
@Restricted(NoExternalUse.class)
public final class OrphanedKeys {

    private static final Logger LOGGER = Logger.getLogger(OrphanedKeys.class.getName());

    /** How long after its expiry a running build's key is left to its holder's TTL timer. */
    public static final Duration EXPIRY_GRACE = Duration.ofMinutes(5);

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
     * The periodic pass: handles whose revocation by their holder failed, handles whose build is
     * gone or finished (e.g. lost in a restart), and handles expired for longer than the grace.
     *
     * <p>Not {@code KeyBroker#retryPending()}: it revokes every expired handle at once, racing the
     * TTL timer of a build that is still running (which then could not say why its key died).
     */
    public static int retryAll(@NonNull Instant now) {
        KeyBroker broker = brokerIfConfigured();
        if (broker == null) {
            return 0;
        }
        // the broker remembers which revokes failed (a holder's included) and when each may be retried
        Set<String> failed = broker.failingRevokes().stream().map(RevokeFailure::handleId).collect(Collectors.toSet());
        return broker.revokeMatching(h -> failed.contains(h.id()) || isOrphan(h, now));
    }

    private static KeyBroker brokerIfConfigured() {
        try {
            OpenAIKeysConfiguration config = OpenAIKeysConfiguration.get();
            if (KeyRuntime.get().ledger().pending().isEmpty()) {
                return null;
            }
            return KeyRuntime.get().broker();
        } catch (EphemeralKeyException e) {
            LOGGER.log(Level.FINE, "Not revoking orphaned OpenAI keys now: {0}", e.getMessage());
            return null;
        }
    }

    /** Selects the handles minted by one build. */
    static @NonNull Predicate<RevocationHandle> ofBuild(@NonNull String jobFullName, @NonNull String buildId) {
        return h -> jobFullName.equals(h.jobFullName()) && buildId.equals(h.buildId());
    }

    public static boolean isOrphan(@NonNull RevocationHandle handle, @NonNull Instant now) {
        Instant expiresAt = handle.expiresAt();
        if (expiresAt != null && !now.isBefore(expiresAt.plus(EXPIRY_GRACE))) {
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
