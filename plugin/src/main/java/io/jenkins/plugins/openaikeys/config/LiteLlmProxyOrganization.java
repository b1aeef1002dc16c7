package io.jenkins.plugins.openaikeys.config;

import hudson.Extension;
import hudson.util.FormValidation;
import io.jenkins.plugins.openaikeys.core.policy.OrganizationSpec;
import io.jenkins.plugins.openaikeys.core.source.SourceKind;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * A LiteLLM proxy whose {@code base_url} and {@code master_key} live in a Vault KV v2 secret; the
 * plugin reads them (never storing them in Jenkins) and generates and deletes virtual keys with
 * the proxy's key API itself, scoped by each role's models and max budget.
 */
public class LiteLlmProxyOrganization extends OrganizationConfig {

    private String kvMount = FormChecks.DEFAULT_KV_MOUNT;
    private final String kvPath;

    @DataBoundConstructor
    public LiteLlmProxyOrganization(String name, String kvPath) {
        super(name);
        this.kvPath = FormChecks.strip(FormChecks.blankToNull(kvPath));
    }

    public String getKvMount() {
        return kvMount;
    }

    @DataBoundSetter
    public void setKvMount(String kvMount) {
        this.kvMount = FormChecks.kvMountOrDefault(kvMount);
    }

    public String getKvPath() {
        return kvPath;
    }

    @Override
    OrganizationSpec toSpec() {
        return new OrganizationSpec(getName(), SourceKind.LITELLM_PROXY, kvMount, kvPath);
    }

    @Override
    public String fingerprint() {
        return "litellmProxy:" + getName() + ":" + kvMount + ":" + kvPath;
    }

    @Extension
    @Symbol("litellmProxy")
    public static class DescriptorImpl extends OrganizationDescriptor {

        @Override
        public String getDisplayName() {
            return "LiteLLM proxy, master key in Vault KV v2, the plugin mints virtual keys";
        }

        public FormValidation doCheckKvMount(@QueryParameter String value) {
            return FormChecks.mount(value, "The KV v2 mount", false);
        }

        public FormValidation doCheckKvPath(@QueryParameter String value) {
            return FormChecks.kvPath(value, "The KV v2 path of the LiteLLM proxy configuration", true);
        }
    }
}
