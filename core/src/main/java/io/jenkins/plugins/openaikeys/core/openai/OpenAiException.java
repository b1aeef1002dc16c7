package io.jenkins.plugins.openaikeys.core.openai;

import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;

/**
 * A failed OpenAI Admin API call. The message is one sentence saying what to fix; the
 * fields carry what an operator or a caller's retry logic needs: the HTTP status (0 when
 * OpenAI was not reached), OpenAI's error {@code type} and {@code code}, the
 * {@code x-request-id} to quote to OpenAI support, and whether trying again later may help.
 */
public class OpenAiException extends EphemeralKeyException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final String code;
    private final String requestId;
    private final boolean retryable;

    public OpenAiException(String message, int status, String type, String code, String requestId,
                           boolean retryable) {
        this(message, status, type, code, requestId, retryable, null);
    }

    public OpenAiException(String message, int status, String type, String code, String requestId,
                           boolean retryable, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.type = type;
        this.code = code;
        this.requestId = requestId;
        this.retryable = retryable;
    }

    /** The HTTP status, or 0 when no answer came back (network failure). */
    public int status() {
        return status;
    }

    /** OpenAI's {@code error.type}, null when absent. */
    public String type() {
        return type;
    }

    /** OpenAI's {@code error.code}, null when absent. */
    public String code() {
        return code;
    }

    /** The {@code x-request-id} of the last answer, null when there was none. */
    public String requestId() {
        return requestId;
    }

    /** Whether the same call may succeed later (rate limit, server or network trouble). */
    public boolean retryable() {
        return retryable;
    }
}
