package io.jenkins.plugins.openaikeys.core.sweep;

import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.openai.ServiceAccount;
import io.jenkins.plugins.openaikeys.core.policy.ServiceAccountNames;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The backstop for adminApi keys when everything else failed: a build lost before its
 * handle reached the ledger, a ledger lost with a disk. Every name we mint carries the
 * controller prefix and an expiry stamp; this lists each configured project and deletes the
 * accounts whose stamp is older than {@code now − grace}. An account whose name does not
 * parse, or carries another prefix, is never touched.
 */
public final class OrphanSweeper {

    private static final Logger LOGGER = Logger.getLogger(OrphanSweeper.class.getName());

    private final SweepPolicy policy;
    private final Clock clock;

    public OrphanSweeper(SweepPolicy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * Sweeps the given projects of one organisation. Never throws for a remote failure: a
     * project that cannot be listed, or an account that cannot be deleted, is reported in
     * {@link SweepReport#failures()} and the sweep goes on with the rest.
     */
    public SweepReport sweep(String organization, ServiceAccountDirectory directory, Collection<String> projectIds) {
        Instant cutoff = clock.instant().minus(policy.grace());
        int examined = 0;
        List<SweepReport.SweptAccount> swept = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (String projectId : new LinkedHashSet<>(projectIds)) {
            List<ServiceAccount> accounts;
            try {
                accounts = directory.list(projectId);
            } catch (EphemeralKeyException e) {
                failures.add("Could not list the service accounts of project " + projectId + ": " + e.getMessage());
                continue;
            }
            examined += accounts.size();
            for (ServiceAccount account : accounts) {
                if (isOrphan(account, cutoff)) {
                    sweepOne(organization, directory, projectId, account, swept, failures);
                }
            }
        }
        SweepReport report = new SweepReport(organization, examined, swept, failures, policy.dryRun());
        // The OpenAI client does not log the failures it throws, so the sweep names them here, once.
        LOGGER.log(failures.isEmpty() ? Level.INFO : Level.WARNING, failures.isEmpty() ? report.summary()
                : report.summary() + ": " + String.join("; ", failures));
        return report;
    }

    private boolean isOrphan(ServiceAccount account, Instant cutoff) {
        Optional<ServiceAccountNames.ParsedName> parsed = ServiceAccountNames.parse(account.name());
        return parsed.isPresent()
                && parsed.get().prefix().equals(policy.prefix())
                && parsed.get().expiresAt().isBefore(cutoff);
    }

    private void sweepOne(String organization, ServiceAccountDirectory directory, String projectId,
                          ServiceAccount account, List<SweepReport.SweptAccount> swept, List<String> failures) {
        SweepReport.SweptAccount orphan = new SweepReport.SweptAccount(projectId, account.id(), account.name());
        if (policy.dryRun()) {
            LOGGER.log(Level.INFO, "Orphan sweep (dry run) would delete service account {0} ({1}) in project {2} of {3}",
                    new Object[] {account.id(), account.name(), projectId, organization});
            swept.add(orphan);
            return;
        }
        try {
            directory.delete(projectId, account.id());
            LOGGER.log(Level.INFO, "Orphan sweep deleted expired service account {0} ({1}) in project {2} of {3}",
                    new Object[] {account.id(), account.name(), projectId, organization});
            swept.add(orphan);
        } catch (EphemeralKeyException e) {
            failures.add("Could not delete expired service account " + account.id() + " in project " + projectId
                    + ": " + e.getMessage());
        }
    }
}
