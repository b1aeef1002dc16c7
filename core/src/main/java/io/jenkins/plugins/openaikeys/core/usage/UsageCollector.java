package io.jenkins.plugins.openaikeys.core.usage;

import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Collects the final usage figures of finished keys: one read per {@link #step} when one is
 * due, until two reads agree ({@link UsagePolicy}). Every change is written to the
 * {@link UsageStore} before it is returned, so a restart resumes where it stopped; delivering the
 * figures and {@link #forget forgetting} the job is the caller's part.
 *
 * <p>Why steps and not a loop: the caller decides on which threads and when (the plugin: its
 * own pool, never a build's thread), and a revoke never waits for any of this. Steps of one job
 * must not run concurrently; different jobs may.
 */
public final class UsageCollector {

    private static final Logger LOGGER = Logger.getLogger(UsageCollector.class.getName());

    private final UsageStore store;
    private final UsageReaders readers;
    private final UsagePolicy policy;
    private final Clock clock;

    public UsageCollector(UsageStore store, UsageReaders readers, UsagePolicy policy, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.readers = Objects.requireNonNull(readers, "readers");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public UsagePolicy policy() {
        return policy;
    }

    /** Records a key just minted, in use until {@link #keyEnded}. */
    public UsageJob keyStarted(UsageJob started) {
        store.put(started);
        return started;
    }

    /**
     * The key's block ended (or its build did): collecting starts after the policy's lag. Ending a
     * key twice keeps the first end; an unknown id gives empty.
     */
    public Optional<UsageJob> keyEnded(String id, Instant at) {
        Optional<UsageJob> job = store.get(id);
        if (job.isEmpty() || job.get().state() != UsageJob.State.IN_USE) {
            return job;
        }
        UsageJob ended = job.get().ended(at, at.plus(policy.firstReadAfter()));
        if (ended.keyId() == null) {
            ended = ended.notAvailable("The key source did not report the key's id, so OpenAI cannot be asked"
                    + " about its usage.");
        }
        store.put(ended);
        return Optional.of(ended);
    }

    /**
     * One read if it is due: the figures become final when they equal the previous read's, or
     * when the policy gives up. Not due, done or unknown jobs are returned unchanged.
     */
    public Optional<UsageJob> step(String id) {
        Optional<UsageJob> found = store.get(id);
        if (found.isEmpty() || found.get().state() != UsageJob.State.COLLECTING) {
            return found;
        }
        UsageJob job = found.get();
        Instant now = clock.instant();
        if (job.nextReadAt() != null && now.isBefore(job.nextReadAt())) {
            return found;
        }
        boolean late = !now.isBefore(job.endedAt().plus(policy.giveUpAfter()));
        UsageJob next;
        try {
            UsageWindow window = UsageWindow.of(job.startedAt(), job.endedAt(), policy.margin());
            List<ModelUsage> figures = readers.forOrganization(job.organization())
                    .keyUsage(job.keyId(), job.projectId(), window);
            if (job.reads() > 0 && figures.equals(job.figures())) {
                next = job.read(figures, null).finished(figures, null);
            } else if (late) {
                next = job.read(figures, null).finished(figures, "OpenAI's figures still changed when collecting"
                        + " stopped, a day after the key ended.");
            } else {
                next = job.read(figures, now.plus(policy.between()));
            }
        } catch (UsageNotAvailableException e) {
            next = job.notAvailable(e.getMessage());
        } catch (EphemeralKeyException e) {
            LOGGER.log(Level.FINE, "OpenAI usage of key {0}: {1}", new Object[] {job.keyId(), e.getMessage()});
            if (late) {
                next = job.figures() != null && job.reads() > 0
                        ? job.finished(job.figures(), "The last read of OpenAI's usage API failed (" + e.getMessage()
                                + "); these are the figures of the read before.")
                        : job.notAvailable("OpenAI's usage API kept failing for a day after the key ended: "
                                + e.getMessage());
            } else {
                next = job.failed(e.getMessage(), now.plus(policy.between()));
            }
        }
        store.put(next);
        return Optional.of(next);
    }

    /** When {@link #step} should next be called for this job; empty when it is not collecting. */
    public Optional<Instant> dueAt(UsageJob job) {
        return job.state() == UsageJob.State.COLLECTING
                ? Optional.of(job.nextReadAt() == null ? clock.instant() : job.nextReadAt()) : Optional.empty();
    }

    public Optional<UsageJob> job(String id) {
        return store.get(id);
    }

    /** Every job the store holds: what to resume after a restart. */
    public List<UsageJob> jobs() {
        return store.all();
    }

    /** The figures were delivered (or the build is gone): the job is dropped. */
    public void forget(String id) {
        store.remove(id);
    }
}
