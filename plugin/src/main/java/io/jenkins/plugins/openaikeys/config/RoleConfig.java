package io.jenkins.plugins.openaikeys.config;

import hudson.Extension;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.policy.Role;
import io.jenkins.plugins.openaikeys.core.policy.RoleCatalog;
import io.jenkins.plugins.openaikeys.core.policy.RoleSpec;
import io.jenkins.plugins.openaikeys.core.policy.ServiceAccountNames;
import io.jenkins.plugins.openaikeys.core.policy.Ttls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * A role as an administrator configures it: the form and JCasC shape of core's {@link Role}.
 * Builds ask for a role by name and get exactly what it says; they choose nothing else.
 * Durations are kept as the text the administrator typed ({@code 30m}, {@code 1h}).
 */
public class RoleConfig implements Describable<RoleConfig> {

    static final String DEFAULT_TTL = "30m";

    private final String name;
    private final String organization;
    private String projectId;
    private String engineRole;
    private String ttl = DEFAULT_TTL;
    private String maxTtl;
    private String variable = Role.DEFAULT_VARIABLE;
    private String nameTemplate;
    private String allowedJobs;
    private String models;
    private String maxBudget;

    @DataBoundConstructor
    public RoleConfig(String name, String organization) {
        this.name = FormChecks.blankToNull(name);
        this.organization = FormChecks.blankToNull(organization);
    }

    public String getName() {
        return name;
    }

    public String getOrganization() {
        return organization;
    }

    public String getProjectId() {
        return projectId;
    }

    @DataBoundSetter
    public void setProjectId(String projectId) {
        this.projectId = FormChecks.blankToNull(projectId);
    }

    public String getEngineRole() {
        return engineRole;
    }

    @DataBoundSetter
    public void setEngineRole(String engineRole) {
        this.engineRole = FormChecks.blankToNull(engineRole);
    }

    public String getTtl() {
        return ttl;
    }

    @DataBoundSetter
    public void setTtl(String ttl) {
        String t = FormChecks.blankToNull(ttl);
        this.ttl = t == null ? DEFAULT_TTL : t;
    }

    public String getMaxTtl() {
        return maxTtl;
    }

    @DataBoundSetter
    public void setMaxTtl(String maxTtl) {
        this.maxTtl = FormChecks.blankToNull(maxTtl);
    }

    /** The environment variable the key is bound to; {@value Role#DEFAULT_VARIABLE} unless set. */
    public String getVariable() {
        return variable;
    }

    @DataBoundSetter
    public void setVariable(String variable) {
        String v = FormChecks.blankToNull(variable);
        this.variable = v == null ? Role.DEFAULT_VARIABLE : v;
    }

    public String getNameTemplate() {
        return nameTemplate;
    }

    @DataBoundSetter
    public void setNameTemplate(String nameTemplate) {
        this.nameTemplate = FormChecks.blankToNull(nameTemplate);
    }

    /** Globs on the job's full name, one per line; empty means no job (default deny). */
    public String getAllowedJobs() {
        return allowedJobs;
    }

    @DataBoundSetter
    public void setAllowedJobs(String allowedJobs) {
        this.allowedJobs = allowedJobs == null || allowedJobs.isBlank() ? null : allowedJobs.strip();
    }

    /** LiteLLM models a litellmProxy key may call, one per line; empty means all the proxy allows. */
    public String getModels() {
        return models;
    }

    @DataBoundSetter
    public void setModels(String models) {
        this.models = models == null || models.isBlank() ? null : models.strip();
    }

    /** A litellmProxy key's max budget as typed, e.g. {@code 5} or {@code 12.50}; empty means none. */
    public String getMaxBudget() {
        return maxBudget;
    }

    @DataBoundSetter
    public void setMaxBudget(String maxBudget) {
        this.maxBudget = FormChecks.blankToNull(maxBudget);
        if (this.maxBudget != null) {
            this.maxBudget = this.maxBudget.trim();
        }
    }

