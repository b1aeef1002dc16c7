package io.jenkins.plugins.openaikeys.config.vault;

import hudson.model.Describable;
import hudson.model.Descriptor;
import io.jenkins.plugins.openaikeys.core.vault.VaultAuthMethod;
import jenkins.model.Jenkins;

/**
 * How the controller logs in to Vault, as chosen on the configuration page: one subclass per
 * Vault auth method. Holds only credential <em>ids</em> and non-secret settings; the secret
 * itself is read from the credentials store when the core {@link VaultAuthMethod} is built.
 */
public abstract class VaultAuthConfig implements Describable<VaultAuthConfig> {

    /**
     * Builds the core login, reading credentials now (token, AppRole) or at each login (JWT).
     *
     * @throws io.jenkins.plugins.openaikeys.core.EphemeralKeyException one sentence when a credential is missing
     */
    public abstract VaultAuthMethod toAuthMethod();

    @SuppressWarnings("unchecked")
    @Override
    public Descriptor<VaultAuthConfig> getDescriptor() {
        return Jenkins.get().getDescriptorOrDie(getClass());
    }

    /** Base of the auth method descriptors, so the page can list them with {@code f:dropdownDescriptorSelector}. */
    public abstract static class VaultAuthDescriptor extends Descriptor<VaultAuthConfig> {
    }
}
