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

    /**
     * A failure for a message shown to users or written to a log: our own sentences as they
     * are, anything else by its type only. A foreign library's message may quote what it was
     * given (okhttp quotes a rejected header value, Jackson its input), and that can be a secret.
     */
    public static String safeMessage(Throwable t) {
        if (t instanceof EphemeralKeyException && t.getMessage() != null) {
            return t.getMessage();
        }
        return t.getClass().getSimpleName();
    }
}
