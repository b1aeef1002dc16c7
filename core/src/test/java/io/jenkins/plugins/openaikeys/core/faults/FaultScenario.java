package io.jenkins.plugins.openaikeys.core.faults;

import java.util.Objects;

/**
 * One scripted failure and its recovery against the fakes. {@code play} injects the fault,
 * drives the broker through it, recovers (retry, restart, sweep — whatever production would
 * do) and asserts the scenario's own story; the {@link LeakAudit} afterwards checks that
 * nothing was left alive and no secret escaped.
 *
 * @param story what happens, in one sentence: the test's display name
 */
record FaultScenario(String story, Play play) {

    @FunctionalInterface
    interface Play {
        void run(FaultWorld world) throws Exception;
    }

    FaultScenario {
        Objects.requireNonNull(story);
        Objects.requireNonNull(play);
    }

    @Override
    public String toString() {
        return story;
    }
}
