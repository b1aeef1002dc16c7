package io.jenkins.plugins.openaikeys.core.vault;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the trust decision for one {@link VaultEndpoint}: the JVM default, exactly the CAs
 * of a PEM bundle, or — only with the explicit insecure flag — nothing at all.
 */
final class VaultTls {

    private static final Pattern PEM_CERT = Pattern.compile(
            "-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]+?-----END CERTIFICATE-----");

    private VaultTls() {
    }

    /** The trust manager for this endpoint, or null for the JVM default. */
    static X509TrustManager trustManager(VaultEndpoint endpoint) {
        if (endpoint.insecureSkipTlsVerification()) {
            return TrustAll.INSTANCE;
        }
        if (endpoint.caCertificatePem() == null) {
            return null;
        }
        return fromPem(endpoint.caCertificatePem());
    }

    static X509TrustManager fromPem(String pem) {
        List<Certificate> certs = parse(pem);
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            for (int i = 0; i < certs.size(); i++) {
                ks.setCertificateEntry("vault-ca-" + i, certs.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("the JVM offers no X509TrustManager");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("The Vault CA certificate could not be loaded: " + e.getClass().getSimpleName()
                    + " — paste the PEM bundle of the CA that signed Vault's certificate", e);
        }
    }

    static List<Certificate> parse(String pem) {
        Matcher m = PEM_CERT.matcher(pem);
        List<Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            while (m.find()) {
                certs.add(cf.generateCertificate(new ByteArrayInputStream(m.group().getBytes(StandardCharsets.US_ASCII))));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("The Vault CA certificate is not a valid PEM certificate: "
                    + "paste the CA bundle (-----BEGIN CERTIFICATE----- ...)", e);
        }
        if (certs.isEmpty()) {
            throw new IllegalArgumentException("The Vault CA certificate contains no -----BEGIN CERTIFICATE----- block: "
                    + "paste the CA bundle in PEM form");
        }
        return certs;
    }

    static SSLContext sslContext(X509TrustManager trustManager) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, trustManager == null ? null : new TrustManager[] {trustManager}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available in this JVM", e);
        }
    }

    /** Accepts every certificate: used only under {@code insecureSkipTlsVerification}. */
    private static final class TrustAll implements X509TrustManager {
        static final TrustAll INSTANCE = new TrustAll();

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // insecure mode by explicit request
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // insecure mode by explicit request
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