    /** The non-blank lines of {@link #getAllowedJobs()}, trimmed. */
    public List<String> getAllowedJobList() {
        return lines(allowedJobs);
    }

    /** The role as typed, for core's {@link RoleCatalog}, which says what is wrong with it by name. */
    RoleSpec toSpec() {
        return new RoleSpec(name, organization, projectId, engineRole, ttl, maxTtl, variable, nameTemplate,
                getAllowedJobList(), models, maxBudget);
    }

    static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        if (text != null) {
            for (String line : text.split("\\R")) {
                if (!line.isBlank()) {
                    out.add(line.trim());
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    @Override
    public Descriptor<RoleConfig> getDescriptor() {
        return Jenkins.get().getDescriptorOrDie(getClass());
    }

    @Extension
    @Symbol("role")
    public static class DescriptorImpl extends Descriptor<RoleConfig> {

        @Override
        public String getDisplayName() {
            return "Role";
        }

        /** The configured organizations; what was saved, so add an organization and save before using it. */
        @POST
        public ListBoxModel doFillOrganizationItems(@QueryParameter String organization) {
            ListBoxModel model = new ListBoxModel();
            if (!FormChecks.canAdminister()) {
                return model;
            }
            // no preselection: a new role must not silently mint in whichever organization comes first
            model.add("- choose an organization -", "");
            boolean current = false;
            for (OrganizationConfig org : OpenAIKeysConfiguration.get().getOrganizations()) {
                if (org.getName() != null) {
                    model.add(org.getName() + ": " + org.getDescriptor().getDisplayName(), org.getName());
                    current |= org.getName().equals(organization);
                }
            }
            if (!current && organization != null && !organization.isBlank()) {
                model.add(1, new ListBoxModel.Option(organization + ": not configured", organization));
            }
            return model;
        }

        public FormValidation doCheckName(@QueryParameter String value) {
            return FormChecks.attempt(value, v -> new Role(v, "o", "p", null, Duration.ofMinutes(1), null, null, null, null));
        }

        public FormValidation doCheckOrganization(@QueryParameter String value) {
            if (!FormChecks.canAdminister()) {
                return FormValidation.ok();
            }
            if (value == null || value.isBlank()) {
                return FormValidation.error("Choose the organization whose keys this role mints"
                        + " (add one under Organizations and save first).");
            }
            if (OpenAIKeysConfiguration.get().findOrganization(value) == null) {
                return FormValidation.error("Organization '" + value + "' is not configured: add it under"
                        + " Organizations and save, or choose another one.");
            }
            return FormValidation.ok();
        }

        public FormValidation doCheckProjectId(@QueryParameter String value, @QueryParameter String organization) {
            if (!FormChecks.canAdminister()) {
                return FormValidation.ok();
            }
            OrganizationConfig org = OpenAIKeysConfiguration.get().findOrganization(organization);
            boolean blank = value == null || value.isBlank();
            if (org instanceof AdminApiOrganization && blank) {
                return FormValidation.error("The OpenAI project id (proj_…) is required for an Admin API organization.");
            }
            if (!blank && !value.trim().startsWith("proj_")) {
                return FormValidation.warning("OpenAI project ids start with 'proj_'.");
            }
            return FormValidation.ok();
        }

        public FormValidation doCheckEngineRole(@QueryParameter String value, @QueryParameter String organization) {
            if (!FormChecks.canAdminister()) {
                return FormValidation.ok();
            }
            OrganizationConfig org = OpenAIKeysConfiguration.get().findOrganization(organization);
            boolean blank = value == null || value.isBlank();
            if ((org instanceof VaultEngineOrganization || org instanceof LiteLlmEngineOrganization) && blank) {
                return FormValidation.error("The secrets engine role is required for a Vault engine organization.");
            }
            if (org instanceof LiteLlmProxyOrganization && !blank) {
                return FormValidation.error("Organization " + org.getName() + " mints with the LiteLLM proxy's key"
                        + " API, which ignores a secrets engine role: clear it.");
            }
            if (org instanceof AdminApiOrganization && !blank) {
                return FormValidation.error("Organization " + org.getName() + " mints through the Admin API, which"
                        + " ignores a secrets engine role: clear it or choose a Vault engine organization.");
            }
            return FormValidation.ok();
        }

        public FormValidation doCheckModels(@QueryParameter String value, @QueryParameter String organization) {
            if (!FormChecks.canAdminister() || value == null || value.isBlank()) {
                return FormValidation.ok();
            }
            FormValidation limits = limitsApply(organization);
            if (limits != null) {
                return limits;
            }
            return FormChecks.attempt(value, v -> new Role("r", "o", null, null, Duration.ofMinutes(1), null, null,
                    null, null, Role.parseModels(v), null));
        }

        public FormValidation doCheckMaxBudget(@QueryParameter String value, @QueryParameter String organization) {
            if (!FormChecks.canAdminister() || value == null || value.isBlank()) {
                return FormValidation.ok();
            }
            FormValidation limits = limitsApply(organization);
            if (limits != null) {
                return limits;
            }
            return FormChecks.attempt(value, v -> Role.parseBudget("this", v));
        }

        /** Null when the organization applies models and budget; the error saying who does otherwise. */
        private static FormValidation limitsApply(String organization) {
            OrganizationConfig org = OpenAIKeysConfiguration.get().findOrganization(organization);
            if (org instanceof LiteLlmEngineOrganization) {
                return FormValidation.error("The LiteLLM engine role in Vault fixes models and budget for organization "
                        + org.getName() + ": clear this and set them in the engine role's key_request.");
            }
            if (org instanceof AdminApiOrganization || org instanceof VaultEngineOrganization) {
                return FormValidation.error("Only a LiteLLM organization applies models and a max budget: clear this"
                        + " for organization " + org.getName() + ".");
            }
            return null;
        }

        public FormValidation doCheckTtl(@QueryParameter String value) {
            return FormChecks.attempt(value, v -> Ttls.parse(v == null || v.isBlank() ? DEFAULT_TTL : v));
        }

        public FormValidation doCheckMaxTtl(@QueryParameter String value, @QueryParameter String ttl) {
            if (!FormChecks.canAdminister() || value == null || value.isBlank()) {
                return FormValidation.ok();
            }
            try {
                Duration max = Ttls.parse(value);
                Duration t = Ttls.parse(ttl == null || ttl.isBlank() ? DEFAULT_TTL : ttl);
                if (t.compareTo(max) > 0) {
                    return FormValidation.error("The max TTL " + Ttls.format(max) + " is below the TTL "
                            + Ttls.format(t) + ": raise it or lower the TTL.");
                }
                return FormValidation.ok();
            } catch (BrokerException e) {
                return FormValidation.error(e.getMessage());
            }
        }

        public FormValidation doCheckVariable(@QueryParameter String value) {
            if (!FormChecks.canAdminister() || value == null || value.isBlank()) {
                return FormValidation.ok();
            }
            String problem = Role.variableProblem(value.trim());
            return problem == null ? FormValidation.ok() : FormValidation.error("The variable " + problem + ".");
        }

        public FormValidation doCheckNameTemplate(@QueryParameter String value) {
            if (value == null || value.isBlank()) {
                return FormValidation.ok();
            }
            return FormChecks.attempt(value.trim(), ServiceAccountNames::validateTemplate);
        }

        public FormValidation doCheckAllowedJobs(@QueryParameter String value) {
            if (!FormChecks.canAdminister()) {
                return FormValidation.ok();
            }
            List<String> globs = lines(value);
            if (globs.isEmpty()) {
                return FormValidation.warning("Empty: no job may use this role yet. Add globs such as team-a/** or"
                        + " ** for every job on this controller.");
            }
            for (String glob : globs) {
                if (glob.startsWith("/")) {
                    return FormValidation.error("'" + glob + "' starts with '/': job full names do not,"
                            + " write e.g. team/** or team/deploy-*");
                }
            }
            return FormValidation.ok();
        }
    }
}
