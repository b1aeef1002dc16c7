package io.jenkins.plugins.openaikeys.core.source;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.broker.MintRequest;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.broker.RevokeBackoff;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeServiceAccount;
import io.jenkins.plugins.openaikeys.core.policy.Role;
import io.jenkins.plugins.openaikeys.core.testing.AllAtOnce;
import io.jenkins.plugins.openaikeys.core.testing.CapturedLog;
import io.jenkins.plugins.openaikeys.core.vault.AppRoleAuth;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import io.jenkins.plugins.openaikeys.core.vault.VaultEndpoint;
import io.jenkins.plugins.openaikeys.core.vault.VaultException;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeTokenSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import static io.jenkins.plugins.openaikeys.core.source.AdminApiKeySourceTest.oneSentence;
import static io.jenkins.plugins.openaikeys.core.source.BrokerFakes.ENGINE_ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** VaultEngineKeySource against FakeVault's OpenAI engine mount, which talks to FakeOpenAi. */
class VaultEngineKeySourceTest {

    private static final String CREDS = "GET openai/creds/" + ENGINE_ROLE;
    private static final String REVOKE = "PUT sys/leases/revoke";

    private BrokerFakes fakes = new BrokerFakes();
    private final CapturedLog log = CapturedLog.of("io.jenkins.plugins.openaikeys");
    private final List<String> secrets = new ArrayList<>();

    @AfterEach
    void noSecretInAnyLog() {
        log.close();
        String text = log.text();
        secrets.add(fakes.org.adminKey().reveal());
        secrets.add(BrokerFakes.SECRET_ID);
        for (String s : secrets) {
            assertThat(text).doesNotContain(s);
        }
        fakes.close();
    }

    private KeyBroker broker(VaultClient client) {
        return fakes.broker(null, fakes.engineSource(client));
    }

    private MintedKey mint(KeyBroker broker, Duration ttl) {
        MintedKey key = broker.mint("ingest", new MintRequest("team/app", "42", ttl));
        secrets.add(key.value().reveal());
        return key;
    }

    @Test
    void aKeyWhoseAccountIsAlreadyGoneIsRecordedAsRevokedWithOneWarning() {
        KeyBroker broker = broker(fakes.vaultClient());
        MintedKey key = mint(broker, null);
        io.jenkins.plugins.openaikeys.core.openai.OpenAiAdminClient.builder().baseUrl(fakes.openai.baseUrl())
                .adminKey(fakes.org.adminKey()).build()
                .deleteServiceAccount(key.projectId(), key.serviceAccountId()); // by hand, at OpenAI

        broker.revoke(key.handle());
        fakes.time.advance(Duration.ofHours(2));
        assertThat(broker.retryPending()).isZero();

        assertThat(fakes.ledger.pending()).isEmpty();
        assertThat(broker.failingRevokes()).isEmpty();
        assertThat(fakes.vault.calls(REVOKE)).isEqualTo(1);
        assertThat(log.messages(java.util.logging.Level.WARNING)).singleElement().asString()
                .contains("Vault lease " + key.leaseId()).contains("no longer exists");
    }

