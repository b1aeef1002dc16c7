package io.jenkins.plugins.openaikeys.config;

import hudson.Extension;
import hudson.util.FormValidation;
import io.jenkins.plugins.openaikeys.core.policy.OrganizationSpec;
import io.jenkins.plugins.openaikeys.core.source.SourceKind;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.QueryParameter;

/**
 * LiteLLM virtual keys from the LiteLLM secrets engine (vault-plugin-secrets-litellm, on Vault or
 * OpenBao) mounted at {@link #getEngineMount()}: Vault holds the proxy's admin key and mints under
 * a lease; the plugin reads {@code creds/<role>} and revokes the lease. The proxy URL builds use is
 * set here because the engine's answer does not carry it.
 */
public class LiteLlmEngineOrganization extends OrganizationConfig {

    private final String engineMount;
    private final String proxyUrl;

    @DataBoundConstructor
    public LiteLlmEngineOrganization(String name, String engineMount, String proxyUrl) {
        super(name);
        this.engineMount = FormChecks.strip(FormChecks.blankToNull(engineMount));
        String url = FormChecks.blankToNull(proxyUrl);
        this.proxyUrl = url == null ? null : url.trim();
    }

    public String getEngineMount() {
        return engineMount;
    }

    /** The LiteLLM proxy's URL as builds reach it, bound as {@code OPENAI_BASE_URL}. */
    public String getProxyUrl() {
        return proxyUrl;
    }

    @Override
    OrganizationSpec toSpec() {
        return new OrganizationSpec(getName(), SourceKind.LITELLM_ENGINE, engineMount, null, proxyUrl);
    }

    @Extension
    @Symbol("litellmEngine")
    public static class DescriptorImpl extends OrganizationDescriptor {

        @Override
        public String getDisplayName() {
            return "LiteLLM secrets engine in Vault, Vault mints LiteLLM virtual keys";
        }

        public FormValidation doCheckEngineMount(@QueryParameter String value) {
            return FormChecks.mount(value, "The secrets engine mount", true);
        }

        public FormValidation doCheckProxyUrl(@QueryParameter String value) {
            if (!FormChecks.canAdminister()) {
                return FormValidation.ok();
            }
            String problem = OrganizationSpec.baseUrlProblem(value);
            return problem == null ? FormValidation.ok() : FormValidation.error("The " + problem + ".");
        }
    }
}
