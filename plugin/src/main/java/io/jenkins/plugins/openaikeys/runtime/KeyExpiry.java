package io.jenkins.plugins.openaikeys.runtime;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.model.TaskListener;
import io.jenkins.plugins.openaikeys.core.broker.RevocationHandle;
import io.jenkins.plugins.openaikeys.steps.WithOpenAIKeyExecution;
import io.jenkins.plugins.openaikeys.tasks.OrphanedKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * One timer per key held by a running block or freestyle build, firing when the key's TTL ends:
 * it revokes the key and says so in that build's log, so that a body whose calls start failing
 * with 401 has a line that explains why.
 *
 * <p>Why the holder owns this and not the periodic task: only the holder knows the build log to
 * write to, and it knows at once. {@link OrphanedKeys} leaves keys of running builds to their
 * holder until expiry plus {@link OrphanedKeys#EXPIRY_GRACE}, and only then steps in as a backstop.
 * The timers run on the plugin's own threads ({@link KeyTasks}); they live in memory only, so a
 * resumed Pipeline block arms its timer again ({@code WithOpenAIKeyExecution#onResume}).
 *
 * <p>At the end of the block, {@link #disarm} stops the timer; if it is firing right then, it waits
 * for it, so the block-end line never contradicts the TTL line.
 */
@Extension
@Restricted(NoExternalUse.class)
public final class KeyExpiry {

    private static final Logger LOGGER = Logger.getLogger(KeyExpiry.class.getName());

    /** How long the end of a block waits for a TTL revocation that is running right then. */
    static final Duration FIRING_WAIT = Duration.ofMinutes(2);

    /** What the timer did by the time the block ended. */
    enum Outcome {
        /** No timer for that key in this controller (none armed, or lost in a restart and not re-armed). */
        NOT_ARMED,
        /** The block ended before the TTL: the timer was cancelled. */
        NOT_REACHED,
        /** The TTL ended first; the key was revoked then (by the timer or, before it, by someone else). */
        REVOKED_AT_TTL,
        /** The TTL ended first, but its revocation failed: the key is still queued. */
        FAILED_AT_TTL
    }

    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

    public static @NonNull KeyExpiry get() {
        return ExtensionList.lookupSingleton(KeyExpiry.class);
    }

    /**
     * Arms the timer of {@code key} (again, after a restart). Does nothing for a key without expiry.
     *
     * @param known the handle in memory, or null to look it up in the ledger when the timer fires
     * @param log the build log at the time the timer fires; may answer {@link TaskListener#NULL}
     * @param holder how the log names what holds the key: "block" or "build"
     */
    public void arm(@NonNull HeldKey key, @CheckForNull RevocationHandle known, @NonNull Supplier<TaskListener> log,
            @NonNull String holder) {
        Instant expiresAt = key.expiresAt();
        if (expiresAt == null) {
            return;
        }
        Timer timer = new Timer(key, known, log, holder);
        Timer previous = timers.put(key.handleId(), timer);
        if (previous != null) {
            previous.cancel();
        }
        try {
            timer.future = KeyTasks.get().schedule("the TTL of OpenAI key " + key.keyId(), () -> fire(timer),
                    Duration.between(Instant.now(), expiresAt));
        } catch (RejectedExecutionException e) {
            timers.remove(key.handleId(), timer);
            LOGGER.log(Level.FINE, "Not arming the TTL of {0}: Jenkins is shutting down", key.keyId());
        }
    }

    /**
     * Stops the timer of the key with ledger handle {@code handleId} and says what it did; waits
     * (bounded) when it is revoking right now.
     */
    public @NonNull Outcome disarm(@NonNull String handleId) {
        Timer timer = timers.remove(handleId);
        if (timer == null) {
            return Outcome.NOT_ARMED;
        }
        if (timer.cancel()) {
            return Outcome.NOT_REACHED;
        }
        try {
            return timer.done.get(FIRING_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.FAILED_AT_TTL;
        } catch (ExecutionException | TimeoutException e) {
            return Outcome.FAILED_AT_TTL;
        }
    }

    /** For tests and diagnostics: whether a timer is armed for that handle. */
    boolean isArmed(@NonNull String handleId) {
        Timer timer = timers.get(handleId);
        return timer != null && timer.state.get() == Timer.ARMED;
    }

    private void fire(Timer timer) {
        if (!timer.state.compareAndSet(Timer.ARMED, Timer.FIRING)) {
            return;
        }
        Outcome outcome = Outcome.FAILED_AT_TTL;
        try {
            TaskListener listener = timer.log();
            outcome = KeyService.revokeAtTtl(timer.known, timer.key, timer.holder, listener)
                    ? Outcome.REVOKED_AT_TTL : Outcome.FAILED_AT_TTL;
        } finally {
            // Stays in the map: the holder's disarm at the end of the block reads the outcome.
            timer.done.complete(outcome);
        }
    }

    private static final class Timer {
        static final int ARMED = 0;
        static final int FIRING = 1;
        static final int CANCELLED = 2;

        final HeldKey key;
        final RevocationHandle known;
        final Supplier<TaskListener> log;
        final String holder;
        final AtomicInteger state = new AtomicInteger(ARMED);
        final CompletableFuture<Outcome> done = new CompletableFuture<>();
        volatile ScheduledFuture<?> future;

        Timer(HeldKey key, RevocationHandle known, Supplier<TaskListener> log, String holder) {
            this.key = key;
            this.known = known;
            this.log = log;
            this.holder = holder;
        }

        /** True if it had not started firing; then it never will. */
        boolean cancel() {
            if (!state.compareAndSet(ARMED, CANCELLED)) {
                return false;
            }
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
            return true;
        }

        TaskListener log() {
            try {
                TaskListener l = log.get();
                return l == null ? TaskListener.NULL : l;
            } catch (RuntimeException e) {
                LOGGER.log(Level.FINE, "No build log for the TTL line of " + key.keyId(), e);
                return TaskListener.NULL;
            }
        }
    }
}
