package io.jenkins.plugins.openaikeys.tasks;

import hudson.model.TaskListener;
import io.jenkins.plugins.openaikeys.config.OpenAIKeysConfiguration;
import io.jenkins.plugins.openaikeys.config.RoleConfig;
import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.source.AdminApiKeySource;
import io.jenkins.plugins.openaikeys.core.source.KeySource;
import io.jenkins.plugins.openaikeys.core.source.LiteLlmProxyKeySource;
import io.jenkins.plugins.openaikeys.core.sweep.OrphanSweeper;
import io.jenkins.plugins.openaikeys.core.sweep.ServiceAccountDirectory;
import io.jenkins.plugins.openaikeys.core.sweep.SweepPolicy;
import io.jenkins.plugins.openaikeys.core.sweep.SweepReport;
import io.jenkins.plugins.openaikeys.runtime.KeyRuntime;
import io.jenkins.plugins.openaikeys.runtime.MintedProjects;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One pass of the orphan sweeper over the saved configuration: for every adminApi
 * organization, the projects of the roles that use it, listed and swept with the admin client
 * the broker mints with ({@link AdminApiKeySource#adminClient()}); for every litellmProxy
 * organization, the proxy's keys ({@code /key/list}) whose alias carries this controller's prefix
 * and a past expiry ({@link LiteLlmProxyKeySource#sweepDirectory()}).
 *
 * <p>Why here and not in core: which organizations and projects exist is Jenkins
 * configuration. The decision what is an orphan (prefix + expiry stamp + grace) stays in
 * core's {@link OrphanSweeper}. Vault-engine organizations (OpenAI or LiteLLM) are skipped: Vault's
 * lease TTL already destroys their keys. Every line printed holds ids and names only.
 */
final class OrphanSweeps {

    /** What a LiteLLM proxy's keys are swept as, in place of an OpenAI project. */
    static final String LITELLM_KEYS = "litellm-keys";

    private final OpenAIKeysConfiguration config;
    private final Clock clock;

    OrphanSweeps(OpenAIKeysConfiguration config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /**
     * Sweeps every adminApi organization; an organization whose admin client cannot be had
     * (Vault down, admin config missing) is reported and skipped, the others still run.
     *
     * @throws EphemeralKeyException one sentence when the plugin is not configured at all
     */
    List<SweepReport> sweepAll(TaskListener listener) {
        PrintStream log = listener.getLogger();
        SweepPolicy policy;
        try {
            policy = new SweepPolicy(config.getNamePrefix(), config.sweeperGraceDuration(), config.isSweeperDryRun());
        } catch (IllegalArgumentException e) {
            log.println("Orphan sweep skipped: " + e.getMessage());
            return List.of();
        }
        OrphanSweeper sweeper = new OrphanSweeper(policy, clock);
        List<SweepReport> reports = new ArrayList<>();
        for (Map.Entry<String, KeySource> e : KeyRuntime.get().keySources().entrySet()) {
            if (e.getValue() instanceof LiteLlmProxyKeySource proxy) {
                // Leftover virtual keys: this controller's alias prefix and an expiry stamp past the grace.
                SweepReport report = sweeper.sweep(e.getKey(), proxy.sweepDirectory(), List.of(LITELLM_KEYS));
                print(report, log, true);
                reports.add(report);
                continue;
            }
            if (!(e.getValue() instanceof AdminApiKeySource source)) {
                continue;
            }
            String organization = e.getKey();
            Set<String> projects = projectsOf(organization);
            if (projects.isEmpty()) {
                continue;
            }
            ServiceAccountDirectory directory;
            try {
                directory = ServiceAccountDirectory.of(source.adminClient());
            } catch (EphemeralKeyException x) {
                log.println("Orphan sweep of " + organization + " skipped: " + x.getMessage());
                continue;
            }
            SweepReport report = sweeper.sweep(organization, directory, projects);
            print(report, log, false);
            reports.add(report);
        }
        return reports;
    }

    /**
     * The OpenAI projects of {@code organization} to sweep: those its roles mint in now, and those
     * this controller has minted in before ({@link MintedProjects}), so that removing or changing a
     * role does not leave that project's orphans behind.
     */
    private Set<String> projectsOf(String organization) {
        Set<String> projects = new LinkedHashSet<>();
        for (RoleConfig role : config.getRoles()) {
            if (organization.equals(role.getOrganization()) && role.getProjectId() != null) {
                projects.add(role.getProjectId());
            }
        }
        projects.addAll(MintedProjects.get().projectsOf(organization));
        return projects;
    }

    private static void print(SweepReport report, PrintStream log, boolean liteLlm) {
        log.println(liteLlm ? report.summary().replace(" service accounts,", " LiteLLM keys,") : report.summary());
        String verb = report.dryRun() ? "Would delete" : "Deleted";
        for (SweepReport.SweptAccount a : report.swept()) {
            log.println(liteLlm ? "  " + verb + " LiteLLM key alias " + a.name()
                    : "  " + verb + " service account " + a.serviceAccountId() + " (" + a.name() + ") in project "
                    + a.projectId());
        }
        for (String failure : report.failures()) {
            log.println("  " + failure);
        }
    }
}
