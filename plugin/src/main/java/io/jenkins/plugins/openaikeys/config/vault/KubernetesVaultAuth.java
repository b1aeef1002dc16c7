package io.jenkins.plugins.openaikeys.config.vault;

import hudson.Extension;
import hudson.util.FormValidation;
import io.jenkins.plugins.openaikeys.config.FormChecks;
import io.jenkins.plugins.openaikeys.core.vault.KubernetesAuth;
import io.jenkins.plugins.openaikeys.core.vault.VaultAuthMethod;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * Vault Kubernetes login with the controller pod's service-account token. No Jenkins
 * credential at all: the kubelet writes and rotates the token file.
 */
public class KubernetesVaultAuth extends VaultAuthConfig {

    private final String role;
    private String mount = KubernetesAuth.DEFAULT_MOUNT;
    private String tokenFile = KubernetesAuth.DEFAULT_TOKEN_FILE.toString();

    @DataBoundConstructor
    public KubernetesVaultAuth(String role) {
        this.role = FormChecks.blankToNull(role);
    }

    public String getRole() {
        return role;
    }

    public String getMount() {
        return mount;
    }

    @DataBoundSetter
    public void setMount(String mount) {
        String m = FormChecks.strip(mount);
        this.mount = m == null || m.isEmpty() ? KubernetesAuth.DEFAULT_MOUNT : m;
    }

    public String getTokenFile() {
        return tokenFile;
    }

    @DataBoundSetter
    public void setTokenFile(String tokenFile) {
        String t = FormChecks.blankToNull(tokenFile);
        this.tokenFile = t == null ? KubernetesAuth.DEFAULT_TOKEN_FILE.toString() : t;
    }

    @Override
    public VaultAuthMethod toAuthMethod() {
        return new KubernetesAuth(mount, role, Path.of(tokenFile));
    }

    @Extension
    @Symbol("kubernetes")
    public static class DescriptorImpl extends VaultAuthDescriptor {

        @Override
        public String getDisplayName() {
            return "Kubernetes (service-account token of the controller pod)";
        }

        public FormValidation doCheckRole(@QueryParameter String value) {
            return FormChecks.required(value, "The Vault Kubernetes role");
        }

        public FormValidation doCheckMount(@QueryParameter String value) {
            return FormChecks.mount(value, "The Kubernetes auth mount", false);
        }

        public FormValidation doCheckTokenFile(@QueryParameter String value) {
            if (!FormChecks.canAdminister() || value == null || value.isBlank()) {
                return FormValidation.ok();
            }
            try {
                if (!Path.of(value.trim()).isAbsolute()) {
                    return FormValidation.error("The token file must be an absolute path, e.g. "
                            + KubernetesAuth.DEFAULT_TOKEN_FILE);
                }
            } catch (InvalidPathException e) {
                return FormValidation.error("The token file '" + value.trim() + "' is not a valid path.");
            }
            return FormValidation.ok();
        }
    }
}
