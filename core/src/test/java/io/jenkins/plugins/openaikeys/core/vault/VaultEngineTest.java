package io.jenkins.plugins.openaikeys.core.vault;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.vault.VaultException.Kind;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeOpenAiEngineMount;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeTokenSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VaultEngineTest extends VaultTestSupport {

    private OpenAiStub openai;
    private FakeOpenAiEngineMount engine;

    @BeforeEach
    void mountEngine() {
        openai = new OpenAiStub();
        engine = vault.root().enableOpenAiEngine("openai", openai.baseUrl(), SecretString.of(openai.currentAdminKey),
                "key_admin0", "org-1").role("evals", "proj_1", Duration.ofMinutes(15), Duration.ofHours(1));
    }

    @AfterEach
    void stopOpenAi() throws Exception {
        openai.close();
    }

    @Test
    void credsCreateAServiceAccountUnderANonRenewableLease() {
        EngineCredentials creds = client().readCreds("openai", "evals", null);
        assertThat(creds.leaseId()).startsWith("openai/creds/evals/");
        assertThat(creds.leaseDuration()).isEqualTo(Duration.ofMinutes(15));
        assertThat(creds.renewable()).isFalse();
        assertThat(creds.apiKey().reveal()).startsWith("sk-svcacct-SECRETvalue");
        assertThat(creds.apiKeyId()).startsWith("key_sa");
        assertThat(creds.serviceAccountName()).startsWith("vault-evals-");
        assertThat(openai.liveServiceAccounts).containsExactly(creds.serviceAccountId());
        assertThat(creds.toString()).contains(creds.leaseId(), creds.apiKeyId(), creds.serviceAccountId())
                .doesNotContain("SECRET");
        assertThat(allLogText()).doesNotContain("SECRETvalue");
    }

    @Test
    void requestedTtlIsHonouredOnlyBelowMaxTtl() {
        VaultClient c = client();
        assertThat(c.readCreds("openai", "evals", Duration.ofMinutes(20)).leaseDuration()).isEqualTo(Duration.ofMinutes(20));
        assertThat(c.readCreds("openai", "evals", Duration.ofHours(1)).leaseDuration()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void revokeDeletesTheServiceAccountAndIsIdempotent() {
        VaultClient c = client();
        EngineCredentials creds = c.readCreds("openai", "evals", null);
        LeaseInfo info = c.lookupLease(creds.leaseId());
        assertThat(info.ttl()).isEqualTo(Duration.ofMinutes(15));
        assertThat(info.expireTime()).isEqualTo(time.instant().plus(Duration.ofMinutes(15)));

        c.revokeLease(creds.leaseId());
        c.revokeLease(creds.leaseId());
        assertThat(openai.liveServiceAccounts).isEmpty();
        assertThat(engine.deletedServiceAccounts()).containsExactly(creds.serviceAccountId());
        assertThatThrownBy(() -> c.lookupLease(creds.leaseId()))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND))
                .hasMessage("Vault has no lease " + creds.leaseId() + ": it was revoked or has expired");
    }

    @Test
    void leaseExpiryOnTheClockDeletesTheServiceAccount() {
        EngineCredentials creds = client().readCreds("openai", "evals", null);
        time.advance(Duration.ofMinutes(16));
        vault.expireNow();
        assertThat(openai.liveServiceAccounts).isEmpty();
        assertThat(vault.root().liveLeases()).doesNotContain(creds.leaseId());
    }

    @Test
    void leaseDiesWithItsToken() {
        client().readCreds("openai", "evals", null);
        vault.root().revokeAllTokens();
        assertThat(openai.liveServiceAccounts).isEmpty();
    }

    @Test
    void shortNonRenewableTokenIsRefusedBeforeMintingWhenTtlIsKnown() {
        vault.root().enableAppRole("approle", "short", "rid-s", "sid-s",
                FakeTokenSpec.ttl(Duration.ofMinutes(10)).nonRenewable());
        VaultClient c = client(new AppRoleAuth(null, "rid-s", SecretString.of("sid-s")));
        assertThatThrownBy(() -> c.readCreds("openai", "evals", Duration.ofMinutes(20)))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOKEN_TTL_TOO_SHORT))
                .hasMessageContaining("Vault token would expire before the key's lease")
                .hasMessageContaining("give the Jenkins auth role a token TTL above the OpenAI role's max TTL");
        assertThat(vault.calls("GET openai/creds/evals")).isZero();
        assertThat(openai.liveServiceAccounts).isEmpty();
    }

    @Test
    void leaseOutlivingANonRenewableTokenIsRevokedAtOnce() {
        vault.root().enableAppRole("approle", "short", "rid-s", "sid-s",
                FakeTokenSpec.ttl(Duration.ofMinutes(10)).nonRenewable());
        VaultClient c = client(new AppRoleAuth(null, "rid-s", SecretString.of("sid-s")));
        assertThatThrownBy(() -> c.readCreds("openai", "evals", null))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOKEN_TTL_TOO_SHORT));
        assertThat(vault.calls("GET openai/creds/evals")).isEqualTo(1);
        assertThat(vault.calls("PUT sys/leases/revoke")).isEqualTo(1);
        assertThat(openai.liveServiceAccounts).isEmpty();
        assertThat(vault.root().liveLeases()).isEmpty();
    }

    @Test
    void renewableTokenIsRenewedToOutliveTheLease() {
        vault.root().enableAppRole("approle", "short", "rid-r", "sid-r", FakeTokenSpec.ttl(Duration.ofMinutes(10)));
        VaultClient c = client(new AppRoleAuth(null, "rid-r", SecretString.of("sid-r")));
        EngineCredentials creds = c.readCreds("openai", "evals", null);
        assertThat(vault.calls("POST auth/token/renew-self")).isEqualTo(1);
        time.advance(Duration.ofMinutes(12)); // past the token's original 10 min
        vault.expireNow();
        assertThat(openai.liveServiceAccounts).containsExactly(creds.serviceAccountId());
    }

    @Test
    void openAiRateLimitIsRetriedAndNothingIsLeftBehind() {
        openai.failNextCreate(429);
        EngineCredentials creds = client().readCreds("openai", "evals", null);
        assertThat(vault.calls("GET openai/creds/evals")).isEqualTo(2);
        assertThat(time.sleeps()).hasSize(1);
        assertThat(openai.liveServiceAccounts).containsExactly(creds.serviceAccountId());
    }

    @Test
    void persistentOpenAiFailureIsOneSentenceQuotingVault() {
        for (int i = 0; i < 5; i++) {
            openai.failNextCreate(429);
        }
        assertThatThrownBy(() -> client().readCreds("openai", "evals", null))
                .isInstanceOfSatisfying(VaultException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR);
                    assertThat(e.status()).isEqualTo(500);
                })
                .hasMessage("Vault failed read credentials on path openai/creds/evals with HTTP 500 (Vault says: 1 error"
                        + " occurred: * error creating service account: API error (429): requests - Rate limit reached"
                        + " for requests): check the Vault server log");
        assertThat(vault.root().liveLeases()).isEmpty();
    }

    @Test
    void configNeverCarriesAKeyAndRotateSwitchesTheAdminKey() {
        VaultClient c = client();
        Map<String, Object> config = c.readEngineConfig("openai");
        assertThat(config).containsEntry("organization_id", "org-1").containsEntry("admin_api_key_id", "key_admin0")
                .doesNotContainKey("admin_api_key");
        assertThat(config.values().toString()).doesNotContain("sk-");

        Map<String, Object> rotated = c.rotateEngineAdminKey("openai");
        String newId = (String) rotated.get("admin_api_key_id");
        assertThat(newId).isNotEqualTo("key_admin0").isEqualTo(engine.adminKeyId());
        assertThat(rotated).containsKey("rotated_time");
        assertThat(openai.liveAdminKeys).containsExactly(newId);
        assertThat(engine.adminKey().reveal()).isEqualTo(openai.currentAdminKey);
        // the engine keeps working with the new key
        assertThat(c.readCreds("openai", "evals", null).apiKey().reveal()).startsWith("sk-svcacct");
    }

    @Test
    void rotateIsNotReplayedAfterAServerError() {
        vault.failNext("POST openai/config/rotate", 1, 500);
        assertThatThrownBy(() -> client().rotateEngineAdminKey("openai"))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR));
        assertThat(vault.calls("POST openai/config/rotate")).isEqualTo(1);
    }

    @Test
    void credsAreNotReplayedAfterTheEngineFailedBehindOurBack() {
        engine.failAfterCreateNext(1);
        assertThatThrownBy(() -> client().readCreds("openai", "evals", null))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR));
        assertThat(vault.calls("GET openai/creds/evals")).isEqualTo(1);
        assertThat(openai.liveServiceAccounts).as("the real engine leaves this account behind").hasSize(1);
        assertThat(time.sleeps()).isEmpty();
        assertThat(warnings()).singleElement().asString()
                .contains("engine role evals").contains("may have created a service account");
    }

    @Test
    void credsAreNotReplayedAfterALostAnswer() {
        VaultClient c = client();
        c.checkConnection();
        vault.loseAnswerNext("GET openai/creds/evals", 1);
        assertThatThrownBy(() -> c.readCreds("openai", "evals", null))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE));
        assertThat(vault.calls("GET openai/creds/evals")).isEqualTo(1);
        assertThat(openai.liveServiceAccounts).hasSize(1);
        assertThat(warnings()).singleElement().asString().contains("engine role evals");
    }

    @Test
    void credsAreRetriedWhenVaultSaysItDidNotAct() {
        VaultClient c = client();
        c.checkConnection();
        vault.failNext("GET openai/creds/evals", 1, 429);
        vault.failNext("GET openai/creds/evals", 1, 472);
        EngineCredentials creds = c.readCreds("openai", "evals", null);
        assertThat(vault.calls("GET openai/creds/evals")).isEqualTo(3);
        assertThat(openai.liveServiceAccounts).containsExactly(creds.serviceAccountId());
        assertThat(warnings()).isEmpty();
    }

    /** A creds read is never replayed after a 5xx, but a 412 (a standby not caught up) did nothing: retried. */
    @Test
    void credsAreRetriedWhenAStandbyAnswers412() {
        VaultClient c = client();
        c.checkConnection();
        vault.respondNext("GET openai/creds/evals", 1, 412, "{\"errors\":[\"required index state not present\"]}");

        EngineCredentials creds = c.readCreds("openai", "evals", null);

        assertThat(vault.calls("GET openai/creds/evals")).isEqualTo(2);
        assertThat(openai.liveServiceAccounts).containsExactly(creds.serviceAccountId());
        assertThat(warnings()).isEmpty();
    }

    @Test
    void credsAreRetriedWhenTheConnectionIsRefused() {
        okhttp3.OkHttpClient base = new okhttp3.OkHttpClient();
        VaultClient c = VaultClient.builder(VaultEndpoint.of(vault.address()), appRole()).tokenCache(cache)
                .settings(ClientSettings.DEFAULTS.withTime(time).withRetryPolicy(FAST_RETRIES).withHttpClient(base))
                .build();
        c.checkConnection();
        vault.close();
        base.connectionPool().evictAll(); // a pooled connection would fail after sending: a lost answer
        assertThatThrownBy(() -> c.readCreds("openai", "evals", null))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
                .hasMessageContaining("connection refused");
        assertThat(time.sleeps()).hasSize(FAST_RETRIES.maxAttempts() - 1);
        assertThat(warnings()).as("nothing was sent, so nothing can be left behind").isEmpty();
    }

    @Test
    void revokeOfALeaseWhoseAccountIsGoneSaysSoAndTheLeaseStays() {
        VaultClient c = client();
        EngineCredentials creds = c.readCreds("openai", "evals", null);
        openai.liveServiceAccounts.remove(creds.serviceAccountId()); // deleted by hand at OpenAI

        assertThat(c.revokeLease(creds.leaseId())).isEqualTo(LeaseRevocation.ACCOUNT_ALREADY_GONE);
        assertThat(vault.root().liveLeases()).as("as in Vault, the failed revoke keeps the lease")
                .contains(creds.leaseId());
        assertThat(vault.calls("PUT sys/leases/revoke")).isEqualTo(1);
    }

    @Test
    void otherRevokeFailuresAreReportedNotSwallowed() {
        VaultClient c = client();
        EngineCredentials creds = c.readCreds("openai", "evals", null);
        for (int i = 0; i < FAST_RETRIES.maxAttempts(); i++) {
            openai.failNextDelete(500);
        }
        assertThatThrownBy(() -> c.revokeLease(creds.leaseId()))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR));
        assertThat(vault.root().liveLeases()).contains(creds.leaseId());
        assertThat(c.revokeLease(creds.leaseId())).isEqualTo(LeaseRevocation.REVOKED);
        assertThat(openai.liveServiceAccounts).isEmpty();
    }

    @Test
    void configShowsLastRotatedOnlyWithTheEnginesOwnRotationPeriod() {
        VaultClient c = client();
        c.rotateEngineAdminKey("openai");
        assertThat(c.readEngineConfig("openai")).doesNotContainKey("last_rotated");
        engine.rotationPeriod(Duration.ofDays(30));
        assertThat(c.readEngineConfig("openai")).containsEntry("last_rotated", time.instant().toString());
    }

    @Test
    void rotateAnswersAnErrorWhenItCannotDeleteTheOldKeyYetItRotated() {
        VaultClient c = client();
        openai.failNextAdminKeyDelete(500);
        assertThatThrownBy(() -> c.rotateEngineAdminKey("openai"))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR));
        assertThat(engine.adminKeyId()).isNotEqualTo("key_admin0");
        assertThat(openai.liveAdminKeys).contains("key_admin0", engine.adminKeyId());
    }

    private java.util.List<String> warnings() {
        return logs.stream().filter(r -> r.getLevel() == java.util.logging.Level.WARNING)
                .map(r -> new java.util.logging.SimpleFormatter().formatMessage(r)).toList();
    }

    @Test
    void unknownRoleIsABadRequest() {
        assertThatThrownBy(() -> client().readCreds("openai", "nope", null))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST))
                .hasMessageContaining("openai/creds/nope");
    }
}
