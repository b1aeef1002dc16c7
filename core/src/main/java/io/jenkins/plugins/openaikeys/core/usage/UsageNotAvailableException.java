package io.jenkins.plugins.openaikeys.core.usage;

import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;

/**
 * Usage figures cannot be had for this key, and asking again will not change that: the
 * organization's admin key may not read usage (401/403), usage is not configured for it, or
 * the key's id is unknown. The message is the reason the build page shows.
 */
public class UsageNotAvailableException extends EphemeralKeyException {

    private static final long serialVersionUID = 1L;

    public UsageNotAvailableException(String message) {
        super(message);
    }

    public UsageNotAvailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
