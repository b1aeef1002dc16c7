package io.jenkins.plugins.openaikeys.core.rotation;

import java.time.Instant;
import java.util.Objects;

/**
 * What one rotation run did for one organization, for the configuration page, the
 * administrative monitor and the log. Why a value and not an exception: a run has several
 * legitimate endings (rotated, rotated elsewhere, not due) and the failures must be shown
 * later, not thrown at whoever triggered the run. Ids only: it never holds a key value.
 *
 * @param organization the organization's name in the plugin configuration
 * @param oldKeyId     the admin key id before the run (null when unknown)
 * @param newKeyId     the admin key id in use after the run (null when nothing was created)
 * @param at           when the run started
 * @param message      one sentence for an operator
 */
public record RotationResult(String organization, Outcome outcome, String oldKeyId, String newKeyId, Instant at,
                             String message) {

    /** How a run ended. */
    public enum Outcome {
        /** The new admin key is stored and the old one deleted. */
        ROTATED,
        /** The new admin key is stored, but something needs an operator's eye (see the message). */
        ROTATED_WITH_WARNING,
        /**
         * The new admin key is in use, but the old one ({@link RotationResult#oldKeyId()}) is still live:
         * Vault's OpenAI engine stored the new key and then failed to delete the old one. An operator
         * deletes it (OpenAI dashboard or {@code DELETE /organization/admin_api_keys/{id}}).
         */
        ROTATED_WITH_LEFTOVER,
        /** Another controller (or a person) rotated first; whatever this run created is gone again. */
        ROTATED_ELSEWHERE,
        /** Nothing to do yet. */
        NOT_DUE,
        /** Old admin keys left over by an earlier run were deleted. */
        CLEANED_UP,
        /** Nothing changed (anything created was deleted again, or the message names what to delete). */
        FAILED,
        /** The answer was lost and could not be confirmed: the message says what to check. */
        UNKNOWN;

        /** Whether an operator should look at it. */
        public boolean needsAttention() {
            return this == ROTATED_WITH_WARNING || this == ROTATED_WITH_LEFTOVER || this == FAILED || this == UNKNOWN;
        }

        /** Whether the admin key in use changed during the run (here or elsewhere). */
        public boolean keyChanged() {
            return this == ROTATED || this == ROTATED_WITH_WARNING || this == ROTATED_WITH_LEFTOVER
                    || this == ROTATED_ELSEWHERE;
        }
    }

    public RotationResult {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(message, "message");
    }
}
