package io.jenkins.plugins.openaikeys.core.sweep;

import java.util.List;

/**
 * What one sweep of one organisation found and did, for the log and the configuration
 * page. Holds ids and names only.
 *
 * @param organization the organisation swept
 * @param examined     service accounts listed across all projects
 * @param swept        accounts deleted (or, in a dry run, that would have been)
 * @param failures     one sentence per project or account that could not be handled
 * @param dryRun       whether {@code swept} is only a plan
 */
public record SweepReport(String organization, int examined, List<SweptAccount> swept, List<String> failures,
                          boolean dryRun) {

    public SweepReport {
        swept = List.copyOf(swept);
        failures = List.copyOf(failures);
    }

    /** One orphan, by its public ids. */
    public record SweptAccount(String projectId, String serviceAccountId, String name) {
    }

    /** One line for a log: counts and ids. */
    public String summary() {
        return (dryRun ? "Dry run of the orphan sweep of " : "Orphan sweep of ") + organization + ": examined "
                + examined + " service accounts, " + (dryRun ? "would delete " : "deleted ") + swept.size()
                + (failures.isEmpty() ? "" : ", " + failures.size() + " failures");
    }
}
