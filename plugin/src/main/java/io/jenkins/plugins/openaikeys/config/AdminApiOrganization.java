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
 * An organization whose admin API key lives in a Vault KV v2 secret (fields
 * {@code admin_api_key}, {@code admin_api_key_id}, {@code organization_id}, optional
 * {@code api_endpoint}); the plugin reads it and creates project service accounts itself.
 */
public class AdminApiOrganization extends OrganizationConfig {

    private String kvMount = FormChecks.DEFAULT_KV_MOUNT;
    private final String kvPath;

    @DataBoundConstructor
    public AdminApiOrganization(String name, String kvPath) {
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
        return new OrganizationSpec(getName(), SourceKind.ADMIN_API, kvMount, kvPath);
    }

    @Override
    public String fingerprint() {
        return "adminApi:" + getName() + ":" + kvMount + ":" + kvPath;
    }

    @Extension
    @Symbol("adminApi")
    public static class DescriptorImpl extends OrganizationDescriptor {

        @Override
        public String getDisplayName() {
            return "Admin API key in Vault KV v2, the plugin mints";
        }

        public FormValidation doCheckKvMount(@QueryParameter String value) {
            return FormChecks.mount(value, "The KV v2 mount", false);
        }

        public FormValidation doCheckKvPath(@QueryParameter String value) {
            return FormChecks.kvPath(value, "The KV v2 path of the admin configuration", true);
        }
    }
}
