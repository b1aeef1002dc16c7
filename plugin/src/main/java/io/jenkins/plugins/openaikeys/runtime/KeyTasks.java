package io.jenkins.plugins.openaikeys.runtime;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.init.Terminator;
import hudson.security.ACL;
import hudson.security.ACLContext;
import hudson.util.DaemonThreadFactory;
import hudson.util.NamingThreadFactory;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * The plugin's own threads for revocations that nobody waits for: a build's keys when it is
 * finalized, a block's key after an abort, and the timer that revokes a key when its TTL ends.
 *
 * <p>Why not {@code jenkins.util.Timer}: that pool is shared by all of Jenkins and sized for short
 * jobs, while a revocation is network I/O with a retry budget of up to a minute. During a Vault or
 * OpenAI outage, finished builds would hold its threads and stall unrelated work. Here a fixed
 * number of named daemon threads queue such work instead; tasks run as {@code SYSTEM}, and the pool
 * is shut down when Jenkins terminates (a key whose revocation is lost that way is still in the
 * durable ledger, and a TTL timer is re-armed when its Pipeline resumes).
 */
@Extension
public final class KeyTasks {

    private static final Logger LOGGER = Logger.getLogger(KeyTasks.class.getName());

    /** Enough for parallel revocations during an outage without becoming a thread per build. */
    static final int THREADS = 4;

    private final ScheduledThreadPoolExecutor executor;

    public KeyTasks() {
        executor = new ScheduledThreadPoolExecutor(THREADS,
                new NamingThreadFactory(new DaemonThreadFactory(), "OpenAI ephemeral keys"));
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    }

    @Restricted(NoExternalUse.class)
    public static @NonNull KeyTasks get() {
        return ExtensionList.lookupSingleton(KeyTasks.class);
    }

    /** Runs {@code task} soon on one of the plugin's threads. */
    @NonNull Future<?> submit(@NonNull String what, @NonNull Runnable task) {
        return executor.submit(guarded(what, task));
    }

    /** Runs {@code task} after {@code delay} (at once when it is not positive). */
    @NonNull ScheduledFuture<?> schedule(@NonNull String what, @NonNull Runnable task, @NonNull Duration delay) {
        long millis = Math.max(0, delay.toMillis());
        return executor.schedule(guarded(what, task), millis, TimeUnit.MILLISECONDS);
    }

    boolean isShutdown() {
        return executor.isShutdown();
    }

    private static Runnable guarded(String what, Runnable task) {
        return () -> {
            try (ACLContext ignored = ACL.as2(ACL.SYSTEM2)) {
                task.run();
            } catch (RuntimeException | LinkageError e) {
                LOGGER.log(Level.WARNING, "OpenAI Ephemeral Keys: " + what + " failed", e);
            }
        };
    }

    /**
     * Stops the threads when Jenkins shuts down: waits briefly for revocations in flight, drops the
     * timers (the ledger and the resumed Pipelines take over after the restart).
     */
    @Terminator
    public static void shutDown() {
        for (KeyTasks tasks : ExtensionList.lookup(KeyTasks.class)) {
            tasks.stop();
        }
    }

    void stop() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOGGER.log(Level.INFO, "OpenAI Ephemeral Keys: revocations still running at shutdown were"
                        + " interrupted; their keys stay in the revocation ledger");
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Like {@link #submit}, but a pool already shut down (Jenkins is stopping) is not an error. */
    @Restricted(NoExternalUse.class)
    public void submitQuietly(@NonNull String what, @NonNull Runnable task) {
        try {
            submit(what, task);
        } catch (RejectedExecutionException e) {
            LOGGER.log(Level.FINE, "OpenAI Ephemeral Keys: not running {0}: Jenkins is shutting down", what);
        }
    }

    /** Like {@link #schedule}, but a pool already shut down (Jenkins is stopping) is not an error. */
    @Restricted(NoExternalUse.class)
    public void scheduleQuietly(@NonNull String what, @NonNull Runnable task, @NonNull Duration delay) {
        try {
            schedule(what, task, delay);
        } catch (RejectedExecutionException e) {
            LOGGER.log(Level.FINE, "OpenAI Ephemeral Keys: not scheduling {0}: Jenkins is shutting down", what);
        }
    }
}
