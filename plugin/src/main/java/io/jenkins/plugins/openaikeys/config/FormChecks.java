package io.jenkins.plugins.openaikeys.config;

import hudson.util.FormValidation;
import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.policy.OrganizationSpec;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import jenkins.model.Jenkins;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * The small validations every descriptor of this plugin repeats, so that each
 * {@code doCheckX} is one line and every message reads the same way.
 *
 * <p>Every check returns {@link FormValidation#ok()} to callers without
 * {@link Jenkins#ADMINISTER}: form validation must not become an oracle about the
 * configuration for people who cannot configure it.
 */
@Restricted(NoExternalUse.class)
public final class FormChecks {

    /** Where a KV v2 secret engine is mounted unless the administrator says otherwise. */
    public static final String DEFAULT_KV_MOUNT = "secret";

    /** A Vault mount path: segments of letters, digits, '_', '-', '.', separated by '/'. */
    private static final Pattern MOUNT = Pattern.compile("[A-Za-z0-9_.\\-]+(/[A-Za-z0-9_.\\-]+)*");

    private FormChecks() {
    }

    public static boolean canAdminister() {
        return Jenkins.get().hasPermission(Jenkins.ADMINISTER);
    }

    public static FormValidation required(String value, String what) {
        if (!canAdminister()) {
            return FormValidation.ok();
        }
        return value == null || value.isBlank() ? FormValidation.error(what + " is required.") : FormValidation.ok();
    }

    public static FormValidation mount(String value, String what, boolean required) {
        if (!canAdminister()) {
            return FormValidation.ok();
        }
        String v = value == null ? "" : value.trim();
        if (v.isEmpty()) {
            return required ? FormValidation.error(what + " is required.") : FormValidation.ok();
        }
        String stripped = strip(v);
        if (!MOUNT.matcher(stripped).matches()) {
            return FormValidation.error(what + " '" + v + "' is not a Vault path: use letters, digits, '_', '-', '.'"
                    + " and '/' between segments, e.g. secret or openai");
        }
        return FormValidation.ok();
    }

    /**
     * A KV v2 path inside its mount: a Vault path that does not repeat the {@code data/} segment
     * the KV v2 API adds by itself ({@link OrganizationSpec#kvPathProblem}).
     */
    public static FormValidation kvPath(String value, String what, boolean required) {
        FormValidation syntax = mount(value, what, required);
        if (syntax.kind != FormValidation.Kind.OK || !canAdminister() || value == null || value.isBlank()) {
            return syntax;
        }
        String problem = OrganizationSpec.kvPathProblem(strip(value));
        return problem == null ? FormValidation.ok() : FormValidation.error("The " + problem + ".");
    }

    /** A KV v2 mount as typed, or {@value #DEFAULT_KV_MOUNT} when left empty. */
    public static String kvMountOrDefault(String kvMount) {
        String m = strip(kvMount);
        return m == null || m.isEmpty() ? DEFAULT_KV_MOUNT : m;
    }

    /** Runs a Jenkins-free check that throws a one-sentence exception and turns it into a form message. */
    static FormValidation attempt(String value, Consumer<String> check) {
        if (!canAdminister()) {
            return FormValidation.ok();
        }
        try {
            check.accept(value);
            return FormValidation.ok();
        } catch (IllegalArgumentException | EphemeralKeyException e) {
            return FormValidation.error(e.getMessage());
        }
    }

    /** Trims a mount or path and drops leading/trailing slashes, as Vault does. */
    public static String strip(String path) {
        if (path == null) {
            return null;
        }
        String p = path.trim();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /** Null for blank, trimmed otherwise: the normal form of every optional text field. */
    public static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
