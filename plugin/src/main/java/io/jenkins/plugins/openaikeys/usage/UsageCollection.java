package io.jenkins.plugins.openaikeys.usage;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.init.InitMilestone;
import hudson.init.Initializer;
import hudson.model.Job;
import hudson.model.Run;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.policy.Ttls;
import io.jenkins.plugins.openaikeys.core.usage.FileUsageStore;
import io.jenkins.plugins.openaikeys.core.usage.UsageCollector;
import io.jenkins.plugins.openaikeys.core.usage.UsageJob;
import io.jenkins.plugins.openaikeys.core.usage.UsagePolicy;
import io.jenkins.plugins.openaikeys.config.OpenAIKeysConfiguration;
import io.jenkins.plugins.openaikeys.config.OrganizationConfig;
import io.jenkins.plugins.openaikeys.runtime.KeyRuntime;
import io.jenkins.plugins.openaikeys.runtime.KeyTasks;
import jenkins.model.Jenkins;
import jenkins.util.SystemProperties;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Collects each finished key's OpenAI usage for its build, on the plugin's own threads
 * ({@link KeyTasks}), never a build's thread, the CPS VM thread or Jenkins' shared Timer: the
 * block records its key when it mints and ends it when it revokes (neither waits for OpenAI),
 * then reads are scheduled until the figures are stable, and the final ones are stored in the
 * build's {@link OpenAIUsageAction}. Pending keys are files under
 * {@code JENKINS_HOME/openai-ephemeral-keys/usage}, so collecting resumes after a restart.
 *
 * <p>Timings (system properties of this class, e.g. {@code -D…UsageCollection.firstReadAfter=5m}):
 * {@code firstReadAfter} (5m), {@code between} (5m), {@code giveUpAfter} (1d); see {@link UsagePolicy}.
 */
@Extension
@Restricted(NoExternalUse.class)
public final class UsageCollection {

    private static final Logger LOGGER = Logger.getLogger(UsageCollection.class.getName());
    static final String STORE_DIRECTORY = "usage";

    /** How long a read waits when another one is running. */
    static final Duration BUSY_RETRY = Duration.ofSeconds(2);

    private volatile UsageCollector collector;
    /** One usage read at a time, so revocations on KeyTasks never queue behind usage during an outage. */
    private final Semaphore reading = new Semaphore(1);

    public static @NonNull UsageCollection get() {
        return ExtensionList.lookupSingleton(UsageCollection.class);
    }

    UsageCollector collector() {
        UsageCollector c = collector;
        if (c == null) {
            synchronized (this) {
                if (collector == null) {
                    collector = new UsageCollector(new FileUsageStore(Jenkins.get().getRootDir().toPath()
                            .resolve(KeyRuntime.DIRECTORY).resolve(STORE_DIRECTORY)), new OrganizationUsageReaders(),
                            policy(), Clock.systemUTC());
                }
                c = collector;
            }
        }
        return c;
    }

    static UsagePolicy policy() {
        UsagePolicy d = UsagePolicy.DEFAULT;
        try {
            return new UsagePolicy(duration("firstReadAfter", d.firstReadAfter()), duration("between", d.between()),
                    duration("giveUpAfter", d.giveUpAfter()), d.margin());
        } catch (IllegalArgumentException e) {
            LOGGER.log(Level.WARNING, "OpenAI usage: ignoring the timing properties ({0}); using the defaults",
                    e.getMessage());
            return d;
        }
    }

    private static Duration duration(String name, Duration fallback) {
        String v = SystemProperties.getString(UsageCollection.class.getName() + "." + name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Ttls.parse(v.trim());
        } catch (RuntimeException e) {
            LOGGER.log(Level.WARNING, "OpenAI usage: ignoring {0}={1}, not a duration like 90s, 5m or 1h",
                    new Object[] {name, v});
            return fallback;
        }
    }

    /** Whether usage is on for the organization (as configured now). */
    static boolean isOn(@CheckForNull String organization) {
        if (organization == null) {
            return false;
        }
        for (OrganizationConfig o : OpenAIKeysConfiguration.get().getOrganizations()) {
            if (organization.equals(o.getName())) {
                return o.getUsage() != null;
            }
        }
        return false;
    }

    /** A key was minted for {@code run}: remember it, and show it on the build page. */
    void keyStarted(@NonNull Run<?, ?> run, @NonNull MintedKey key, @NonNull Instant mintedAt) throws IOException {
        if (!isOn(key.handle().organization())) {
            return;
        }
        UsageJob job = collector().keyStarted(UsageJob.started(key.handle().id(), key.handle().organization(),
                key.projectId(), key.keyId(), run.getParent().getFullName(), run.getId(), mintedAt));
        OpenAIUsageAction action = actionOf(run);
        action.put(job);
        run.save();
    }