    @Test
    void mintsAWorkingKeyUnderALeaseAndRevokingTheLeaseDeletesIt() {
        KeyBroker broker = broker(fakes.vaultClient());

        MintedKey key = mint(broker, null);

        assertThat(fakes.openai.isLiveKey(key.value())).isTrue();
        FakeServiceAccount account = fakes.openai.serviceAccountOfKey(key.value()).orElseThrow();
        assertThat(key.serviceAccountId()).isEqualTo(account.id());
        assertThat(key.keyId()).isEqualTo(account.keyId());
        assertThat(key.leaseId()).startsWith("openai/creds/" + ENGINE_ROLE + "/");
        assertThat(fakes.vault.root().liveLeases()).containsExactly(key.leaseId());
        assertThat(key.expiresAt()).isEqualTo(fakes.time.instant().plus(BrokerFakes.M30));
        assertThat(key.handle().source()).isEqualTo(SourceKind.VAULT_ENGINE);
        assertThat(key.projectId()).isEqualTo(fakes.project.id());
        assertThat(fakes.ledger.pending()).containsExactly(key.handle());

        broker.revoke(key.handle());

        assertThat(fakes.openai.isLiveKey(key.value())).isFalse();
        assertThat(fakes.engine.deletedServiceAccounts()).containsExactly(account.id());
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void theRequestedTtlBecomesTheLease() {
        KeyBroker broker = broker(fakes.vaultClient());
        MintedKey key = mint(broker, Duration.ofMinutes(45));
        assertThat(key.expiresAt()).isEqualTo(fakes.time.instant().plus(Duration.ofMinutes(45)));
        broker.revoke(key.handle());
    }

    @Test
    void onceWarmAMintAndARevokeCostTwoVaultCalls() {
        KeyBroker broker = broker(fakes.vaultClient());
        broker.revoke(mint(broker, null).handle());
        fakes.vault.resetCallLog();

        for (int i = 0; i < 3; i++) {
            broker.revoke(mint(broker, null).handle());
        }

        assertThat(fakes.vault.callLog()).containsExactly(CREDS, REVOKE, CREDS, REVOKE, CREDS, REVOKE);
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void anExpiredVaultTokenCostsExactlyOneNewLogin() {
        fakes.close();
        fakes = new BrokerFakes(FakeTokenSpec.ttl(Duration.ofHours(2)).nonRenewable());
        KeyBroker broker = broker(fakes.vaultClient());
        broker.revoke(mint(broker, null).handle());
        fakes.time.advance(Duration.ofHours(3));
        broker.revoke(mint(broker, null).handle());
        broker.revoke(mint(broker, null).handle());
        assertThat(fakes.vault.logins()).isEqualTo(2);
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void aMalformedEngineAnswerRevokesItsLeaseAndIsOneSentence() {
        KeyBroker broker = broker(fakes.vaultClient());
        broker.revoke(mint(broker, null).handle()); // warm: logged in
        fakes.vault.resetCallLog();
        fakes.vault.respondNext(CREDS, 1, 200, "{\"lease_id\":\"openai/creds/" + ENGINE_ROLE + "/broken1\","
                + "\"lease_duration\":1800,\"renewable\":false,\"data\":{\"api_key_id\":\"key_x\"}}");

        assertThatThrownBy(() -> mint(broker, null)).isInstanceOf(VaultException.class)
                .satisfies(e -> assertThat(((VaultException) e).kind())
                        .isEqualTo(VaultException.Kind.MALFORMED_RESPONSE))
                .satisfies(VaultEngineKeySourceTest::oneSentenceAbout);
        assertThat(fakes.vault.callLog()).containsExactly(CREDS, REVOKE);
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void aPolicyThatDeniesCredsIsOneSentence() {
        fakes.close();
        fakes = new BrokerFakes(FakeTokenSpec.ttl(Duration.ofHours(2)).deny("openai/creds"));
        KeyBroker broker = broker(fakes.vaultClient());
        assertThatThrownBy(() -> mint(broker, null)).isInstanceOf(VaultException.class)
                .satisfies(e -> assertThat(((VaultException) e).kind())
                        .isEqualTo(VaultException.Kind.PERMISSION_DENIED))
                .satisfies(AdminApiKeySourceTest::oneSentence);
        assertThat(fakes.openai.callLog()).isEmpty();
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void sealedVaultIsOneSentence() {
        KeyBroker broker = broker(fakes.vaultClient());
        fakes.vault.seal();
        assertThatThrownBy(() -> mint(broker, null)).isInstanceOf(VaultException.class)
                .satisfies(e -> assertThat(((VaultException) e).kind()).isEqualTo(VaultException.Kind.SEALED))
                .satisfies(AdminApiKeySourceTest::oneSentence);
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void wrongAppRoleSecretIsOneSentence() {
        VaultClient client = fakes.vaultClient(VaultEndpoint.of(fakes.vault.address()),
                new AppRoleAuth("approle", BrokerFakes.ROLE_ID, SecretString.of("wrong-secret-id-77ab")));
        secrets.add("wrong-secret-id-77ab");
        assertThatThrownBy(() -> mint(broker(client), null)).isInstanceOf(VaultException.class)
                .satisfies(e -> assertThat(((VaultException) e).kind()).isEqualTo(VaultException.Kind.LOGIN_FAILED))
                .satisfies(AdminApiKeySourceTest::oneSentence);
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void unreachableVaultIsOneSentence() {
        VaultClient client = fakes.vaultClient(VaultEndpoint.of("http://127.0.0.1:1"),
                new AppRoleAuth("approle", BrokerFakes.ROLE_ID, SecretString.of(BrokerFakes.SECRET_ID)));
        assertThatThrownBy(() -> mint(broker(client), null)).isInstanceOf(VaultException.class)
                .satisfies(e -> assertThat(((VaultException) e).kind()).isEqualTo(VaultException.Kind.UNREACHABLE))
                .satisfies(AdminApiKeySourceTest::oneSentence);
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void aRoleWithoutEngineRoleIsRefusedBeforeAnyCall() {
        Role adminOnly = new Role("ingest", "vaulted", "proj_x", null, BrokerFakes.M30, BrokerFakes.H1, null, null,
                List.of("**"));
        KeyBroker broker = new KeyBroker(Map.of("ingest", adminOnly),
                Map.of("vaulted", fakes.engineSource(fakes.vaultClient())), fakes.ledger, fakes.time);
        assertThatThrownBy(() -> mint(broker, null)).isInstanceOf(BrokerException.class)
                .hasMessage("Role ingest has no Vault engine role, which organization 'vaulted' (vaultEngine) needs:"
                        + " set it under Manage Jenkins → System → OpenAI Ephemeral Keys");
        assertThat(fakes.vault.callLog()).isEmpty();
    }

    @Test
    void concurrentRevokesOfOneLeaseMakeOneRevoke() throws Exception {
        KeyBroker broker = broker(fakes.vaultClient());
        MintedKey key = mint(broker, null);
        fakes.vault.resetCallLog();
        fakes.vault.delayNext(REVOKE, 1, Duration.ofMillis(200));
        for (Future<Object> f : AllAtOnce.run(8, Duration.ofSeconds(20), () -> {
            broker.revoke(key.handle());
            return null;
        })) {
            f.get();
        }
        assertThat(fakes.vault.calls(REVOKE)).isEqualTo(1);
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void aFailedLeaseRevokeIsRetriedByRetryPending() {
        KeyBroker broker = broker(fakes.vaultClient());
        MintedKey key = mint(broker, null);
        fakes.vault.failNext(REVOKE, 3, 503);
        assertThatThrownBy(() -> broker.revoke(key.handle())).isInstanceOf(VaultException.class)
                .satisfies(AdminApiKeySourceTest::oneSentence);
        assertThat(fakes.ledger.pending()).containsExactly(key.handle());
        assertThat(broker.retryPending()).as("backing off").isZero();
        fakes.time.advance(RevokeBackoff.DEFAULT.first());
        assertThat(broker.retryPending()).isEqualTo(1);
        assertThat(fakes.nothingLive()).isTrue();
    }

    private static void oneSentenceAbout(Throwable e) {
        oneSentence(e);
        assertThat(e.getMessage()).contains("openai/creds/" + ENGINE_ROLE);
    }
}
