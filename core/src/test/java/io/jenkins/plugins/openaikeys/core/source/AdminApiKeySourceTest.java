package io.jenkins.plugins.openaikeys.core.source;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.broker.MintRequest;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.openai.OpenAiException;
import io.jenkins.plugins.openaikeys.core.openai.fake.Endpoint;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeAdminKey;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeServiceAccount;
import io.jenkins.plugins.openaikeys.core.openai.fake.Fault;
import io.jenkins.plugins.openaikeys.core.policy.Role;
import io.jenkins.plugins.openaikeys.core.policy.ServiceAccountNames;
import io.jenkins.plugins.openaikeys.core.testing.AllAtOnce;
import io.jenkins.plugins.openaikeys.core.testing.CapturedLog;
import io.jenkins.plugins.openaikeys.core.vault.AppRoleAuth;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import io.jenkins.plugins.openaikeys.core.vault.VaultEndpoint;
import io.jenkins.plugins.openaikeys.core.vault.VaultException;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeTokenSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import static io.jenkins.plugins.openaikeys.core.source.BrokerFakes.KV_MOUNT;
import static io.jenkins.plugins.openaikeys.core.source.BrokerFakes.KV_PATH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** AdminApiKeySource against FakeVault (admin config in KV v2) and FakeOpenAi. */
class AdminApiKeySourceTest {

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

    private KeyBroker broker(AdminApiKeySource source) {
        return fakes.broker(source, null);
    }

    private MintedKey mint(KeyBroker broker) {
        MintedKey key = broker.mint("evals", new MintRequest("team/app", "42"));
        secrets.add(key.value().reveal());
        return key;
    }

