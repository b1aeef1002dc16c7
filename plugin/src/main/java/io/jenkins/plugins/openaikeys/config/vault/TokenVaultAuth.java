package io.jenkins.plugins.openaikeys.config.vault;

import hudson.Extension;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.openaikeys.config.FormChecks;
import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.vault.TokenAuth;
import io.jenkins.plugins.openaikeys.core.vault.VaultAuthMethod;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * Vault login with a static token kept in a "Secret text" credential. Simple, but the token
 * must be periodic or long-lived: prefer AppRole, JWT or Kubernetes in production.
 */
public class TokenVaultAuth extends VaultAuthConfig {

    private final String credentialsId;

    @DataBoundConstructor
    public TokenVaultAuth(String credentialsId) {
        this.credentialsId = FormChecks.blankToNull(credentialsId);
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    @Override
    public VaultAuthMethod toAuthMethod() {
        StringCredentials c = Credentials.require(StringCredentials.class, credentialsId, "Vault token (Secret text)");
        return new TokenAuth(SecretString.of(c.getSecret().getPlainText()));
    }

    @Extension
    @Symbol("token")
    public static class DescriptorImpl extends VaultAuthDescriptor {

        @Override
        public String getDisplayName() {
            return "Vault token (Secret text credential)";
        }

        @POST
        public ListBoxModel doFillCredentialsIdItems(@QueryParameter String credentialsId) {
            return Credentials.listBox(StringCredentials.class, credentialsId);
        }

        public FormValidation doCheckCredentialsId(@QueryParameter String value) {
            return Credentials.check(StringCredentials.class, value, "Secret text");
        }
    }
}
