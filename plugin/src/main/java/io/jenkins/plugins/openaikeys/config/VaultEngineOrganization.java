package io.jenkins.plugins.openaikeys.config;

import hudson.Extension;
import hudson.util.FormValidation;
import io.jenkins.plugins.openaikeys.core.policy.OrganizationSpec;
import io.jenkins.plugins.openaikeys.core.source.SourceKind;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.QueryParameter;

/**
 * An organization served by Vault's OpenAI secrets engine (vault-plugin-secrets-openai)
 * mounted at {@link #getEngineMount()}: Vault holds the admin key and mints; the plugin only
 * reads {@code creds/<role>} leases and revokes them.
 */
public class VaultEngineOrganization extends OrganizationConfig {

    private final String engineMount;

    @DataBoundConstructor
    public VaultEngineOrganization(String name, String engineMount) {
        super(name);
        this.engineMount = FormChecks.strip(FormChecks.blankToNull(engineMount));
    }

    public String getEngineMount() {
        return engineMount;
    }

    @Override
    OrganizationSpec toSpec() {
        return new OrganizationSpec(getName(), SourceKind.VAULT_ENGINE, engineMount, null);
    }

    @Extension
    @Symbol("vaultEngine")
    public static class DescriptorImpl extends OrganizationDescriptor {

        @Override
        public String getDisplayName() {
            return "Vault OpenAI secrets engine, Vault mints";
        }

        public FormValidation doCheckEngineMount(@QueryParameter String value) {
            return FormChecks.mount(value, "The secrets engine mount", true);
        }
    }
}
