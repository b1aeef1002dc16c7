package io.jenkins.plugins.openaikeys.core.litellm;

import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;

/**
 * A failed call to a LiteLLM proxy's key API. The message is one sentence that says what to fix
 * and never quotes the master key or a virtual key; the status is 0 when the proxy was not
 * reached.
 */
public class LiteLlmException extends EphemeralKeyException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final boolean retryable;

    public LiteLlmException(String message, int status, boolean retryable) {
        this(message, status, retryable, null);
    }

    public LiteLlmException(String message, int status, boolean retryable, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.retryable = retryable;
    }

    /** The HTTP status, or 0 when no answer came back. */
    public int status() {
        return status;
    }

    /** Whether the same call may succeed later (rate limit, proxy or network trouble). */
    public boolean retryable() {
        return retryable;
    }
}
