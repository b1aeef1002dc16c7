package io.jenkins.plugins.openaikeys.core.vault;

import io.jenkins.plugins.openaikeys.core.SecretString;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * JWT/OIDC login with a token fetched fresh for every login (e.g. a workload identity
 * token), which is why it takes a supplier rather than a value.
 */
public final class JwtAuth implements VaultAuthMethod {

    public static final String DEFAULT_MOUNT = "jwt";

    private final String mount;
    private final String role;
    private final Supplier<SecretString> jwt;

    public JwtAuth(String mount, String role, Supplier<SecretString> jwt) {
        this.mount = VaultAuthMethod.mountOrDefault(mount, DEFAULT_MOUNT);
        this.role = VaultAuthMethod.required(role, "The JWT auth role");
        this.jwt = Objects.requireNonNull(jwt, "jwt");
    }

    public String mount() {
        return mount;
    }

    public String role() {
        return role;
    }

    Supplier<SecretString> jwt() {
        return jwt;
    }

    @Override
    public String identity() {
        return "jwt:" + mount + ":" + role;
    }

    @Override
    public String describe() {
        return "the JWT login at auth/" + mount;
    }

    @Override
    public String fixHint() {
        return "check the JWT (signature, expiry, audience) and the role " + role;
    }

    @Override
    public String toString() {
        return "JwtAuth{" + identity() + "}";
    }
}
