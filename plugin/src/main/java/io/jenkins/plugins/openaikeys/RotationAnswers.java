package io.jenkins.plugins.openaikeys;

import hudson.Util;
import hudson.util.FormValidation;
import io.jenkins.plugins.openaikeys.core.rotation.RotationResult;
import java.util.List;

/**
 * How rotation results read to a person: one sentence per organization, for the task log, the
 * "Rotate now" answer and the administrative monitor. Why one place: all three must say the
 * same thing, and none may carry more than core's results hold (ids, never a key).
 */
final class RotationAnswers {

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

    /** The "Rotate now" answer: an error when any organization needs attention, one line per organization. */
    static FormValidation formValidation(List<RotationResult> results) {
        if (results.isEmpty()) {
            return FormValidation.error("No organization is configured: add one and save before rotating.");
        }
        String html = String.join("<br>", results.stream().map(r -> Util.escape(sentence(r))).toList());
        boolean attention = results.stream().anyMatch(r -> r.outcome().needsAttention());
        return attention ? FormValidation.errorWithMarkup(html) : FormValidation.okWithMarkup(html);
    }
}
