package io.jenkins.plugins.openaikeys.core.policy;

import java.util.List;

/**
 * A role exactly as an administrator typed it (durations as text, blanks as they are), before
 * it is checked. Why a separate type from {@link Role}: a configuration page and a JCasC file
 * must be able to hold a role that is wrong, so that {@link RoleCatalog} can say what is wrong
 * with it by name instead of the role silently disappearing.
 *
 * @param allowedJobs globs, one per entry; null or empty = no job
 * @param models      LiteLLM models as typed, one per line or comma-separated; null or blank = none
 * @param maxBudget   LiteLLM max budget as typed; null or blank = none
 */
public record RoleSpec(String name, String organization, String projectId, String engineRole, String ttl,
                       String maxTtl, String variable, String nameTemplate, List<String> allowedJobs,
                       String models, String maxBudget) {

    public RoleSpec {
        allowedJobs = allowedJobs == null ? List.of() : List.copyOf(allowedJobs);
    }

    /** A role without LiteLLM models or budget. */
    public RoleSpec(String name, String organization, String projectId, String engineRole, String ttl,
                    String maxTtl, String variable, String nameTemplate, List<String> allowedJobs) {
        this(name, organization, projectId, engineRole, ttl, maxTtl, variable, nameTemplate, allowedJobs, null, null);
    }
}
