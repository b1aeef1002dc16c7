package io.jenkins.plugins.openaikeys.config;

import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.policy.Ttls;
import io.jenkins.plugins.openaikeys.core.rotation.RotationSchedule;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * The configuration page's view of core's duration and schedule rules: blank means the
 * default, a broken saved value falls back to the default with a warning in the system log.
 *
 * <p>Why it exists at all: the parsing itself lives once in core ({@link Ttls#parsePeriod},
 * {@link RotationSchedule#parse}), so the form, the periodic tasks and {@code core.rotation}
 * read {@code 30d} alike and say the same sentence when they cannot. What stays here is only
 * what the page adds: defaults for blank fields and not failing a periodic task over a typo.
 */
@Restricted(NoExternalUse.class)
public final class ConfigDurations {

    private static final Logger LOGGER = Logger.getLogger(ConfigDurations.class.getName());

    /** The default rotation period, also used when the field is blank. */
    static final String DEFAULT_ROTATION_PERIOD = "30d";

    private ConfigDurations() {
    }

    /**
     * @param text  e.g. {@code 30d}, {@code 6h}, {@code 1d12h}, {@code 90m}, {@code 600}
     * @param label the field's label, for the message
     * @throws EphemeralKeyException one sentence naming the field and saying what to type instead
     */
    static Duration parse(String text, String label) {
        return Ttls.parsePeriod(text, label);
    }

    /** Like {@link #parse} but a blank value means {@code defaultValue}. */
    static Duration parseOr(String text, String label, Duration defaultValue) {
        return text == null || text.isBlank() ? defaultValue : parse(text, label);
    }

    /**
     * For the periodic tasks: the saved value, or {@code fallback} when it does not parse (the
     * form already showed the error; a task must still run), with a warning in the system log.
     */
    static Duration parseOrFallback(String text, String label, String fallback) {
        try {
            return parse(text, label);
        } catch (EphemeralKeyException e) {
            LOGGER.log(Level.WARNING, "{0}; using {1}", new Object[] {e.getMessage(), fallback});
            return parse(fallback, label);
        }
    }

    /**
     * The rotation schedule of the saved (or typed) period and window; a blank period is the default.
     *
     * @throws EphemeralKeyException one sentence when the period or the window is not valid
     */
    public static RotationSchedule schedule(String period, String windowOrNull) {
        String p = period == null || period.isBlank() ? DEFAULT_ROTATION_PERIOD : period;
        return RotationSchedule.parse(p, windowOrNull);
    }

    /**
     * Checks a UTC window such as {@code 02:00-04:00} on its own (with the shortest allowed
     * period), so the window field's message does not depend on the period field.
     *
     * @throws EphemeralKeyException one sentence saying what to type instead
     */
    static void checkWindow(String window) {
        RotationSchedule.parse(Ttls.formatPeriod(RotationSchedule.MIN_PERIOD), window == null ? "" : window);
    }
}
