package io.jenkins.plugins.openaikeys.rotation;

import hudson.Extension;
import hudson.model.AsyncPeriodicWork;
import hudson.model.TaskListener;
import io.jenkins.plugins.openaikeys.config.OpenAIKeysConfiguration;
import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.rotation.RotationResult;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Every 15 minutes, when rotation is enabled, rotates the admin key of every organization whose
 * schedule says due (core's {@code RotationService#runDue}) and writes one line per organization
 * to {@code JENKINS_HOME/logs/tasks/OpenAI admin key rotation.log}.
 *
 * <p>Why a fixed 15 minutes and not the period: the period only says how old a key may get; the
 * rotation itself must land inside the optional UTC window, so the task has to look often enough
 * to hit a window of a quarter of an hour or more. Each look costs one Vault read per
 * organization. {@link AsyncPeriodicWork} because rotating is network I/O with retries.
 */
@Extension
public final class AdminKeyRotationWork extends AsyncPeriodicWork {

    static final long PERIOD_MINUTES = 15;

    public AdminKeyRotationWork() {
        super("OpenAI admin key rotation");
    }

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
        return TimeUnit.MINUTES.toMillis(PERIOD_MINUTES);
    }

    @Override
    protected void execute(TaskListener listener) {
        OpenAIKeysConfiguration config = OpenAIKeysConfiguration.get();
        if (!config.isRotationEnabled()) {
            return;
        }
        PrintStream log = listener.getLogger();
        List<RotationResult> results;
        try {
            results = AdminKeyRotations.get().runDue();
        } catch (EphemeralKeyException e) {
            // not configured, or an invalid period/window: the form shows the same sentence
            log.println("Admin key rotation skipped: " + e.getMessage());
            return;
        }
        for (RotationResult r : results) {
            log.println(RotationAnswers.logLine(r));
        }
    }
}
