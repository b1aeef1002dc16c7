package io.jenkins.plugins.openaikeys.core.vault;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;

/**
 * Checks the "Vault CA certificate" field: one or more PEM certificates and nothing else, so
 * that a pasted private key or a truncated bundle is caught on the form instead of at the
 * first build. Public for the plugin's form check; {@link VaultTls} reads the same field when
 * it builds the trust for a {@link VaultEndpoint}.
 */
public final class PemCertificates {

    private static final String BEGIN = "-----BEGIN CERTIFICATE-----";

    private PemCertificates() {
    }

    /** @throws IllegalArgumentException one sentence when the text is not a PEM certificate bundle */
    public static void check(String pem) {
        if (pem == null || pem.isBlank()) {
            return;
        }
        if (pem.contains("PRIVATE KEY-----")) {
            throw new IllegalArgumentException("This field contains a private key: paste only the CA certificate(s),"
                    + " and remove the key from wherever you copied it");
        }
        if (!pem.contains(BEGIN)) {
            throw new IllegalArgumentException("Paste the CA certificate(s) in PEM form, starting with " + BEGIN);
        }
        try {
            int n = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.strip().getBytes(StandardCharsets.US_ASCII)))
                    .size();
            if (n == 0) {
                throw new IllegalArgumentException("No certificate could be read: paste the PEM block(s) completely");
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException("The CA certificate could not be parsed: paste the PEM block(s)"
                    + " completely, including the BEGIN and END lines", e);
        }
    }
}
