package io.jenkins.plugins.openaikeys.core.source;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.http.RetryPolicy;
import io.jenkins.plugins.openaikeys.core.ledger.InMemoryRevocationLedger;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeOpenAi;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeOrganization;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeProject;
import io.jenkins.plugins.openaikeys.core.policy.Role;
import io.jenkins.plugins.openaikeys.core.testing.FakeTime;
import io.jenkins.plugins.openaikeys.core.vault.AppRoleAuth;
import io.jenkins.plugins.openaikeys.core.vault.VaultAuthMethod;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import io.jenkins.plugins.openaikeys.core.vault.VaultEndpoint;
import io.jenkins.plugins.openaikeys.core.vault.VaultTokenCache;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeOpenAiEngineMount;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeTokenSpec;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeVault;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Both fakes wired the way production is: FakeVault holds the admin config in KV v2 and
 * mounts the OpenAI engine pointed at FakeOpenAi; the broker reaches Vault over AppRole.
 * Everything runs on one {@link FakeTime}.
 */
final class BrokerFakes implements AutoCloseable {

    static final RetryPolicy POLICY =
            new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(4), Duration.ofSeconds(30), () -> 1.0);
    static final String KV_MOUNT = "secret";
    static final String KV_PATH = "jenkins/openai/main";
    static final String ENGINE_MOUNT = "openai";
    static final String ENGINE_ROLE = "evals-engine";
    static final String ROLE_ID = "role-id-jenkins";
    static final String SECRET_ID = "secret-id-5f3a9c17e2";
    static final Duration M30 = Duration.ofMinutes(30);
    static final Duration H1 = Duration.ofHours(1);

    final FakeTime time = new FakeTime();
    /** What every client here is built with: fake time as clock and sleeper, {@link #POLICY}. */
    final ClientSettings settings = ClientSettings.DEFAULTS.withTime(time).withRetryPolicy(POLICY);
    final FakeOpenAi openai = FakeOpenAi.start(time);
    final FakeOrganization org = openai.createOrganization();
    final FakeProject project = org.createProject("evals");
    final FakeVault vault = FakeVault.start(time);
    final FakeOpenAiEngineMount engine;
    final VaultTokenCache tokens = new VaultTokenCache();
    final InMemoryRevocationLedger ledger = new InMemoryRevocationLedger();

    BrokerFakes() {
        this(FakeTokenSpec.ttl(Duration.ofHours(2)));
    }

    BrokerFakes(FakeTokenSpec tokenSpec) {
        vault.root().enableKv(KV_MOUNT).enableAppRole("approle", "jenkins", ROLE_ID, SECRET_ID, tokenSpec);
        vault.root().kvPut(KV_MOUNT, KV_PATH, adminConfig(org.adminKey(), org.adminKeyId()));
        engine = vault.root().enableOpenAiEngine(ENGINE_MOUNT, openai.baseUrl(), org.adminKey(), org.adminKeyId(),
                org.id()).role(ENGINE_ROLE, project.id(), M30, H1);
    }

    Map<String, String> adminConfig(SecretString adminKey, String adminKeyId) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(AdminConfig.ADMIN_API_KEY, adminKey.reveal());
        m.put(AdminConfig.ADMIN_API_KEY_ID, adminKeyId);
        m.put(AdminConfig.ORGANIZATION_ID, org.id());
        m.put(AdminConfig.API_ENDPOINT, openai.baseUrl());
        return m;
    }

    VaultClient vaultClient() {
        return vaultClient(VaultEndpoint.of(vault.address()), new AppRoleAuth("approle", ROLE_ID, SecretString.of(SECRET_ID)));
    }

    VaultClient vaultClient(VaultEndpoint endpoint, VaultAuthMethod auth) {
        return VaultClient.builder(endpoint, auth).tokenCache(tokens)
                .settings(settings).build();
    }

    AdminApiKeySource adminSource(VaultClient client) {
        return AdminApiKeySource.builder(client, KV_MOUNT, KV_PATH)
                .settings(settings).build();
    }

    VaultEngineKeySource engineSource(VaultClient client) {
        return new VaultEngineKeySource(client, ENGINE_MOUNT, time);
    }

    Role adminRole() {
        return new Role("evals", "main", project.id(), null, M30, H1, null, null, List.of("**"));
    }

    Role engineRole() {
        return new Role("ingest", "vaulted", project.id(), ENGINE_ROLE, M30, H1, null, null, List.of("**"));
    }

    KeyBroker broker(KeySource admin, KeySource engineSource) {
        Map<String, KeySource> sources = new LinkedHashMap<>();
        if (admin != null) {
            sources.put("main", admin);
        }
        if (engineSource != null) {
            sources.put("vaulted", engineSource);
        }
        return new KeyBroker(Map.of("evals", adminRole(), "ingest", engineRole()), sources, ledger, time);
    }

    /** Nothing minted is alive anywhere. */
    boolean nothingLive() {
        return openai.allLiveServiceAccounts().isEmpty() && vault.root().liveLeases().isEmpty()
                && ledger.pending().isEmpty();
    }

    @Override
    public void close() {
        try {
            vault.close();
        } finally {
            openai.close();
        }
    }
}
