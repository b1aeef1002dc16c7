package io.jenkins.plugins.openaikeys.core.vault;

import io.jenkins.plugins.openaikeys.core.SecretString;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A fixed Vault token. Its TTL and renewability are learnt once through lookup-self; the
 * cache identity is a short SHA-256 fingerprint so two tokens never share a cache slot and
 * the token itself never appears in a key or a log.
 */
public final class TokenAuth implements VaultAuthMethod {

    private final SecretString token;
    private final String fingerprint;

    /** @param token the token; surrounding whitespace (a pasted line break) is dropped */
    public TokenAuth(SecretString token) {
        Objects.requireNonNull(token, "token");
        String stripped = token.reveal().strip();
        this.token = stripped.equals(token.reveal()) ? token : SecretString.of(stripped);
        this.fingerprint = fingerprint(token);
    }

    SecretString token() {
        return token;
    }

    @Override
    public String identity() {
        return "token:" + fingerprint;
    }

    @Override
    public String describe() {
        return "auth/token";
    }

    @Override
    public String fixHint() {
        return "check the Vault token credential (it may be expired or revoked)";
    }

    private static String fingerprint(SecretString token) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(token.reveal().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }

    @Override
    public String toString() {
        return "TokenAuth{" + identity() + "}";
    }
}