    @Test
    void mintsAWorkingKeyAndRevokeDeletesItsServiceAccount() {
        AdminApiKeySource source = fakes.adminSource(fakes.vaultClient());
        KeyBroker broker = broker(source);

        MintedKey key = mint(broker);

        assertThat(fakes.openai.isLiveKey(key.value())).isTrue();
        FakeServiceAccount account = fakes.openai.serviceAccountOfKey(key.value()).orElseThrow();
        assertThat(account.id()).isEqualTo(key.serviceAccountId());
        assertThat(account.keyId()).isEqualTo(key.keyId());
        assertThat(account.projectId()).isEqualTo(fakes.project.id()).isEqualTo(key.projectId());
        assertThat(account.name()).startsWith("jk-evals-team_app-42-");
        assertThat(ServiceAccountNames.parse(account.name()).orElseThrow().expiresAt())
                .isEqualTo(fakes.time.instant().plus(BrokerFakes.M30));
        assertThat(key.leaseId()).isNull();
        assertThat(key.handle().source()).isEqualTo(SourceKind.ADMIN_API);
        assertThat(fakes.ledger.pending()).containsExactly(key.handle());

        broker.revoke(key.handle());

        assertThat(fakes.openai.isLiveKey(key.value())).isFalse();
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void onceWarmAMintAndARevokeCostTwoOpenAiCallsAndNoVaultCall() {
        AdminApiKeySource source = fakes.adminSource(fakes.vaultClient());
        KeyBroker broker = broker(source);
        broker.revoke(mint(broker).handle());
        fakes.openai.resetCallLog();
        fakes.vault.resetCallLog();

        for (int i = 0; i < 3; i++) {
            broker.revoke(mint(broker).handle());
        }

        assertThat(fakes.openai.callCounts()).containsOnly(
                Map.entry(Endpoint.CREATE_SERVICE_ACCOUNT.key(), 3), Map.entry(Endpoint.DELETE_SERVICE_ACCOUNT.key(), 3));
        assertThat(fakes.vault.callLog()).isEmpty();
        assertThat(source.clientsBuilt()).isEqualTo(1);
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void theAdminClientIsTheOneMintsUseSoTheSweeperNeedsNoSecondKeyOrVaultRead() {
        AdminApiKeySource source = fakes.adminSource(fakes.vaultClient());
        KeyBroker broker = broker(source);
        MintedKey key = mint(broker);
        fakes.vault.resetCallLog();

        assertThat(source.adminClient().listServiceAccounts(fakes.project.id()))
                .extracting(a -> a.id()).containsExactly(key.serviceAccountId());
        assertThat(fakes.vault.callLog()).isEmpty();
        assertThat(source.clientsBuilt()).isEqualTo(1);

        broker.revoke(key.handle());
    }

    @Test
    void theAdminConfigIsReadAgainAfterItsMaxAge() {
        AdminApiKeySource source = fakes.adminSource(fakes.vaultClient());
        KeyBroker broker = broker(source);
        broker.revoke(mint(broker).handle());
        fakes.vault.resetCallLog();

        fakes.time.advance(Duration.ofSeconds(29));
        broker.revoke(mint(broker).handle());
        assertThat(fakes.vault.callLog()).isEmpty();

        fakes.time.advance(Duration.ofSeconds(1));
        broker.revoke(mint(broker).handle());
        assertThat(fakes.vault.callLog()).containsExactly("GET secret/data/" + KV_PATH);
        assertThat(source.clientsBuilt()).isEqualTo(1);
    }

    @Test
    void aRotatedAdminKeyIsPickedUpOnTheFirst401() {
        AdminApiKeySource source = fakes.adminSource(fakes.vaultClient());
        KeyBroker broker = broker(source);
        MintedKey before = mint(broker);

        // Another controller rotates: new key into KV, old key deleted at OpenAI.
        FakeAdminKey rotated = fakes.org.createAdminKey("rotated");
        secrets.add(rotated.value().reveal());
        fakes.vault.root().kvPut(KV_MOUNT, KV_PATH, fakes.adminConfig(rotated.value(), rotated.id()));
        fakes.org.deleteAdminKey(fakes.org.adminKeyId());
        fakes.openai.resetCallLog();
        fakes.vault.resetCallLog();

        MintedKey after = mint(broker);

        assertThat(fakes.openai.isLiveKey(after.value())).isTrue();
        assertThat(fakes.openai.calls(Endpoint.CREATE_SERVICE_ACCOUNT)).isEqualTo(2); // 401, then success
        assertThat(fakes.vault.callLog()).containsExactly("GET secret/data/" + KV_PATH);
        assertThat(source.clientsBuilt()).isEqualTo(2);
        assertThat(source.adminConfig().get().adminKeyId()).isEqualTo(rotated.id());
        assertThat(log.messages(java.util.logging.Level.INFO)).anyMatch(m -> m.contains(
                "Vault now holds admin key " + rotated.id()));

        broker.revoke(before.handle()); // revoked with the new key
        broker.revoke(after.handle());
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void aRejectedAdminKeyThatVaultStillHoldsIsReportedNotRetriedForever() {
        AdminApiKeySource source = fakes.adminSource(fakes.vaultClient());
        KeyBroker broker = broker(source);
        fakes.org.deleteAdminKey(fakes.org.adminKeyId());
        fakes.openai.resetCallLog();

        assertThatThrownBy(() -> mint(broker)).isInstanceOf(OpenAiException.class)
                .satisfies(e -> assertThat(((OpenAiException) e).status()).isEqualTo(401))
                .satisfies(AdminApiKeySourceTest::oneSentence);
        assertThat(fakes.openai.calls(Endpoint.CREATE_SERVICE_ACCOUNT)).isEqualTo(1);
        assertThat(fakes.vault.calls("GET secret/data/" + KV_PATH)).isEqualTo(2);
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void anExpiredVaultTokenCostsExactlyOneNewLogin() {
        fakes.close();
        fakes = new BrokerFakes(FakeTokenSpec.ttl(Duration.ofHours(2)).nonRenewable());
        KeyBroker broker = broker(fakes.adminSource(fakes.vaultClient()));
        broker.revoke(mint(broker).handle());
        assertThat(fakes.vault.logins()).isEqualTo(1);

        fakes.time.advance(Duration.ofHours(3));
        broker.revoke(mint(broker).handle());
        broker.revoke(mint(broker).handle());

        assertThat(fakes.vault.logins()).isEqualTo(2);
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void wrongAppRoleSecretIsOneSentenceAndMintsNothing() {
        VaultClient client = fakes.vaultClient(VaultEndpoint.of(fakes.vault.address()),
                new AppRoleAuth("approle", BrokerFakes.ROLE_ID, SecretString.of("wrong-secret-id-91d2")));
        secrets.add("wrong-secret-id-91d2");
        KeyBroker broker = broker(fakes.adminSource(client));

        assertThatThrownBy(() -> mint(broker)).isInstanceOf(VaultException.class)
                .satisfies(e -> assertThat(((VaultException) e).kind()).isEqualTo(VaultException.Kind.LOGIN_FAILED))
                .satisfies(AdminApiKeySourceTest::oneSentence);
        assertThat(fakes.openai.callLog()).isEmpty();
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void sealedVaultIsOneSentenceAndMintsNothing() {
        fakes.vault.seal();
        KeyBroker broker = broker(fakes.adminSource(fakes.vaultClient()));
        assertThatThrownBy(() -> mint(broker)).isInstanceOf(VaultException.class)
                .satisfies(e -> assertThat(((VaultException) e).kind()).isEqualTo(VaultException.Kind.SEALED))
                .satisfies(AdminApiKeySourceTest::oneSentence);
        assertThat(fakes.openai.callLog()).isEmpty();
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void aPolicyThatDeniesTheAdminConfigIsOneSentence() {
        fakes.close();
        fakes = new BrokerFakes(FakeTokenSpec.ttl(Duration.ofHours(2)).deny("secret/"));
        KeyBroker broker = broker(fakes.adminSource(fakes.vaultClient()));
        assertThatThrownBy(() -> mint(broker)).isInstanceOf(VaultException.class)
                .satisfies(e -> assertThat(((VaultException) e).kind())
                        .isEqualTo(VaultException.Kind.PERMISSION_DENIED))
                .satisfies(AdminApiKeySourceTest::oneSentence);
        assertThat(fakes.openai.callLog()).isEmpty();
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void unreachableVaultIsOneSentence() {
        VaultClient client = fakes.vaultClient(VaultEndpoint.of("http://127.0.0.1:1"),
                new AppRoleAuth("approle", BrokerFakes.ROLE_ID, SecretString.of(BrokerFakes.SECRET_ID)));
        KeyBroker broker = broker(fakes.adminSource(client));
        assertThatThrownBy(() -> mint(broker)).isInstanceOf(VaultException.class)
                .satisfies(e -> assertThat(((VaultException) e).kind()).isEqualTo(VaultException.Kind.UNREACHABLE))
                .satisfies(AdminApiKeySourceTest::oneSentence);
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void aMissingAdminConfigNamesItsPath() {
        AdminApiKeySource source = AdminApiKeySource.builder(fakes.vaultClient(), KV_MOUNT, "jenkins/openai/nope")
                .settings(ClientSettings.DEFAULTS.withTime(fakes.time).withRetryPolicy(BrokerFakes.POLICY)).build();
        KeyBroker broker = broker(source);
        assertThatThrownBy(() -> mint(broker)).isInstanceOf(BrokerException.class)
                .hasMessage("The OpenAI admin config secret/jenkins/openai/nope does not exist in Vault: write"
                        + " admin_api_key, admin_api_key_id and organization_id there");
        assertThat(fakes.openai.callLog()).isEmpty();
        assertThat(fakes.nothingLive()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"admin_api_key", "admin_api_key_id", "organization_id"})
    void anAdminConfigWithoutARequiredFieldNamesPathAndField(String field) {
        Map<String, String> config = new LinkedHashMap<>(fakes.adminConfig(fakes.org.adminKey(), fakes.org.adminKeyId()));
        config.remove(field);
        fakes.vault.root().kvPut(KV_MOUNT, KV_PATH, config);
        KeyBroker broker = broker(fakes.adminSource(fakes.vaultClient()));
        assertThatThrownBy(() -> mint(broker)).isInstanceOf(BrokerException.class)
                .hasMessage("The OpenAI admin config secret/" + KV_PATH + " in Vault has no field " + field
                        + ": add it (it needs admin_api_key, admin_api_key_id and organization_id)");
        assertThat(fakes.openai.callLog()).isEmpty();
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void anUnusableAdminConfigIsOneSentenceNamingItsPath() {
        Map<String, String> config = new LinkedHashMap<>(fakes.adminConfig(fakes.org.adminKey(), fakes.org.adminKeyId()));
        config.put(AdminConfig.API_ENDPOINT, "ftp:/nowhere");
        fakes.vault.root().kvPut(KV_MOUNT, KV_PATH, config);
        KeyBroker broker = broker(fakes.adminSource(fakes.vaultClient()));
        assertThatThrownBy(() -> mint(broker)).isInstanceOf(BrokerException.class)
                .hasMessageStartingWith("The OpenAI admin config secret/" + KV_PATH + " in Vault is not usable (")
                .hasMessageEndingWith("): correct it in Vault")
                .satisfies(AdminApiKeySourceTest::oneSentence);

        config.put(AdminConfig.API_ENDPOINT, fakes.openai.baseUrl());
        config.put(AdminConfig.ADMIN_API_KEY, "sk-admin with-space-7c1e");
        secrets.add("with-space-7c1e");
        fakes.vault.root().kvPut(KV_MOUNT, KV_PATH, config);
        KeyBroker again = broker(fakes.adminSource(fakes.vaultClient()));
        assertThatThrownBy(() -> mint(again)).isInstanceOf(BrokerException.class)
                .hasMessageContaining("is not usable (the admin API key contains spaces or control characters")
                .hasMessageNotContaining("with-space-7c1e");
        assertThat(fakes.openai.callLog()).isEmpty();
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void withoutApiEndpointTheRealOpenAiIsAssumed() {
        Map<String, String> config = new LinkedHashMap<>(fakes.adminConfig(fakes.org.adminKey(), fakes.org.adminKeyId()));
        config.remove(AdminConfig.API_ENDPOINT);
        fakes.vault.root().kvPut(KV_MOUNT, KV_PATH, config);
        AdminConfigCache cache = new AdminConfigCache(fakes.vaultClient(), KV_MOUNT, KV_PATH, Duration.ofMinutes(5),
                fakes.time);
        AdminConfig read = cache.get();
        assertThat(read.apiEndpoint()).isEqualTo("https://api.openai.com/v1");
        assertThat(read.organizationId()).isEqualTo(fakes.org.id());
        assertThat(read.kvVersion()).isEqualTo(2);
        assertThat(read.toString()).doesNotContain(fakes.org.adminKey().reveal()).contains(fakes.org.adminKeyId());
    }

    @Test
    void anOpenAiRefusalIsOneSentenceAndLeavesNothing() {
        KeyBroker broker = broker(fakes.adminSource(fakes.vaultClient()));
        fakes.openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.status(403));
        assertThatThrownBy(() -> mint(broker)).isInstanceOf(OpenAiException.class)
                .satisfies(AdminApiKeySourceTest::oneSentence);
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void anAmbiguousCreateIsReconciledUnderAFreshName() {
        KeyBroker broker = broker(fakes.adminSource(fakes.vaultClient()));
        fakes.openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.disconnectAfterProcessing());

        MintedKey key = mint(broker);

        List<FakeServiceAccount> live = fakes.openai.liveServiceAccounts(fakes.project.id());
        assertThat(live).singleElement().satisfies(a -> {
            assertThat(a.id()).isEqualTo(key.serviceAccountId());
            assertThat(a.name()).startsWith("jk-evals-team_app-42-");
        });
        assertThat(fakes.openai.calls(Endpoint.CREATE_SERVICE_ACCOUNT)).isEqualTo(2);
        broker.revoke(key.handle());
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void aRoleWithoutProjectIsRefusedBeforeAnyCall() {
        AdminApiKeySource source = fakes.adminSource(fakes.vaultClient());
        Role engineOnly = new Role("evals", "main", null, "x", BrokerFakes.M30, BrokerFakes.H1, null, null, List.of("**"));
        KeyBroker broker = new KeyBroker(Map.of("evals", engineOnly), Map.of("main", source), fakes.ledger, fakes.time);
        assertThatThrownBy(() -> mint(broker)).isInstanceOf(BrokerException.class)
                .hasMessage("Role evals has no OpenAI project id, which organization 'main' (adminApi) needs: set it"
                        + " under Manage Jenkins → System → OpenAI Ephemeral Keys");
        assertThat(fakes.vault.callLog()).isEmpty();
        assertThat(fakes.openai.callLog()).isEmpty();
    }

    @Test
    void concurrentRevokesOfOneKeyMakeOneDelete() throws Exception {
        KeyBroker broker = broker(fakes.adminSource(fakes.vaultClient()));
        MintedKey key = mint(broker);
        fakes.openai.resetCallLog();
        fakes.openai.latency(Endpoint.DELETE_SERVICE_ACCOUNT, Duration.ofMillis(200));
        for (Future<Object> f : AllAtOnce.run(8, Duration.ofSeconds(20), () -> {
            broker.revoke(key.handle());
            return null;
        })) {
            f.get();
        }
        assertThat(fakes.openai.calls(Endpoint.DELETE_SERVICE_ACCOUNT)).isEqualTo(1);
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void revokingAnAccountThatIsAlreadyGoneSucceeds() {
        KeyBroker broker = broker(fakes.adminSource(fakes.vaultClient()));
        MintedKey key = mint(broker);
        fakes.openai.inject(Endpoint.DELETE_SERVICE_ACCOUNT, Fault.status(500).afterProcessing().times(3));
        assertThatThrownBy(() -> broker.revoke(key.handle())).isInstanceOf(OpenAiException.class);
        assertThat(fakes.ledger.pending()).containsExactly(key.handle());
        fakes.time.advance(Duration.ofHours(1));
        assertThat(broker.retryPending()).isEqualTo(1); // the account is gone: 404 = done
        assertThat(fakes.nothingLive()).isTrue();
    }

    static void oneSentence(Throwable e) {
        assertThat(e.getMessage()).isNotBlank().doesNotContain("\n").hasSizeLessThan(400);
    }
}
