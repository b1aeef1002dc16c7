package io.jenkins.plugins.openaikeys.core.vault;

import java.nio.file.Path;

/**
 * Kubernetes login with the pod's service-account token. The file is read at each login
 * because the kubelet rotates projected tokens.
 */
public final class KubernetesAuth implements VaultAuthMethod {

    public static final String DEFAULT_MOUNT = "kubernetes";
    public static final Path DEFAULT_TOKEN_FILE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    private final String mount;
    private final String role;
    private final Path tokenFile;

    public KubernetesAuth(String mount, String role, Path tokenFile) {
        this.mount = VaultAuthMethod.mountOrDefault(mount, DEFAULT_MOUNT);
        this.role = VaultAuthMethod.required(role, "The Kubernetes auth role");
        this.tokenFile = tokenFile == null ? DEFAULT_TOKEN_FILE : tokenFile;
    }

    public String mount() {
        return mount;
    }

    public String role() {
        return role;
    }

    public Path tokenFile() {
        return tokenFile;
    }

    @Override
    public String identity() {
        return "kubernetes:" + mount + ":" + role;
    }

    @Override
    public String describe() {
        return "the Kubernetes login at auth/" + mount;
    }

    @Override
    public String fixHint() {
        return "check the role " + role + " and that it is bound to this pod's service account";
    }

    @Override
    public String toString() {
        return "KubernetesAuth{" + identity() + ", tokenFile=" + tokenFile + "}";
    }
}
