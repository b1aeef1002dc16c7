package io.jenkins.plugins.openaikeys.core.broker;

import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;

/**
 * A broker-level mistake or failure a user must act on: unknown role, job not allowed,
 * TTL above the role's maximum, a missing key source, a handle that cannot be recorded.
 * Like every {@link EphemeralKeyException}, its message is one sentence naming what to fix
 * and never carries a secret.
 */
public class BrokerException extends EphemeralKeyException {

    private static final long serialVersionUID = 1L;

    public BrokerException(String message) {
        super(message);
    }

    public BrokerException(String message, Throwable cause) {
        super(message, cause);
    }
}
