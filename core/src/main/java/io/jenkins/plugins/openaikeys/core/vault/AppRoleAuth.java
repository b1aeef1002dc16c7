package io.jenkins.plugins.openaikeys.core.vault;

import io.jenkins.plugins.openaikeys.core.SecretString;

import java.util.Objects;

/** AppRole login ({@code role_id} + {@code secret_id}): the usual machine identity for a Jenkins controller. */
public final class AppRoleAuth implements VaultAuthMethod {

    public static final String DEFAULT_MOUNT = "approle";

    private final String mount;
    private final String roleId;
    private final SecretString secretId;

    public AppRoleAuth(String mount, String roleId, SecretString secretId) {
        this.mount = VaultAuthMethod.mountOrDefault(mount, DEFAULT_MOUNT);
        this.roleId = VaultAuthMethod.required(roleId, "The AppRole role_id");
        this.secretId = Objects.requireNonNull(secretId, "secretId");
    }

    public String mount() {
        return mount;
    }

    public String roleId() {
        return roleId;
    }

    SecretString secretId() {
        return secretId;
    }

    @Override
    public String identity() {
        return "approle:" + mount + ":" + roleId;
    }

    @Override
    public String describe() {
        return "the AppRole login at auth/" + mount;
    }

    @Override
    public String fixHint() {
        return "check role_id/secret_id";
    }

    @Override
    public String toString() {
        return "AppRoleAuth{" + identity() + "}";
    }
}
