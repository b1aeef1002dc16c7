package io.jenkins.plugins.openaikeys.rotation;

import hudson.util.FormValidation;
import io.jenkins.plugins.openaikeys.core.rotation.RotationResult;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * How rotation results read to a person: one sentence per organization, for the task log, an
 * organization's "Rotate its admin key now" answer and the administrative monitor. Why one place: all three must say the
 * same thing, and none may carry more than core's results hold (ids, never a key).
 */
@Restricted(NoExternalUse.class)
public final class RotationAnswers {

    private RotationAnswers() {
    }

    /** Core's one-sentence message, ended with a full stop. */
    static String sentence(RotationResult r) {
        String m = r.message().strip();
        return m.endsWith(".") ? m : m + ".";
    }

    /** A task-log line: outcome, then the sentence. */
    static String logLine(RotationResult r) {
        return "[" + r.outcome() + "] " + sentence(r);
    }

    /** The answer of an organization's "Rotate its admin key now" button: coloured by its outcome. */
    public static FormValidation formValidation(RotationResult r) {
        String line = "Organization " + r.organization() + ": " + sentence(r);
        if (r.outcome().needsAttention()) {
            return r.outcome().keyChanged() ? FormValidation.warning(line) : FormValidation.error(line);
        }
        return FormValidation.ok(line);
    }

    /** How an outcome reads on the page and the monitor. */
    static String outcome(RotationResult.Outcome outcome) {
        return switch (outcome) {
            case ROTATED -> "Rotated";
            case ROTATED_WITH_WARNING -> "Rotated, needs attention";
            case ROTATED_WITH_LEFTOVER -> "Rotated, old key still live";
            case ROTATED_ELSEWHERE -> "Rotated by another controller";
            case NOT_DUE -> "Not due";
            case CLEANED_UP -> "Old keys deleted";
            case FAILED -> "Failed";
            case UNKNOWN -> "Outcome unknown";
            default -> outcome.name().charAt(0)
                    + outcome.name().substring(1).toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        };
    }
}
