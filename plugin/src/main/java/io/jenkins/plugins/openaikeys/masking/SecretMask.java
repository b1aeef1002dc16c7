package io.jenkins.plugins.openaikeys.masking;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.util.Secret;
import io.jenkins.plugins.openaikeys.core.masking.Base64Mask;
import java.io.Serializable;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.jenkinsci.plugins.credentialsbinding.masking.SecretPatterns;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * The masking pattern for one minted key, and the two places it is applied besides the console:
 * strings and exceptions.
 *
 * <p>Why a {@link Secret}: the pattern is the key (plus its shell-quoted forms, from credentials-binding's
 * {@link SecretPatterns}, and every Base64 fragment a wrapping or unwrapped encoder prints, from core's
 * {@link Base64Mask}), so it is as secret as the key. It is computed once on the controller and kept
 * encrypted wherever this object is serialized (program.dat, agents).
 */
public final class SecretMask implements Serializable {

    private static final long serialVersionUID = 1L;

    static final String MASK = "****";

    private final Secret pattern;

    private transient volatile Pattern compiled;

    private SecretMask(Secret pattern) {
        this.pattern = pattern;
    }

    /** Must run on the controller: {@link SecretPatterns} looks up extension factories. */
    public static @NonNull SecretMask of(@NonNull Collection<String> secrets) {
        String quoted = SecretPatterns.getAggregateSecretPattern(secrets).pattern();
        String base64 = Base64Mask.regex(secrets); // first: where both match, it reaches further
        String pattern = base64.isEmpty() ? quoted : quoted.isEmpty() ? base64 : "(?:" + base64 + ")|" + quoted;
        return new SecretMask(Secret.fromString(pattern));
    }

    /** The compiled pattern, or null when there is nothing to mask. */
    @Restricted(NoExternalUse.class)
    public @CheckForNull Pattern pattern() {
        Pattern p = compiled;
        if (p == null) {
            String plain = pattern.getPlainText();
            if (plain.isEmpty()) {
                return null;
            }
            p = Pattern.compile(plain);
            compiled = p;
        }
        return p;
    }

    /** {@code text} with every form of the key replaced by {@code ****}. */
    public @CheckForNull String mask(@CheckForNull String text) {
        Pattern p = pattern();
        if (text == null || p == null) {
            return text;
        }
        return p.matcher(text).replaceAll(MASK);
    }

    /** Whether {@code text} contains the key in any known form. */
    public boolean leaks(@CheckForNull String text) {
        Pattern p = pattern();
        return text != null && p != null && p.matcher(text).find();
    }

    /**
     * The failure to report in place of {@code t}: {@code t} itself when neither it nor anything it
     * carries (causes, suppressed) mentions the key, otherwise an equivalent exception whose messages
     * are masked. Stack frames are kept: they hold code locations, never values.
     */
    public @NonNull Throwable mask(@NonNull Throwable t) {
        if (!leaksAnywhere(t, new IdentityHashMap<>())) {
            return t;
        }
        return redact(t, new IdentityHashMap<>());
    }

    private boolean leaksAnywhere(Throwable t, Map<Throwable, Boolean> seen) {
        if (t == null || seen.put(t, Boolean.TRUE) != null) {
            return false;
        }
        if (leaks(t.getMessage()) || leaks(t.toString())) {
            return true;
        }
        for (Throwable s : t.getSuppressed()) {
            if (leaksAnywhere(s, seen)) {
                return true;
            }
        }
        return leaksAnywhere(t.getCause(), seen);
    }

    private Throwable redact(Throwable t, Map<Throwable, Throwable> done) {
        Throwable already = done.get(t);
        if (already != null) {
            return already;
        }
        Throwable copy;
        if (t instanceof FlowInterruptedException) {
            copy = t; // carries causes of interruption, not text; keeping it keeps the ABORTED result
        } else if (t instanceof AbortException) {
            copy = new AbortException(mask(t.getMessage()));
        } else {
            copy = new RedactedException(t.getClass().getName(), mask(t.getMessage()));
        }
        done.put(t, copy);
        if (copy == t) {
            return t;
        }
        copy.setStackTrace(t.getStackTrace());
        Throwable cause = t.getCause();
        if (cause != null && cause != t) {
            copy.initCause(redact(cause, done));
        }
        for (Throwable s : t.getSuppressed()) {
            copy.addSuppressed(redact(s, done));
        }
        return copy;
    }
}
