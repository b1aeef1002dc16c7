package io.jenkins.plugins.openaikeys.core.vault;

import io.jenkins.plugins.openaikeys.core.testing.AllAtOnce;
import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.vault.VaultException.Kind;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeTokenSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VaultTokenCacheTest extends VaultTestSupport {

    @Test
    void freshLoginTooShortForTheLeaseIsRenewedBeforeGivingUp() {
        OpenAiStub openai = new OpenAiStub();
        try (openai) {
            vault.root().enableOpenAiEngine("openai", openai.baseUrl(), SecretString.of(openai.currentAdminKey),
                    "key_admin0", "org-1").role("evals", "proj_1", Duration.ofMinutes(15), Duration.ofHours(1));
            vault.root().enableAppRole("approle", "short", "rid-r", "sid-r", FakeTokenSpec.ttl(Duration.ofMinutes(10)));
            VaultClient c = client(new AppRoleAuth(null, "rid-r", SecretString.of("sid-r")));

            EngineCredentials creds = c.readCreds("openai", "evals", Duration.ofMinutes(20));

            assertThat(creds.leaseDuration()).isEqualTo(Duration.ofMinutes(20));
            assertThat(vault.calls("POST auth/approle/login")).isEqualTo(1);
            assertThat(vault.calls("POST auth/token/renew-self")).isEqualTo(1);
            time.advance(Duration.ofMinutes(19)); // the login's own 10 min are long past
            vault.expireNow();
            assertThat(openai.liveServiceAccounts).containsExactly(creds.serviceAccountId());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void steadyStateIsZeroLoginsPerCall() {
        vault.root().kvPut("secret", "a", Map.of("k", "v"));
        VaultClient c = client();
        c.kvRead("secret", "a");
        vault.resetCallLog();
        for (int i = 0; i < 20; i++) {
            c.kvRead("secret", "a");
            time.advance(Duration.ofMinutes(2)); // 40 minutes of a 1 h token: still fresh
        }
        assertThat(vault.logins()).isZero();
        assertThat(vault.calls("POST auth/token/renew-self")).isZero();
        assertThat(vault.calls("GET secret/data/a")).isEqualTo(20);
    }

    @Test
    void clientsShareTheCacheOnlyForTheSameIdentityAndNamespace() {
        vault.root().kvPut("secret", "a", Map.of("k", "v"));
        client().kvRead("secret", "a");
        client().kvRead("secret", "a");
        assertThat(vault.logins()).isEqualTo(1);
        assertThat(cache.size()).isEqualTo(1);
        vault.namespace("team-a").enableKv("secret").enableAppRole("approle", "j", ROLE_ID, SECRET_ID,
                FakeTokenSpec.ttl(Duration.ofHours(1)));
        vault.namespace("team-a").kvPut("secret", "a", Map.of("k", "v"));
        client(VaultEndpoint.of(vault.address()).withNamespace("team-a"), appRole()).kvRead("secret", "a");
        assertThat(vault.logins()).isEqualTo(2);
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void nonRenewableTokenNearExpiryCausesExactlyOneReLogin() {
        vault.root().enableAppRole("approle", "short", "rid-short", "sid-short",
                FakeTokenSpec.ttl(Duration.ofMinutes(10)).nonRenewable());
        vault.root().kvPut("secret", "a", Map.of("k", "v"));
        VaultClient c = client(new AppRoleAuth(null, "rid-short", SecretString.of("sid-short")));
        c.kvRead("secret", "a");
        time.advance(Duration.ofMinutes(9).plusSeconds(45)); // inside the refresh margin
        c.kvRead("secret", "a");
        c.kvRead("secret", "a");
        assertThat(vault.calls("POST auth/approle/login")).isEqualTo(2);
        assertThat(vault.calls("POST auth/token/renew-self")).isZero();
    }

    @Test
    void expiredTokenIsReplacedByOneLogin() {
        vault.root().kvPut("secret", "a", Map.of("k", "v"));
        VaultClient c = client();
        c.kvRead("secret", "a");
        time.advance(Duration.ofHours(3)); // token long gone, and Vault forgot it
        c.kvRead("secret", "a");
        c.kvRead("secret", "a");
        // renewable, but expired: a renew is not attempted on a dead token
        assertThat(vault.calls("POST auth/approle/login")).isEqualTo(2);
        assertThat(vault.calls("POST auth/token/renew-self")).isZero();
    }

    @Test
    void renewableTokenIsRenewedNotReplaced() {
        vault.root().kvPut("secret", "a", Map.of("k", "v"));
        VaultClient c = client();
        c.kvRead("secret", "a");
        time.advance(Duration.ofMinutes(55)); // 5 min left of 60: under the 10% margin
        c.kvRead("secret", "a");
        time.advance(Duration.ofMinutes(55));
        c.kvRead("secret", "a");
        assertThat(vault.calls("POST auth/approle/login")).isEqualTo(1);
        assertThat(vault.calls("POST auth/token/renew-self")).isEqualTo(2);
    }

    @Test
    void renewCappedByMaxTtlFallsBackToLogin() {
        vault.root().enableAppRole("approle", "capped", "rid-c", "sid-c",
                FakeTokenSpec.ttl(Duration.ofMinutes(30)).maxTtl(Duration.ofMinutes(40)));
        vault.root().kvPut("secret", "a", Map.of("k", "v"));
        VaultClient c = client(new AppRoleAuth(null, "rid-c", SecretString.of("sid-c")));
        c.kvRead("secret", "a");
        time.advance(Duration.ofMinutes(28)); // 2 min left: renew, capped at minute 40
        c.kvRead("secret", "a");
        assertThat(vault.calls("POST auth/token/renew-self")).isEqualTo(1);
        assertThat(vault.calls("POST auth/approle/login")).isEqualTo(1);
        time.advance(Duration.ofMinutes(10)); // minute 38: renewing cannot go past 40, so log in again
        c.kvRead("secret", "a");
        c.kvRead("secret", "a");
        assertThat(vault.calls("POST auth/token/renew-self")).isEqualTo(2);
        assertThat(vault.calls("POST auth/approle/login")).isEqualTo(2);
    }

    @Test
    void forbiddenCallLogsInOnceMoreThenReportsClearly() {
        vault.root().enableAppRole("approle", "limited", "rid-l", "sid-l",
                FakeTokenSpec.ttl(Duration.ofHours(1)).deny("secret/data/openai/"));
        vault.root().kvPut("secret", "openai/org1", Map.of("k", "v"));
        VaultClient c = client(new AppRoleAuth(null, "rid-l", SecretString.of("sid-l")));
        assertThatThrownBy(() -> c.kvRead("secret", "openai/org1"))
                .isInstanceOfSatisfying(VaultException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.PERMISSION_DENIED);
                    assertThat(e.status()).isEqualTo(403);
                })
                .hasMessage("Vault denied read on path secret/data/openai/org1: check the policy of the Jenkins auth role");
        assertThat(vault.calls("POST auth/approle/login")).isEqualTo(2);
        assertThat(vault.calls("GET secret/data/openai/org1")).isEqualTo(2);
    }

    @Test
    void revokedTokenIsRecoveredByOneReLogin() {
        vault.root().kvPut("secret", "a", Map.of("k", "v"));
        VaultClient c = client();
        c.kvRead("secret", "a");
        vault.root().revokeAllTokens();
        assertThat(c.kvRead("secret", "a").field("k")).isEqualTo("v");
        assertThat(vault.calls("POST auth/approle/login")).isEqualTo(2);
    }

    @Test
    void concurrentCallsCauseOneLogin() throws Exception {
        vault.root().kvPut("secret", "a", Map.of("k", "v"));
        vault.delayNext("POST auth/approle/login", 1, Duration.ofMillis(300));
        VaultClient c = client();
        int threads = 16;
        for (Future<String> f : AllAtOnce.run(threads, Duration.ofSeconds(20),
                () -> c.kvRead("secret", "a").field("k"))) {
            assertThat(f.get()).isEqualTo("v");
        }
        assertThat(vault.logins()).isEqualTo(1);
        assertThat(vault.calls("GET secret/data/a")).isEqualTo(threads);
    }

    @Test
    void renewableStaticTokenIsRenewed() {
        SecretString token = vault.root().createToken(FakeTokenSpec.ttl(Duration.ofMinutes(20)));
        vault.root().kvPut("secret", "a", Map.of("k", "v"));
        VaultClient c = client(new TokenAuth(token));
        c.kvRead("secret", "a");
        time.advance(Duration.ofMinutes(19));
        c.kvRead("secret", "a");
        assertThat(vault.calls("GET auth/token/lookup-self")).isEqualTo(1);
        assertThat(vault.calls("POST auth/token/renew-self")).isEqualTo(1);
        assertThat(vault.root().tokenExpiry(token)).isEqualTo(time.instant().plus(Duration.ofMinutes(20)));
    }

    @Test
    void tokenNeverAppearsInToStringOrLogs() {
        vault.root().kvPut("secret", "a", Map.of("k", "v"));
        VaultClient c = client();
        c.kvRead("secret", "a");
        time.advance(Duration.ofMinutes(58));
        c.kvRead("secret", "a");
        assertThat(cache.toString()).doesNotContain("hvs.");
        assertThat(c.toString()).doesNotContain(SECRET_ID).doesNotContain("hvs.");
        assertThat(allLogText()).doesNotContain("hvs.").doesNotContain(SECRET_ID);
    }
}
