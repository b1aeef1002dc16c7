package io.jenkins.plugins.openaikeys.core.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The "Vault CA certificate" form check: PEM certificates and nothing else, one sentence otherwise. */
class PemCertificatesTest {

    /** A self-signed test certificate (CN=pem-certificates-test); its key was thrown away. */
    private static final String CERT = ""
            + "-----BEGIN CERTIFICATE-----\n"
            + "MIIBmDCCAT2gAwIBAgIUazZmvSCyA3vbcLa2BTxiJVEjsG0wCgYIKoZIzj0EAwIw\n"
            + "IDEeMBwGA1UEAwwVcGVtLWNlcnRpZmljYXRlcy10ZXN0MCAXDTI2MTIwNjIzMjA0\n"
            + "M1oYDzIxMjYxMTEyMjMyMDQzWjAgMR4wHAYDVQQDDBVwZW0tY2VydGlmaWNhdGVz\n"
            + "LXRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATMT2hap/332lJBh6xN2l+L\n"
            + "KBrmn2Epd9XI/H52hGDxu5EjQqWVOM/ZEcd0XWXYhEiXzStTTzj1G84rvRcdi31e\n"
            + "o1MwUTAdBgNVHQ4EFgQUYDN5S94OiFbVb20BBu/JrnmTFUEwHwYDVR0jBBgwFoAU\n"
            + "YDN5S94OiFbVb20BBu/JrnmTFUEwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQD\n"
            + "AgNJADBGAiEAx1DrhOB35ChZRG5Zo9gddF8n0Wpnc2oIY88ypjXvixwCIQCa0qBT\n"
            + "GfZw/Y3lp0BpkrnFzGDoEaoE6DbMYWzCtw83OA==\n"
            + "-----END CERTIFICATE-----\n";

    @Test
    void emptyFieldIsFine() {
        assertThatCode(() -> PemCertificates.check(null)).doesNotThrowAnyException();
        assertThatCode(() -> PemCertificates.check("  \n")).doesNotThrowAnyException();
    }

    @Test
    void acceptsOneCertificateOrABundleWithSurroundingSpace() {
        assertThatCode(() -> PemCertificates.check(CERT)).doesNotThrowAnyException();
        assertThatCode(() -> PemCertificates.check("\n  " + CERT + CERT + "\n\n")).doesNotThrowAnyException();
    }

    @Test
    void refusesAPastedPrivateKeyWithoutParsingIt() {
        String key = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n"
                + "-----END PRIVATE KEY-----\n";
        assertThatThrownBy(() -> PemCertificates.check(CERT + key))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("This field contains a private key: paste only the CA certificate(s)");
        assertThatThrownBy(() -> PemCertificates.check("-----BEGIN EC PRIVATE KEY-----\nabc\n"))
                .hasMessageContaining("private key");
    }

    @Test
    void refusesTextWithoutAPemBlock() {
        assertThatThrownBy(() -> PemCertificates.check("MIIBmDCCAT2gAwIBAgIU"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Paste the CA certificate(s) in PEM form, starting with -----BEGIN CERTIFICATE-----");
    }

    @Test
    void refusesATruncatedCertificate() {
        String truncated = CERT.substring(0, CERT.length() / 2);
        assertThatThrownBy(() -> PemCertificates.check(truncated))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The CA certificate could not be parsed: paste the PEM block(s) completely, including the"
                        + " BEGIN and END lines");
    }

    @Test
    void messagesNeverQuoteTheField() {
        String secretish = "-----BEGIN CERTIFICATE-----\nnot-base64-s3cr3t\n-----END CERTIFICATE-----\n";
        assertThatThrownBy(() -> PemCertificates.check(secretish))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t"));
    }
}
