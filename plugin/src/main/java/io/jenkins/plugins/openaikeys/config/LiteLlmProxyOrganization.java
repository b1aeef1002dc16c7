package io.jenkins.plugins.openaikeys.config;

import hudson.Extension;
import io.jenkins.plugins.openaikeys.core.source.SourceKind;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * A LiteLLM proxy whose {@code base_url} and {@code master_key} live in a Vault KV v2 secret; the
 * plugin reads them (never storing them in Jenkins) and generates and deletes virtual keys with
 * the proxy's key API itself, scoped by each role's models and max budget.
 */
public class LiteLlmProxyOrganization extends KvOrganization {

    @DataBoundConstructor
    public LiteLlmProxyOrganization(String name, String kvPath) {
        super(name, kvPath);
    }

    @Override
    protected SourceKind kind() {
        return SourceKind.LITELLM_PROXY;
    }

    @Extension
    @Symbol("litellmProxy")
    public static class DescriptorImpl extends KvOrganizationDescriptor {

        @Override
        public String getDisplayName() {
            return "LiteLLM proxy, master key in Vault KV v2, the plugin mints virtual keys";
        }

        @Override
        protected String secretName() {
            return "the LiteLLM proxy configuration";
        }
    }
}
