package io.jenkins.plugins.openaikeys.bench;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.http.RetryPolicy;
import io.jenkins.plugins.openaikeys.core.ledger.InMemoryRevocationLedger;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeOpenAi;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeOrganization;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeProject;
import io.jenkins.plugins.openaikeys.core.policy.Role;
import io.jenkins.plugins.openaikeys.core.source.AdminApiKeySource;
import io.jenkins.plugins.openaikeys.core.source.AdminConfig;
import io.jenkins.plugins.openaikeys.core.source.KeySource;
import io.jenkins.plugins.openaikeys.core.source.VaultEngineKeySource;
import io.jenkins.plugins.openaikeys.core.source.LiteLlmEngineKeySource;
import io.jenkins.plugins.openaikeys.core.source.LiteLlmProxyKeySource;
import io.jenkins.plugins.openaikeys.core.litellm.fake.FakeLiteLlmProxy;
import io.jenkins.plugins.openaikeys.core.policy.ServiceAccountNames;
import io.jenkins.plugins.openaikeys.core.vault.AppRoleAuth;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import io.jenkins.plugins.openaikeys.core.vault.VaultEndpoint;
import io.jenkins.plugins.openaikeys.core.vault.VaultTokenCache;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeTokenSpec;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeVault;
import okhttp3.OkHttpClient;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The fakes on loopback, on the real clock, wired as production is: Vault holds the admin
 * config in KV v2 (adminApi) and mounts the OpenAI engine (vaultEngine); Jenkins logs in
 * with AppRole.
 *
 * <p>The engine talks to an OpenAI of its own, {@link #engineOpenAi}, which gets no injected
 * latency: the engine's calls to OpenAI happen inside Vault, so they are Vault's server time
 * and not requests the plugin makes. L is injected on every request the plugin sends, which
 * is the model (vaultEngine = 2 round trips per mint+revoke). {@link #freshBroker} builds the real core
 * stack from nothing — token cache, Vault client, both key sources, broker — so that its
 * first build is a genuinely cold one.
 */
final class Rig implements AutoCloseable {

    static final String ADMIN_ROLE = "evals";
    static final String ENGINE_ROLE = "ingest";
    static final String PROXY_ROLE = "chat";
    static final String LITELLM_ENGINE_ROLE = "team";
    private static final String PROXY_KV_PATH = "litellm/main";
    private static final String LITELLM_MOUNT = "litellm";
    private static final String LITELLM_VAULT_ROLE = "team-a";
    private static final String KV_MOUNT = "secret";
    private static final String KV_PATH = "jenkins/openai/main";
    private static final String ENGINE_MOUNT = "openai";
    private static final String VAULT_ENGINE_ROLE = "evals-engine";
    private static final String ROLE_ID = "bench-role-id";
    private static final Duration TTL = Duration.ofMinutes(30);

    final FakeOpenAi openai = FakeOpenAi.start();
    final FakeVault vault = FakeVault.start();
    /** The OpenAI that Vault's engine administers: only Vault calls it, and never slowed down. */
    final FakeOpenAi engineOpenAi = FakeOpenAi.start();
    /** The LiteLLM proxy the plugin calls (litellmProxy): slowed down by L like OpenAI. */
    final FakeLiteLlmProxy litellm = FakeLiteLlmProxy.start();
    /** The LiteLLM proxy Vault's LiteLLM engine calls: Vault's server time, never slowed down. */
    final FakeLiteLlmProxy engineLitellm = FakeLiteLlmProxy.start();
    private final FakeProject project;
    private final FakeProject engineProject;
    private final SecretString secretId = SecretString.of("bench-" + Long.toHexString(System.nanoTime()));
    /** One shared connection pool, as the plugin shares one across clients. */
    private final OkHttpClient http = new OkHttpClient();

    Rig() {
        FakeOrganization org = openai.createOrganization();
        project = org.createProject("bench");
        vault.root().enableKv(KV_MOUNT)
                .enableAppRole("approle", "jenkins", ROLE_ID, secretId.reveal(), FakeTokenSpec.ttl(Duration.ofHours(4)));
        vault.root().kvPut(KV_MOUNT, KV_PATH, Map.of(
                AdminConfig.ADMIN_API_KEY, org.adminKey().reveal(),
                AdminConfig.ADMIN_API_KEY_ID, org.adminKeyId(),
                AdminConfig.ORGANIZATION_ID, org.id(),
                AdminConfig.API_ENDPOINT, openai.baseUrl()));
        FakeOrganization engineOrg = engineOpenAi.createOrganization();
        engineProject = engineOrg.createProject("bench-engine");
        vault.root().enableOpenAiEngine(ENGINE_MOUNT, engineOpenAi.baseUrl(), engineOrg.adminKey(),
                        engineOrg.adminKeyId(), engineOrg.id())
                .role(VAULT_ENGINE_ROLE, engineProject.id(), TTL, Duration.ofHours(1));
        vault.root().kvPut(KV_MOUNT, PROXY_KV_PATH, Map.of("base_url", litellm.baseUrl(), "master_key",
                litellm.masterKey().reveal()));
        vault.root().enableLiteLlmEngine(LITELLM_MOUNT, engineLitellm.baseUrl(), engineLitellm.masterKey())
                .role(LITELLM_VAULT_ROLE, List.of("gpt-4o"), new java.math.BigDecimal("20"), TTL, Duration.ofHours(1));
    }

    /** Every request the plugin sends (to OpenAI and to Vault) is answered after this long. */
    Rig latency(Duration l) {
        openai.latency(l);
        vault.latency(l);
        litellm.latency(l);
        return this;
    }

    /** The real broker with the real sources and clients, nothing cached yet. */
    KeyBroker freshBroker(InMemoryRevocationLedger ledger, RetryPolicy retries) {
        Clock clock = Clock.systemUTC();
        VaultClient vaultClient = VaultClient.builder(VaultEndpoint.of(vault.address()),
                        new AppRoleAuth("approle", ROLE_ID, secretId))
                .tokenCache(new VaultTokenCache())
                .settings(ClientSettings.DEFAULTS.withClock(clock).withRetryPolicy(retries).withHttpClient(http))
                .build();
        KeySource admin = AdminApiKeySource.builder(vaultClient, KV_MOUNT, KV_PATH)
                .settings(ClientSettings.DEFAULTS.withClock(clock).withRetryPolicy(retries).withHttpClient(http))
                .build();
        KeySource engine = new VaultEngineKeySource(vaultClient, ENGINE_MOUNT, clock);
        KeySource proxy = LiteLlmProxyKeySource.of(vaultClient, KV_MOUNT, PROXY_KV_PATH,
                io.jenkins.plugins.openaikeys.core.source.AdminConfigCache.DEFAULT_MAX_AGE, new ServiceAccountNames(),
                ClientSettings.DEFAULTS.withClock(clock).withRetryPolicy(retries).withHttpClient(http));
        KeySource liteLlmEngine = new LiteLlmEngineKeySource(vaultClient, LITELLM_MOUNT, engineLitellm.baseUrl(), clock);
        Map<String, Role> roles = Map.of(
                ADMIN_ROLE, new Role(ADMIN_ROLE, "main", project.id(), null, TTL, TTL, null, null, List.of("**")),
                ENGINE_ROLE, new Role(ENGINE_ROLE, "vaulted", engineProject.id(), VAULT_ENGINE_ROLE, TTL, TTL, null, null,
                        List.of("**")),
                PROXY_ROLE, new Role(PROXY_ROLE, "llm-proxy", null, null, TTL, TTL, null, null, List.of("**"),
                        List.of("gpt-4o-mini"), new java.math.BigDecimal("5")),
                LITELLM_ENGINE_ROLE, new Role(LITELLM_ENGINE_ROLE, "llm-engine", null, LITELLM_VAULT_ROLE, TTL, TTL, null,
                        null, List.of("**")));
        return new KeyBroker(roles, Map.of("main", admin, "vaulted", engine, "llm-proxy", proxy, "llm-engine",
                liteLlmEngine), ledger, clock);
    }

    /** Service accounts alive at either fake OpenAI plus leases alive in the fake Vault. */
    int liveLeftovers() {
        return openai.allLiveServiceAccounts().size() + engineOpenAi.allLiveServiceAccounts().size()
                + vault.root().liveLeases().size() + litellm.liveKeys().size() + engineLitellm.liveKeys().size();
    }

    @Override
    public void close() {
        try {
            vault.close();
            engineOpenAi.close();
            litellm.close();
            engineLitellm.close();
        } finally {
            openai.close();
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }
}
