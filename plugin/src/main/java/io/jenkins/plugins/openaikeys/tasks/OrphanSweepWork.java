package io.jenkins.plugins.openaikeys.tasks;

import hudson.Extension;
import hudson.model.AsyncPeriodicWork;
import hudson.model.TaskListener;
import io.jenkins.plugins.openaikeys.config.OpenAIKeysConfiguration;
import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.sweep.SweepReport;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Periodically deletes expired service accounts that this controller created in adminApi
 * organizations, and expired virtual keys it made at litellmProxy organizations, and lost track
 * of (see {@link OrphanSweeps}). Its log is
 * {@code JENKINS_HOME/logs/tasks/OpenAI orphan sweep.log}.
 *
 * <p>Why a periodic task and not only the ledger: the ledger cannot know about a key whose
 * mint reached OpenAI but whose handle never reached disk (a crash mid-mint, a lost
 * JENKINS_HOME); the expiry stamp in the account name is the last line of defence.
 * {@link AsyncPeriodicWork} because listing projects is slow network I/O with retries.
 */
@Extension
public final class OrphanSweepWork extends AsyncPeriodicWork {

    private static final Logger LOGGER = Logger.getLogger(OrphanSweepWork.class.getName());

    static final long DEFAULT_PERIOD_MINUTES = 60;

    /** What the last run found, for diagnostics; replaced as a whole, never mutated. */
    private volatile List<SweepReport> lastReports = List.of();

    public OrphanSweepWork() {
        super("OpenAI orphan sweep");
    }

    /**
     * The configured sweeper interval (default 1 hour). Jenkins reads this once when it schedules
     * periodic work, so a change applies after the next restart.
     */
    /**
     * A whole period after start-up rather than Jenkins' random default: nothing here is urgent
     * at boot, and a fixed delay keeps the task from firing in the middle of a short test.
     */
    @Override
    public long getInitialDelay() {
        return getRecurrencePeriod();
    }

    @Override
    public long getRecurrencePeriod() {
        try {
            long configured = OpenAIKeysConfiguration.get().sweeperIntervalDuration().toMillis();
            if (configured > 0) {
                return configured;
            }
        } catch (RuntimeException e) {
            LOGGER.log(Level.FINE, "Using the default sweeper interval", e);
        }
        return TimeUnit.MINUTES.toMillis(DEFAULT_PERIOD_MINUTES);
    }

    @Override
    protected void execute(TaskListener listener) {
        OpenAIKeysConfiguration config = OpenAIKeysConfiguration.get();
        if (!config.isSweeperEnabled()) {
            return;
        }
        try {
            lastReports = new OrphanSweeps(config, Clock.systemUTC()).sweepAll(listener);
        } catch (EphemeralKeyException e) {
            // not configured (no Vault, no organization): nothing to sweep, nothing to alarm about
            listener.getLogger().println("Orphan sweep skipped: " + e.getMessage());
        }
    }

    /** The reports of the last run (one per adminApi organization), empty before the first. */
    List<SweepReport> lastReports() {
        return lastReports;
    }
}
