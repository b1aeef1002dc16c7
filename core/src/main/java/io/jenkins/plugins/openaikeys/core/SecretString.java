package io.jenkins.plugins.openaikeys.core;

import java.util.Objects;

/**
 * A secret value (an API key, a Vault token, a secret id) that cannot leak by accident.
 *
 * <p>Why a type of its own: every way a {@code String} escapes — {@code toString()},
 * string concatenation into a log line or an exception message, a debugger's value view,
 * a serializer — prints {@code ****} here. The only way out is {@link #reveal()}, which a
 * reviewer can grep for. The class is deliberately not {@link java.io.Serializable}: a
 * secret must never be written to disk by Java serialization (Jenkins' program.dat).
 */
public final class SecretString {

    private static final String REDACTED = "****";

    private final String value;

    private SecretString(String value) {
        this.value = value;
    }

    /** Wraps a non-empty secret. */
    public static SecretString of(String value) {
        Objects.requireNonNull(value, "secret value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("a secret must not be empty");
        }
        return new SecretString(value);
    }

    /** The plain value: call only where the secret is handed to its one legitimate consumer. */
    public String reveal() {
        return value;
    }

    /** The length of the value, useful for sizing masks without revealing it. */
    public int length() {
        return value.length();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretString other && java.security.MessageDigest.isEqual(
                value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                other.value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return REDACTED;
    }
}
