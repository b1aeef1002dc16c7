package io.jenkins.plugins.openaikeys.core.rotation;

import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;

/**
 * A rotation setting is wrong (period, window). Why its own type: the configuration page shows
 * its one-sentence message next to the field, like every other {@link EphemeralKeyException}.
 * Failures of a rotation run are not thrown: they come back as a {@link RotationResult}.
 */
public class RotationException extends EphemeralKeyException {

    private static final long serialVersionUID = 1L;

    public RotationException(String message) {
        super(message);
    }

    public RotationException(String message, Throwable cause) {
        super(message, cause);
    }
}
