package io.jenkins.plugins.openaikeys.config.vault;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import hudson.security.ACL;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import java.util.Collections;
import jenkins.model.Jenkins;

/**
 * Global-scope credential lookups for the Vault login.
 *
 * <p>Why global scope as SYSTEM: the Vault login belongs to the controller, not to any job,
 * and only administrators configure it. So lists and lookups read the credentials stored on
 * Jenkins itself ({@code System} or {@code Global} scope) with {@link ACL#SYSTEM2}, and the
 * list boxes show nothing to anyone without {@link Jenkins#ADMINISTER}.
 */
final class Credentials {

    private Credentials() {
    }

    /** The list box for a credentials field of the global configuration; empty without Administer. */
    static ListBoxModel listBox(Class<? extends StandardCredentials> type, String currentValue) {
        StandardListBoxModel model = new StandardListBoxModel();
        if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
            return model;
        }
        model.includeEmptyValue();
        model.includeMatchingAs(ACL.SYSTEM2, Jenkins.get(), type, Collections.emptyList(), CredentialsMatchers.always());
        if (currentValue != null && !currentValue.isEmpty()) {
            model.includeCurrentValue(currentValue);
        }
        return model;
    }

    /** Form check: the id is set and names a credential of the expected type. */
    static FormValidation check(Class<? extends StandardCredentials> type, String id, String kind) {
        if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
            return FormValidation.ok();
        }
        if (id == null || id.isBlank()) {
            return FormValidation.error("Choose a " + kind + " credential.");
        }
        if (find(type, id) == null) {
            return FormValidation.error("No " + kind + " credential with id '" + id
                    + "' exists on Jenkins itself (System or Global scope).");
        }
        return FormValidation.ok();
    }

    /**
     * Looks a credential up by id.
     *
     * @throws EphemeralKeyException (one sentence) when it is not there
     */
    static <C extends StandardCredentials> C require(Class<C> type, String id, String kind) {
        if (id == null || id.isBlank()) {
            throw new EphemeralKeyException("The Vault login has no " + kind
                    + " credential: choose one under Manage Jenkins > System > OpenAI Ephemeral Keys");
        }
        C c = find(type, id);
        if (c == null) {
            throw new EphemeralKeyException("The " + kind + " credential '" + id
                    + "' for the Vault login does not exist on Jenkins itself: create it or choose another one");
        }
        return c;
    }

    static <C extends StandardCredentials> C find(Class<C> type, String id) {
        return CredentialsMatchers.firstOrNull(
                CredentialsProvider.lookupCredentialsInItemGroup(type, Jenkins.get(), ACL.SYSTEM2, Collections.emptyList()),
                CredentialsMatchers.withId(id));
    }
}
