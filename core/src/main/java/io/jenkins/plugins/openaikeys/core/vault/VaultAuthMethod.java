package io.jenkins.plugins.openaikeys.core.vault;

/**
 * How Jenkins proves who it is to Vault. Implementations hold their credentials as
 * {@link io.jenkins.plugins.openaikeys.core.SecretString}s; {@link #identity()} is what the
 * token cache keys on and what logs may show, so it never contains a secret.
 */
public sealed interface VaultAuthMethod permits TokenAuth, AppRoleAuth, JwtAuth, KubernetesAuth {

    /** Cache key part and log label, e.g. {@code approle:approle:<role_id>}; no secrets. */
    String identity();

    /** Where the login goes, for error messages, e.g. {@code auth/approle}. */
    String describe();

    /** The sentence tail that tells an operator what to check when Vault rejects this login. */
    String fixHint();

    static String mountOrDefault(String mount, String def) {
        if (mount == null || mount.isBlank()) {
            return def;
        }
        String m = mount.trim();
        while (m.startsWith("/")) {
            m = m.substring(1);
        }
        while (m.endsWith("/")) {
            m = m.substring(0, m.length() - 1);
        }
        if (m.startsWith("auth/")) {
            m = m.substring("auth/".length());
        }
        return m.isEmpty() ? def : m;
    }

    static String required(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is empty: set it in the Vault connection");
        }
        return value.trim();
    }
}
