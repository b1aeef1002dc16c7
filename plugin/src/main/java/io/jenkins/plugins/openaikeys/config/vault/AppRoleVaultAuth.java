package io.jenkins.plugins.openaikeys.config.vault;

import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.Extension;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.openaikeys.config.FormChecks;
import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.vault.AppRoleAuth;
import io.jenkins.plugins.openaikeys.core.vault.VaultAuthMethod;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * Vault AppRole login. The credential is a "Username with password": username = role_id,
 * password = secret_id, the shape Jenkins admins already manage and rotate.
 */
public class AppRoleVaultAuth extends VaultAuthConfig {

    private final String credentialsId;
    private String mount = AppRoleAuth.DEFAULT_MOUNT;

    @DataBoundConstructor
    public AppRoleVaultAuth(String credentialsId) {
        this.credentialsId = FormChecks.blankToNull(credentialsId);
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    public String getMount() {
        return mount;
    }

    @DataBoundSetter
    public void setMount(String mount) {
        String m = FormChecks.strip(mount);
        this.mount = m == null || m.isEmpty() ? AppRoleAuth.DEFAULT_MOUNT : m;
    }

    @Override
    public VaultAuthMethod toAuthMethod() {
        StandardUsernamePasswordCredentials c = Credentials.require(StandardUsernamePasswordCredentials.class,
                credentialsId, "AppRole (Username with password)");
        return new AppRoleAuth(mount, c.getUsername(), SecretString.of(c.getPassword().getPlainText()));
    }

    @Extension
    @Symbol("appRole")
    public static class DescriptorImpl extends VaultAuthDescriptor {

        @Override
        public String getDisplayName() {
            return "AppRole (Username with password credential: role_id / secret_id)";
        }

        @POST
        public ListBoxModel doFillCredentialsIdItems(@QueryParameter String credentialsId) {
            return Credentials.listBox(StandardUsernamePasswordCredentials.class, credentialsId);
        }

        public FormValidation doCheckCredentialsId(@QueryParameter String value) {
            return Credentials.check(StandardUsernamePasswordCredentials.class, value, "Username with password");
        }

        public FormValidation doCheckMount(@QueryParameter String value) {
            return FormChecks.mount(value, "The AppRole auth mount", false);
        }
    }
}