    /**
     * The key's block ended (its key is revoked or being revoked): collecting starts. Returns the
     * job, empty when usage is not collected for this key.
     */
    Optional<UsageJob> keyEnded(@NonNull String handleId, @NonNull Instant at) {
        Optional<UsageJob> job = collector().keyEnded(handleId, at);
        job.ifPresent(j -> {
            updateBuild(j); // "still collecting" from now on, not "in use"
            schedule(j);
        });
        return job;
    }

    /** Reads are scheduled when due; a finished job is delivered to its build. */
    void schedule(@NonNull UsageJob job) {
        if (job.state().isDone()) {
            KeyTasks.get().submitQuietly("delivering the OpenAI usage of key " + job.keyId(), () -> deliver(job));
            return;
        }
        collector().dueAt(job).ifPresent(due -> KeyTasks.get().scheduleQuietly(
                "reading the OpenAI usage of key " + job.keyId(), () -> step(job.id()),
                Duration.between(Instant.now(), due)));
    }

    private void step(String id) {
        if (!reading.tryAcquire()) {
            // another key's read is running: usage never takes more than one of KeyTasks' threads
            KeyTasks.get().scheduleQuietly("waiting to read OpenAI usage", () -> step(id), BUSY_RETRY);
            return;
        }
        try {
            collector().step(id).ifPresent(job -> {
                updateBuild(job);
                schedule(job);
            });
        } finally {
            reading.release();
        }
    }

    private void deliver(UsageJob job) {
        if (updateBuild(job)) {
            collector().forget(job.id());
        }
    }

    /** @return false only when the build exists but could not be saved (try again later) */
    private boolean updateBuild(UsageJob job) {
        Job<?, ?> parent = Jenkins.get().getItemByFullName(job.job(), Job.class);
        Run<?, ?> run = parent == null ? null : parent.getBuild(job.build());
        if (run == null) {
            LOGGER.log(Level.FINE, "OpenAI usage of key {0}: build {1} #{2} is gone", new Object[] {
                job.keyId(), job.job(), job.build()});
            return true;
        }
        try {
            actionOf(run).put(job);
            run.save();
            return true;
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "OpenAI usage of key " + job.keyId() + ": cannot save build " + job.job() + " #"
                    + job.build(), e);
            return false;
        }
    }

    private static synchronized OpenAIUsageAction actionOf(Run<?, ?> run) {
        OpenAIUsageAction action = run.getAction(OpenAIUsageAction.class);
        if (action == null) {
            action = new OpenAIUsageAction();
            run.addAction(action);
        }
        return action;
    }

    /** Ends the keys of a finished build that no block ended (a restart, an abort that lost its callback). */
    void buildFinished(@NonNull Run<?, ?> run) {
        String job = run.getParent().getFullName();
        String build = run.getId();
        Instant now = Instant.now();
        for (UsageJob j : collector().jobs()) {
            if (j.state() == UsageJob.State.IN_USE && j.job().equals(job) && j.build().equals(build)) {
                keyEnded(j.id(), now);
            }
        }
    }

    /** After a restart: every key still being collected is scheduled again; finished ones are delivered. */
    @Initializer(after = InitMilestone.JOB_LOADED)
    public static void resume() {
        UsageCollection usage = get();
        KeyTasks.get().submitQuietly("resuming OpenAI usage collection", () -> {
            for (UsageJob job : usage.collector().jobs()) {
                if (job.state() != UsageJob.State.IN_USE) {
                    usage.schedule(job);
                } else if (!stillRunning(job)) {
                    // its build was lost in the restart (freestyle) or is gone: its key's life is over
                    usage.keyEnded(job.id(), Instant.now());
                }
            }
        });
    }

    private static boolean stillRunning(UsageJob job) {
        Job<?, ?> parent = Jenkins.get().getItemByFullName(job.job(), Job.class);
        Run<?, ?> run = parent == null ? null : parent.getBuild(job.build());
        return run != null && run.isBuilding();
    }

    /** The build-log line at the end of a block: where and roughly when the figures will appear. */
    static String notice(@NonNull UsageJob job) {
        String where = buildUrl(job) + OpenAIUsageAction.URL_NAME + "/";
        if (job.state() == UsageJob.State.NOT_AVAILABLE) {
            return "OpenAI usage of key " + job.keyId() + " will not be shown: " + job.message();
        }
        return "OpenAI usage of key " + job.keyId() + " will appear on " + where + " in about "
                + Ttls.format(policy().firstReadAfter().plus(policy().between())) + ", once OpenAI's usage report"
                + " is complete.";
    }

    private static String buildUrl(UsageJob job) {
        Job<?, ?> parent = Jenkins.get().getItemByFullName(job.job(), Job.class);
        Run<?, ?> run = parent == null ? null : parent.getBuild(job.build());
        if (run == null) {
            return "the build page of " + job.job() + " #" + job.build() + " under ";
        }
        String root = Jenkins.get().getRootUrl();
        return (root == null ? "/" : root) + run.getUrl();
    }
}
