package io.jenkins.plugins.openaikeys.config;

import hudson.Extension;
import hudson.model.AdministrativeMonitor;
import java.util.List;

/**
 * Tells administrators (Manage Jenkins) which saved roles or organizations cannot work, by name
 * and why. The page and JCasC refuse such a configuration, so this shows what an older version,
 * a hand-edited XML file or a restore from backup left behind: roles that builds ask for and are
 * refused. Computed from the saved settings in memory: no Vault or OpenAI call on a page view.
 */
@Extension
public final class ConfigurationProblemsMonitor extends AdministrativeMonitor {

    public ConfigurationProblemsMonitor() {
        super(ConfigurationProblemsMonitor.class.getName());
    }

    @Override
    public String getDisplayName() {
        return "OpenAI Ephemeral Keys: configuration problems";
    }

    @Override
    public boolean isActivated() {
        return !getProblems().isEmpty();
    }

    /** One sentence per problem, naming the role or organization. */
    public List<String> getProblems() {
        return OpenAIKeysConfiguration.get().problems();
    }
}
