package io.jenkins.plugins.openaikeys.config.vault;

import hudson.Extension;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.openaikeys.config.FormChecks;
import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.vault.JwtAuth;
import io.jenkins.plugins.openaikeys.core.vault.VaultAuthMethod;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * Vault JWT/OIDC login with a JWT kept in a "Secret text" credential. The credential is read
 * at every login, so whoever renews the JWT only has to update the credential.
 */
public class JwtVaultAuth extends VaultAuthConfig {

    private final String role;
    private final String credentialsId;
    private String mount = JwtAuth.DEFAULT_MOUNT;

    @DataBoundConstructor
    public JwtVaultAuth(String role, String credentialsId) {
        this.role = FormChecks.blankToNull(role);
        this.credentialsId = FormChecks.blankToNull(credentialsId);
    }

    public String getRole() {
        return role;
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
        this.mount = m == null || m.isEmpty() ? JwtAuth.DEFAULT_MOUNT : m;
    }

    @Override
    public VaultAuthMethod toAuthMethod() {
        // Fail now (one sentence) if the credential is missing, and re-read it at each login.
        Credentials.require(StringCredentials.class, credentialsId, "JWT (Secret text)");
        String id = credentialsId;
        return new JwtAuth(mount, role, () -> SecretString.of(
                Credentials.require(StringCredentials.class, id, "JWT (Secret text)").getSecret().getPlainText()));
    }

    @Extension
    @Symbol("jwt")
    public static class DescriptorImpl extends VaultAuthDescriptor {

        @Override
        public String getDisplayName() {
            return "JWT (Secret text credential holding the JWT)";
        }

        @POST
        public ListBoxModel doFillCredentialsIdItems(@QueryParameter String credentialsId) {
            return Credentials.listBox(StringCredentials.class, credentialsId);
        }

        public FormValidation doCheckCredentialsId(@QueryParameter String value) {
            return Credentials.check(StringCredentials.class, value, "Secret text");
        }

        public FormValidation doCheckRole(@QueryParameter String value) {
            return FormChecks.required(value, "The Vault JWT role");
        }

        public FormValidation doCheckMount(@QueryParameter String value) {
            return FormChecks.mount(value, "The JWT auth mount", false);
        }
    }
}
