package io.jenkins.plugins.openaikeys.config;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.Util;
import hudson.model.Item;
import hudson.security.AccessControlled;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.openaikeys.core.policy.Role;
import io.jenkins.plugins.openaikeys.core.policy.Ttls;
import io.jenkins.plugins.openaikeys.runtime.KeyService;
import io.jenkins.plugins.openaikeys.steps.KeyVariables;
import java.time.Duration;
import java.util.Optional;
import jenkins.model.Jenkins;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * Form support shared by the step's and the wrapper's descriptors: the role list and the field
 * checks.
 *
 * <p>Why permission-checked: role names and which jobs may use them describe the controller's
 * setup; only someone who may configure the job (or administer Jenkins, outside a job) sees them.
 * The pure syntax checks follow the same rule, so that no web method answers before a
 * permission check.
 */
@Restricted(NoExternalUse.class)
public final class RoleChoices {

    private RoleChoices() {}

    static boolean mayConfigure(@CheckForNull Item item) {
        AccessControlled target = item != null ? item : Jenkins.get();
        return target.hasPermission(item != null ? Item.CONFIGURE : Jenkins.ADMINISTER);
    }

    public static ListBoxModel forItem(@CheckForNull Item item) {
        ListBoxModel model = new ListBoxModel();
        if (!mayConfigure(item)) {
            return model;
        }
        for (RoleConfig role : OpenAIKeysConfiguration.get().getRoles()) {
            model.add(role.getName());
        }
        return model;
    }

    static Optional<RoleConfig> find(@CheckForNull String name) {
        if (name == null) {
            return Optional.empty();
        }
        return OpenAIKeysConfiguration.get().getRoles().stream()
                .filter(r -> name.equals(r.getName()))
                .findFirst();
    }

    public static FormValidation checkRole(@CheckForNull Item item, @CheckForNull String value) {
        if (!mayConfigure(item)) {
            return FormValidation.ok();
        }
        String role = Util.fixEmptyAndTrim(value);
        if (role == null) {
            return FormValidation.error("Choose a role; roles are defined under Manage Jenkins → System.");
        }
        if (find(role).isEmpty()) {
            return FormValidation.error("There is no role named '" + role + "'; define it under Manage Jenkins → System.");
        }
        return FormValidation.ok();
    }

    public static FormValidation checkVariable(@CheckForNull Item item, @CheckForNull String value) {
        if (!mayConfigure(item)) {
            return FormValidation.ok();
        }
        String variable = Util.fixEmptyAndTrim(value);
        if (variable == null) {
            return FormValidation.ok("Blank uses the role's variable (default " + KeyVariables.DEFAULT_VARIABLE + ").");
        }
        String problem = Role.variableProblem(variable);
        return problem == null ? FormValidation.ok() : FormValidation.error("The variable " + problem + ".");
    }

    /** The TTL's syntax, and that it fits the chosen role's max TTL, as the build will check. */
    public static FormValidation checkTtl(@CheckForNull Item item, @CheckForNull String value, @CheckForNull String role) {
        if (!mayConfigure(item)) {
            return FormValidation.ok();
        }
        if (Util.fixEmptyAndTrim(value) == null) {
            return FormValidation.ok("Blank uses the role's TTL.");
        }
        Duration ttl;
        try {
            ttl = KeyService.parseTtl(value);
        } catch (AbortException e) {
            return FormValidation.error(e.getMessage());
        }
        Optional<Duration> max = find(Util.fixEmptyAndTrim(role)).flatMap(RoleChoices::maxTtl);
        if (ttl != null && max.isPresent() && ttl.compareTo(max.get()) > 0) {
            return FormValidation.error("Role " + role.trim() + " allows at most " + Ttls.format(max.get())
                    + ": ask for that or less, or leave it blank for the role's TTL.");
        }
        return FormValidation.ok();
    }

    /** The role's max TTL (its TTL when no max is set), if both parse. */
    private static Optional<Duration> maxTtl(RoleConfig role) {
        try {
            String max = role.getMaxTtl() != null ? role.getMaxTtl() : role.getTtl();
            return Optional.of(Ttls.parse(max));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The role's configured variable, if the role exists. */
    public static @CheckForNull String roleVariable(@CheckForNull String role) {
        return find(role).map(RoleConfig::getVariable).orElse(null);
    }
}
