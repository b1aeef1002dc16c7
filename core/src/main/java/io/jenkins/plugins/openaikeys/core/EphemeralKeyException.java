package io.jenkins.plugins.openaikeys.core;

/**
 * The one exception type a Jenkins user sees from this plugin.
 *
 * <p>Its message is a single sentence that says what failed and what to fix, is safe to
 * print in a build log (ids yes, secret values never), and is shown without a stack trace.
 * Subclasses (OpenAI, Vault, broker errors) add the details operators need — HTTP status,
 * request id, error code — as fields rather than as more prose.
 */
public class EphemeralKeyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EphemeralKeyException(String message) {
        super(message);
    }

    public EphemeralKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
