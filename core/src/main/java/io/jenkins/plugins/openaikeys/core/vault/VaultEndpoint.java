package io.jenkins.plugins.openaikeys.core.vault;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * Where Vault is and how to reach it: address, optional Enterprise/OpenBao namespace, the CA
 * bundle to trust (PEM, null = the JVM's trust store) and the per-call timeout.
 * {@code insecureSkipTlsVerification} exists for lab setups only and is named to be noticed.
 */
public record VaultEndpoint(String address, String namespace, String caCertificatePem,
                            boolean insecureSkipTlsVerification, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public VaultEndpoint {
        address = normalize(address);
        namespace = namespace == null || namespace.isBlank() ? null : namespace.trim();
        caCertificatePem = caCertificatePem == null || caCertificatePem.isBlank() ? null : caCertificatePem;
        timeout = timeout == null || timeout.isZero() || timeout.isNegative() ? DEFAULT_TIMEOUT : timeout;
    }

    /** Address only: root namespace, JVM trust store, default timeout. */
    public static VaultEndpoint of(String address) {
        return new VaultEndpoint(address, null, null, false, null);
    }

    public VaultEndpoint withNamespace(String ns) {
        return new VaultEndpoint(address, ns, caCertificatePem, insecureSkipTlsVerification, timeout);
    }

    public VaultEndpoint withCaCertificatePem(String pem) {
        return new VaultEndpoint(address, namespace, pem, insecureSkipTlsVerification, timeout);
    }

    public VaultEndpoint withInsecureSkipTlsVerification(boolean insecure) {
        return new VaultEndpoint(address, namespace, caCertificatePem, insecure, timeout);
    }

    public VaultEndpoint withTimeout(Duration t) {
        return new VaultEndpoint(address, namespace, caCertificatePem, insecureSkipTlsVerification, t);
    }

    private static String normalize(String address) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("The Vault address is empty: set it to e.g. https://vault.example.com:8200");
        }
        String a = address.trim();
        while (a.endsWith("/")) {
            a = a.substring(0, a.length() - 1);
        }
        if (a.endsWith("/v1")) {
            a = a.substring(0, a.length() - 3);
        }
        URI uri;
        try {
            uri = URI.create(a);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The Vault address " + a + " is not a URL: set it to e.g. https://vault.example.com:8200");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
            throw new IllegalArgumentException("The Vault address " + a + " must start with https:// (or http://) and name a host");
        }
        if (uri.getUserInfo() != null || uri.getQuery() != null) {
            throw new IllegalArgumentException("The Vault address must not contain credentials or a query: use scheme://host:port");
        }
        return a;
    }

    @Override
    public String toString() {
        return "VaultEndpoint{" + address + (namespace == null ? "" : ", namespace=" + namespace)
                + (caCertificatePem == null ? "" : ", custom CA")
                + (insecureSkipTlsVerification ? ", TLS VERIFICATION DISABLED" : "") + "}";
    }
}
