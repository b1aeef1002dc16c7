package io.jenkins.plugins.openaikeys.core.vault;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.vault.VaultException.Kind;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeJwt;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeTokenSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class VaultAuthTest extends VaultTestSupport {

    private static final byte[] HMAC = "jwt-signing-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    @Test
    void appRoleLogsInAndReads() {
        vault.root().kvPut("secret", "openai/org1", Map.of("organization_id", "org-1"));
        assertThat(client().kvRead("secret", "openai/org1").field("organization_id")).isEqualTo("org-1");
        assertThat(vault.calls("POST auth/approle/login")).isEqualTo(1);
    }

    @Test
    void appRoleOnCustomMount() {
        vault.root().enableAppRole("ci/approle", "jenkins", "rid2", "sid2", FakeTokenSpec.ttl(Duration.ofHours(1)));
        client(new AppRoleAuth("auth/ci/approle/", "rid2", SecretString.of("sid2"))).checkConnection();
        assertThat(vault.calls("POST auth/ci/approle/login")).isEqualTo(1);
    }

    @Test
    void wrongAppRoleSecretIsLoginFailedWithoutSecret() {
        VaultClient c = client(new AppRoleAuth(null, ROLE_ID, SecretString.of("wrong-secret-id-XYZ")));
        assertThatThrownBy(c::checkConnection)
                .isInstanceOfSatisfying(VaultException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.LOGIN_FAILED);
                    assertThat(e.status()).isEqualTo(400);
                })
                .hasMessage("Vault rejected the AppRole login at auth/approle (Vault says: invalid role or secret ID):"
                        + " check role_id/secret_id")
                .hasMessageNotContaining("wrong-secret-id-XYZ");
        assertThat(vault.calls("POST auth/approle/login")).as("a rejected login is not retried").isEqualTo(1);
    }

    @Test
    void jwtHs256LoginWorksAndBadSignatureIsRejected() {
        vault.root().enableJwt("jwt", "jenkins", FakeJwt.hs256Verifier(HMAC), "vault",
                FakeTokenSpec.ttl(Duration.ofHours(1)));
        String good = FakeJwt.signHs256(HMAC, FakeJwt.claims("jenkins", time.instant().plusSeconds(300), "vault"));
        client(new JwtAuth(null, "jenkins", () -> SecretString.of(good))).checkConnection();

        String forged = FakeJwt.signHs256("another-secret-entirely-0123456789".getBytes(StandardCharsets.UTF_8),
                FakeJwt.claims("jenkins", time.instant().plusSeconds(300), "vault"));
        cache = new VaultTokenCache(); // same identity would reuse the good token
        VaultClient bad = client(new JwtAuth("jwt", "jenkins", () -> SecretString.of(forged)));
        assertThatThrownBy(bad::checkConnection)
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.LOGIN_FAILED))
                .hasMessageContaining("the JWT login at auth/jwt")
                .hasMessageContaining("signature")
                .hasMessageNotContaining(forged.substring(0, 20));
    }

    @Test
    void jwtExpiredOrWrongAudienceIsRejected() {
        vault.root().enableJwt("jwt", "jenkins", FakeJwt.hs256Verifier(HMAC), "vault",
                FakeTokenSpec.ttl(Duration.ofHours(1)));
        String expired = FakeJwt.signHs256(HMAC, FakeJwt.claims("jenkins", time.instant().minusSeconds(1), "vault"));
        assertThatThrownBy(client(new JwtAuth(null, "jenkins", () -> SecretString.of(expired)))::checkConnection)
                .hasMessageContaining("expired");
        String otherAud = FakeJwt.signHs256(HMAC, FakeJwt.claims("jenkins", time.instant().plusSeconds(60), "other"));
        assertThatThrownBy(client(new JwtAuth(null, "jenkins", () -> SecretString.of(otherAud)))::checkConnection)
                .hasMessageContaining("audience");
    }

    @Test
    void jwtRs256Login() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        vault.root().enableJwt("oidc", "ci", FakeJwt.rs256Verifier(kp.getPublic()), null,
                FakeTokenSpec.ttl(Duration.ofHours(1)));
        String jwt = FakeJwt.signRs256(kp.getPrivate(), FakeJwt.claims("ci", time.instant().plusSeconds(60), null));
        client(new JwtAuth("oidc", "ci", () -> SecretString.of(jwt))).checkConnection();
        assertThat(vault.calls("POST auth/oidc/login")).isEqualTo(1);
    }

    @Test
    void jwtSupplierIsAskedAtEachLogin() {
        vault.root().enableJwt("jwt", "jenkins", FakeJwt.hs256Verifier(HMAC), null,
                FakeTokenSpec.ttl(Duration.ofMinutes(10)).nonRenewable());
        int[] asked = {0};
        VaultClient c = client(new JwtAuth(null, "jenkins", () -> {
            asked[0]++;
            return SecretString.of(FakeJwt.signHs256(HMAC, FakeJwt.claims("j", time.instant().plusSeconds(60), null)));
        }));
        c.checkConnection();
        time.advance(Duration.ofMinutes(11));
        c.checkConnection();
        assertThat(asked[0]).isEqualTo(2);
    }

    @Test
    void kubernetesReadsTokenFileAtEachLogin(@TempDir Path dir) throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, "k8s-sa-jwt-one\n");
        vault.root().enableKubernetes("kubernetes", "jenkins", "k8s-sa-jwt-one",
                FakeTokenSpec.ttl(Duration.ofMinutes(5)).nonRenewable());
        VaultClient c = client(new KubernetesAuth(null, "jenkins", tokenFile));
        c.checkConnection();

        Files.writeString(tokenFile, "k8s-sa-jwt-rotated");
        time.advance(Duration.ofMinutes(6));
        assertThatThrownBy(c::checkConnection)
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.LOGIN_FAILED))
                .hasMessageContaining("the Kubernetes login at auth/kubernetes")
                .hasMessageNotContaining("k8s-sa-jwt");
        assertThat(vault.calls("POST auth/kubernetes/login")).isEqualTo(2);
    }

    @Test
    void kubernetesMissingTokenFileSaysWhichFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope");
        vault.root().enableKubernetes("kubernetes", "jenkins", "x", FakeTokenSpec.ttl(Duration.ofMinutes(5)));
        assertThatThrownBy(client(new KubernetesAuth(null, "jenkins", missing))::checkConnection)
                .hasMessageContaining(missing.toString())
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.LOGIN_FAILED));
        assertThat(new KubernetesAuth(null, "r", null).tokenFile()).isEqualTo(KubernetesAuth.DEFAULT_TOKEN_FILE);
    }

    @Test
    void staticTokenIsLookedUpOnceAndRevokedTokenIsLoginFailed() {
        SecretString token = vault.root().createToken(FakeTokenSpec.ttl(Duration.ofHours(2)).nonRenewable());
        VaultClient c = client(new TokenAuth(token));
        vault.root().kvPut("secret", "a", Map.of("k", "v"));
        c.kvRead("secret", "a");
        c.kvRead("secret", "a");
        assertThat(vault.calls("GET auth/token/lookup-self")).isEqualTo(1);

        vault.root().revokeToken(token);
        assertThatThrownBy(() -> c.kvRead("secret", "a"))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.LOGIN_FAILED))
                .hasMessage("Vault rejected the token at auth/token: check the Vault token credential (it may be "
                        + "expired or revoked)");
    }

    @Test
    void aPastedTrailingLineBreakIsDroppedFromAStaticToken() {
        SecretString token = vault.root().createToken(FakeTokenSpec.ttl(Duration.ofHours(2)));
        vault.root().kvPut("secret", "a", Map.of("k", "v"));
        VaultClient c = client(new TokenAuth(SecretString.of(token.reveal() + "\n")));
        assertThat(c.kvRead("secret", "a").field("k")).isEqualTo("v");
    }

    @Test
    void aStaticTokenOkhttpCannotSendIsRefusedWithoutQuotingIt() {
        // okhttp's own IllegalArgumentException would quote the whole X-Vault-Token value.
        VaultClient c = client(new TokenAuth(SecretString.of("hvs.SUPERSECRET\nTOKENVALUE1234")));
        Throwable thrown = catchThrowable(() -> c.kvRead("secret", "a"));
        assertThat(thrown).isInstanceOfSatisfying(VaultException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.LOGIN_FAILED)).hasMessage("The Vault token contains a line"
                + " break or a character that is not printable ASCII, which no Vault token has: check the Vault"
                + " token credential");
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain("SUPERSECRET");
            for (Throwable s : t.getSuppressed()) {
                assertThat(String.valueOf(s.getMessage())).doesNotContain("SUPERSECRET");
            }
        }
        assertThat(allLogText()).doesNotContain("SUPERSECRET");
    }

    @Test
    void identitiesCarryNoSecrets() {
        SecretString t = SecretString.of("hvs.SUPERSECRETTOKENVALUE1234");
        assertThat(new TokenAuth(t).identity()).startsWith("token:").doesNotContain("SUPERSECRET");
        assertThat(new TokenAuth(t).identity()).isEqualTo(new TokenAuth(SecretString.of(t.reveal())).identity());
        assertThat(appRole().identity()).isEqualTo("approle:approle:" + ROLE_ID);
        assertThat(appRole().toString()).doesNotContain(SECRET_ID);
        assertThat(new JwtAuth(null, "r", () -> t).identity()).isEqualTo("jwt:jwt:r");
    }
}
