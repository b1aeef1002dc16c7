package io.jenkins.plugins.openaikeys.tasks;

import hudson.Extension;
import hudson.model.AsyncPeriodicWork;
import hudson.model.TaskListener;
import io.jenkins.plugins.openaikeys.config.OpenAIKeysConfiguration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every few minutes, and shortly after the controller starts, revokes orphaned keys from the
 * durable ledger: failed revocations, builds lost in a restart (freestyle builds never resume).
 *
 * <p>Why {@link AsyncPeriodicWork}: revoking does blocking network I/O with retries, which must
 * not hold the shared timer thread that plain {@code PeriodicWork} runs on. The first run after
 * start-up replays the ledger; the short initial delay lets resumable Pipelines load first so
 * their live keys are not mistaken for orphans (they are recognized as still building).
 */
@Extension
public final class PendingRevocationsWork extends AsyncPeriodicWork {

    private static final Logger LOGGER = Logger.getLogger(PendingRevocationsWork.class.getName());

    static final long PERIOD_MINUTES = 5;
    static final long INITIAL_DELAY_SECONDS = 60;

    public PendingRevocationsWork() {
        super("OpenAI key revocation retry");
    }

    /**
     * The configured retry interval (Manage Jenkins → System), default 5 minutes. Jenkins reads
     * this once when it schedules periodic work, so a change applies after the next restart.
     */
    @Override
    public long getRecurrencePeriod() {
        try {
            long configured = OpenAIKeysConfiguration.get().revocationRetryIntervalDuration().toMillis();
            if (configured > 0) {
                return configured;
            }
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "Using the default revocation retry interval", e);
        }
        return TimeUnit.MINUTES.toMillis(PERIOD_MINUTES);
    }

    @Override
    public long getInitialDelay() {
        return TimeUnit.SECONDS.toMillis(INITIAL_DELAY_SECONDS);
    }

    @Override
    protected void execute(TaskListener listener) {
        int revoked = OrphanedKeys.retryAll(Instant.now());
        if (revoked > 0) {
            listener.getLogger().println("Revoked " + revoked + " orphaned OpenAI key(s)");
        }
    }
}
