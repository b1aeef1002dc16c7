package io.jenkins.plugins.openaikeys.config;

import hudson.util.FormValidation;
import io.jenkins.plugins.openaikeys.core.policy.OrganizationSpec;
import io.jenkins.plugins.openaikeys.core.source.SourceKind;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * An organization whose authority is one Vault KV v2 secret that the plugin reads itself (an
 * OpenAI admin configuration, or a LiteLLM proxy's URL and master key). Why a base class: both
 * kinds hold, normalise and check the same mount and path and differ only in what the secret
 * holds and in their kind.
 */
public abstract class KvOrganization extends OrganizationConfig {

    private String kvMount = FormChecks.DEFAULT_KV_MOUNT;
    private final String kvPath;

    protected KvOrganization(String name, String kvPath) {
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

    /** How this organization mints. */
    protected abstract SourceKind kind();

    @Override
    OrganizationSpec toSpec() {
        return new OrganizationSpec(getName(), kind(), kvMount, kvPath);
    }

    /** The checks of the two KV fields; subclasses say what the secret at the path is. */
    public abstract static class KvOrganizationDescriptor extends OrganizationDescriptor {

        /** E.g. "the admin configuration", for "The KV v2 path of …". */
        protected abstract String secretName();

        public FormValidation doCheckKvMount(@QueryParameter String value) {
            return FormChecks.mount(value, "The KV v2 mount", false);
        }

        public FormValidation doCheckKvPath(@QueryParameter String value) {
            return FormChecks.kvPath(value, "The KV v2 path of " + secretName(), true);
        }
    }
}
