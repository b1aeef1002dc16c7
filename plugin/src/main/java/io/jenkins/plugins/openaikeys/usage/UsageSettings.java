package io.jenkins.plugins.openaikeys.usage;

import hudson.Extension;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import io.jenkins.plugins.openaikeys.config.FormChecks;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * An organization's choice to show each build's OpenAI usage (present = on, absent = off, the
 * default), and for a {@code vaultEngine} organization where the admin config that may read
 * usage lives in Vault KV v2: the engine keeps its own admin key to itself, so usage needs one
 * of its own. An {@code adminApi} organization uses the admin key it already reads and ignores
 * the KV path here.
 */
public class UsageSettings extends AbstractDescribableImpl<UsageSettings> {

    private String kvMount = FormChecks.DEFAULT_KV_MOUNT;
    private String kvPath;

    @DataBoundConstructor
    public UsageSettings() {
    }

    public String getKvMount() {
        return kvMount;
    }

    @DataBoundSetter
    public void setKvMount(String kvMount) {
        this.kvMount = FormChecks.kvMountOrDefault(kvMount);
    }

    /** The usage-reader admin config of a vaultEngine organization; null when none is set. */
    public String getKvPath() {
        return kvPath;
    }

    @DataBoundSetter
    public void setKvPath(String kvPath) {
        String p = FormChecks.strip(FormChecks.blankToNull(kvPath));
        this.kvPath = p == null || p.isEmpty() ? null : p;
    }

    @Extension
    public static class DescriptorImpl extends Descriptor<UsageSettings> {

        @Override
        public String getDisplayName() {
            return "OpenAI usage per build";
        }

        public FormValidation doCheckKvMount(@QueryParameter String value) {
            return FormChecks.mount(value, "The KV v2 mount of the usage-reader admin configuration", false);
        }

        public FormValidation doCheckKvPath(@QueryParameter String value) {
            return FormChecks.kvPath(value, "The KV v2 path of the usage-reader admin configuration", false);
        }
    }
}
