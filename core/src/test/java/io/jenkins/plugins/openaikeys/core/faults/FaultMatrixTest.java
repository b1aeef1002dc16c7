package io.jenkins.plugins.openaikeys.core.faults;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault matrix: every scripted failure of mint and revoke, against both fakes, each
 * followed by its recovery and a {@link LeakAudit}. The suite fails if any scenario fails,
 * leaves a key alive or lets a secret byte into a log, a caller's message or a file — and,
 * in {@link #reportAndVerify()}, if a scenario that started did not run to its end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultMatrixTest {

    /** Set it to part of a scenario's story to run only the scenarios whose story contains it. */
    static final String ONLY = "faultScenario";

    static List<FaultScenario> scenarios() {
        List<FaultScenario> all = new ArrayList<>();
        all.addAll(CrashScenarios.all());
        all.addAll(RevokeOutageScenarios.all());
        all.addAll(VaultScenarios.all());
        all.addAll(ConcurrencyScenarios.all());
        all.addAll(EchoScenarios.all());
        all.addAll(LiteLlmScenarios.all());
        String only = System.getProperty(ONLY, "");
        return only.isBlank() ? all : all.stream().filter(s -> s.story().contains(only)).toList();
    }

    private final FaultTally tally = new FaultTally();

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void recoversWithoutLeaking(FaultScenario scenario) throws Exception {
        LeakAudit.Result audit = play(scenario, tally);
        assertThat(audit.findings()).as("left behind by: " + scenario.story()).isEmpty();
    }

    /**
     * Plays one scenario in a fresh world and audits it, whether or not it ran to its end, into
     * {@code tally}: what the matrix does for each scenario (and what {@link LeakAuditTest} does
     * with deliberately leaking ones).
     */
    static LeakAudit.Result play(FaultScenario scenario, FaultTally tally) throws Exception {
        try (FaultWorld world = new FaultWorld()) {
            boolean finished = false;
            LeakAudit.Result audit;
            try {
                scenario.play().run(world);
                world.assertNoRepeatedWarnings();
                finished = true;
            } finally {
                audit = LeakAudit.audit(world);
                tally.add(scenario.story(), audit, finished);
            }
            return audit;
        }
    }

    @AfterAll
    void reportAndVerify() {
        // System.out on purpose, only here: this line is the suite's result for CI and for the
        // issue (".ci/run" output); a log line would be filtered by the logging configuration.
        System.out.println(tally.line());
        tally.verify();
    }
}
