package io.jenkins.plugins.openaikeys.config;

import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.policy.OrganizationSpec;
import io.jenkins.plugins.openaikeys.core.rotation.RotationResult;
import io.jenkins.plugins.openaikeys.rotation.AdminKeyRotations;
import io.jenkins.plugins.openaikeys.rotation.RotationAnswers;
import io.jenkins.plugins.openaikeys.rotation.RotationRow;
import io.jenkins.plugins.openaikeys.usage.UsageSettings;
import java.util.regex.Pattern;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.interceptor.RequirePOST;

/**
 * One OpenAI organization the plugin can mint keys in, and where its authority lives in
 * Vault. Roles refer to it by {@link #getName() name}. Four kinds: {@link AdminApiOrganization}
 * (the plugin calls OpenAI with an admin key read from KV v2), {@link VaultEngineOrganization}
 * (Vault's OpenAI secrets engine does the minting), {@link LiteLlmProxyOrganization} (the plugin
 * calls a LiteLLM proxy's key API with its master key read from KV v2) and
 * {@link LiteLlmEngineOrganization} (Vault's LiteLLM secrets engine mints virtual keys).
 */
public abstract class OrganizationConfig implements Describable<OrganizationConfig> {

    /** Same alphabet as role names, so names can appear in ids and log lines unquoted. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final String name;
    /** Per-build OpenAI usage: null = off (the default). */
    private UsageSettings usage;

    protected OrganizationConfig(String name) {
        this.name = FormChecks.blankToNull(name);
    }

    public String getName() {
        return name;
    }

    /** Whether and how builds show what their keys used; null when off. */
    public UsageSettings getUsage() {
        return usage;
    }

    @DataBoundSetter
    public void setUsage(UsageSettings usage) {
        this.usage = usage;
    }

    /** As typed, for core's checks ({@link OrganizationSpec#problems}). */
    abstract OrganizationSpec toSpec();

    @SuppressWarnings("unchecked")
    @Override
    public Descriptor<OrganizationConfig> getDescriptor() {
        return Jenkins.get().getDescriptorOrDie(getClass());
    }

    /**
     * Base of the two organization kinds, for {@code f:repeatableHeteroProperty}; also the
     * buttons of each organization's block, which act on that organization alone, as saved.
     */
    public abstract static class OrganizationDescriptor extends Descriptor<OrganizationConfig> {

        /** "Test this organization": Vault login, then this organization's admin or engine configuration. */
        @RequirePOST
        public FormValidation doTestOrganization(@QueryParameter String name) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return new ConnectionTester(OpenAIKeysConfiguration.get()).run(FormChecks.blankToNull(name));
        }

        /** "Rotate its admin key now": this organization only, whatever the schedule says. */
        @RequirePOST
        public FormValidation doRotateOrganization(@QueryParameter String name) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            String org = FormChecks.blankToNull(name);
            if (org == null) {
                return FormValidation.error("Give the organization a name and save before rotating its admin key.");
            }
            try {
                return RotationAnswers.formValidation(AdminKeyRotations.get().rotateNow(org));
            } catch (EphemeralKeyException e) {
                return FormValidation.error(e.getMessage());
            }
        }

        /** For the block's "Last rotation" line: null until a rotation of it ran since Jenkins started. */
        public RotationRow lastRotation(OrganizationConfig organization) {
            if (organization == null || !FormChecks.canAdminister()) {
                return null;
            }
            RotationResult r = AdminKeyRotations.get().lastResult(organization.getName());
            return r == null ? null : new RotationRow(r);
        }

        public FormValidation doCheckName(@QueryParameter String value) {
            if (!FormChecks.canAdminister()) {
                return FormValidation.ok();
            }
            if (value == null || value.isBlank()) {
                return FormValidation.error("The organization name is required: roles refer to it.");
            }
            if (!NAME.matcher(value.trim()).matches()) {
                return FormValidation.error("Use 1 to 64 letters, digits, '_', '.' or '-' for the organization name.");
            }
            return FormValidation.ok();
        }
    }
}
