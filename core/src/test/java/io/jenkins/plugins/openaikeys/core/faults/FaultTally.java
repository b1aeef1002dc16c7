package io.jenkins.plugins.openaikeys.core.faults;

import java.util.ArrayList;
import java.util.List;

/**
 * The suite's running total: how many scenarios ran to the end, and what they leaked.
 * {@link #verify()} is what makes the whole matrix fail — a scenario that started but did not
 * finish, a key left alive or a secret byte found anywhere. It counts the scenarios that
 * started rather than all declared ones, so one scenario can be run alone
 * ({@code -Dtest='FaultMatrixTest#recoversWithoutLeaking'} with a display-name filter in the IDE).
 */
final class FaultTally {

    private int started;
    private int ran;
    private long leakedKeys;
    private long leakedSecretBytes;
    private final List<String> findings = new ArrayList<>();

    /** @param finished whether the scenario ran to its end (its own assertions passed) */
    synchronized void add(String scenario, LeakAudit.Result result, boolean finished) {
        started++;
        if (finished) {
            ran++;
        }
        leakedKeys += result.leakedKeys();
        leakedSecretBytes += result.leakedSecretBytes();
        for (String f : result.findings()) {
            findings.add(scenario + ": " + f);
        }
    }

    /** The line CI looks for. */
    synchronized String line() {
        return "fault scenarios: " + ran + ", leaked keys: " + leakedKeys + ", leaked secret bytes: "
                + leakedSecretBytes;
    }

    synchronized void verify() {
        List<String> problems = new ArrayList<>();
        if (started == 0) {
            problems.add("no fault scenario ran");
        } else if (ran < started) {
            problems.add("only " + ran + " of " + started + " fault scenarios ran to the end");
        }
        if (leakedKeys != 0 || leakedSecretBytes != 0) {
            problems.add("leaks: " + String.join("; ", findings));
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(line() + " — " + String.join(" — ", problems));
        }
    }
}
