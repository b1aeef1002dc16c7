package io.jenkins.plugins.openaikeys;

import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import java.util.regex.Pattern;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.QueryParameter;

/**
 * One OpenAI organization the plugin can mint keys in, and where its authority lives in
 * Vault. Roles refer to it by {@link #getName() name}. Two kinds: {@link AdminApiOrganization}
 * (the plugin calls OpenAI with an admin key read from KV v2) and {@link VaultEngineOrganization}
 * (Vault's OpenAI secrets engine does the minting).
 */
public abstract class OrganizationConfig implements Describable<OrganizationConfig> {

    /** Same alphabet as role names, so names can appear in ids and log lines unquoted. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final String name;

    protected OrganizationConfig(String name) {
        this.name = FormChecks.blankToNull(name);
    }

    public String getName() {
        return name;
    }

    /** Mounts and paths only: what must change for the broker to be rebuilt. */
    public abstract String fingerprint();

    @SuppressWarnings("unchecked")
    @Override
    public Descriptor<OrganizationConfig> getDescriptor() {
        return Jenkins.get().getDescriptorOrDie(getClass());
    }

    /** Base of the two organization kinds, for {@code f:repeatableHeteroProperty}. */
    public abstract static class OrganizationDescriptor extends Descriptor<OrganizationConfig> {

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
