package io.jenkins.plugins.openaikeys.core.source;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.broker.RevokeBackoff;
import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.ledger.InMemoryRevocationLedger;
import io.jenkins.plugins.openaikeys.core.litellm.fake.FakeLiteLlmProxy;
import io.jenkins.plugins.openaikeys.core.policy.Role;
import io.jenkins.plugins.openaikeys.core.policy.ServiceAccountNames;
import io.jenkins.plugins.openaikeys.core.testing.FakeTime;
import io.jenkins.plugins.openaikeys.core.vault.AppRoleAuth;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import io.jenkins.plugins.openaikeys.core.vault.VaultEndpoint;
import io.jenkins.plugins.openaikeys.core.vault.VaultTokenCache;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeLiteLlmEngineMount;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeTokenSpec;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeVault;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * FakeVault and FakeLiteLlmProxy wired as production is: the proxy's base_url and master_key in KV
 * v2 for litellmProxy, the LiteLLM engine mounted and pointed at the same proxy for litellmEngine,
 * AppRole login; all on one {@link FakeTime}.
 */
final class LiteLlmFakes implements AutoCloseable {

    static final String KV_MOUNT = "secret";
    static final String KV_PATH = "litellm/main";
    static final String ENGINE_MOUNT = "litellm";
    static final String ENGINE_ROLE = "team-a";
    static final Duration M30 = Duration.ofMinutes(30);
    static final Duration H1 = Duration.ofHours(1);

    final FakeTime time = new FakeTime();
    final ClientSettings settings = ClientSettings.DEFAULTS.withTime(time).withRetryPolicy(BrokerFakes.POLICY);
    final FakeLiteLlmProxy proxy = FakeLiteLlmProxy.start(time);
    final FakeVault vault = FakeVault.start(time);
    final FakeLiteLlmEngineMount engine;
    final VaultTokenCache tokens = new VaultTokenCache();
    final InMemoryRevocationLedger ledger = new InMemoryRevocationLedger();
    final ServiceAccountNames names = new ServiceAccountNames("jk");

    LiteLlmFakes() {
        vault.root().enableKv(KV_MOUNT).enableAppRole("approle", "jenkins", "rid", "sid",
                FakeTokenSpec.ttl(Duration.ofHours(2)));
        vault.root().kvPut(KV_MOUNT, KV_PATH, proxyConfig(proxy.masterKey()));
        engine = vault.root().enableLiteLlmEngine(ENGINE_MOUNT, proxy.baseUrl(), proxy.masterKey())
                .role(ENGINE_ROLE, List.of("gpt-4o", "gpt-4o-mini"), new BigDecimal("50"), M30, Duration.ofHours(24));
    }

    Map<String, String> proxyConfig(SecretString masterKey) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(LiteLlmProxyConfig.BASE_URL, proxy.baseUrl());
        m.put(LiteLlmProxyConfig.MASTER_KEY, masterKey.reveal());
        return m;
    }

    VaultClient vaultClient() {
        return VaultClient.builder(VaultEndpoint.of(vault.address()), new AppRoleAuth("approle", "rid",
                SecretString.of("sid"))).tokenCache(tokens).settings(settings).build();
    }

    LiteLlmProxyKeySource proxySource(VaultClient client) {
        return LiteLlmProxyKeySource.of(client, KV_MOUNT, KV_PATH, Duration.ofSeconds(30), names, settings);
    }

    LiteLlmEngineKeySource engineSource(VaultClient client) {
        return new LiteLlmEngineKeySource(client, ENGINE_MOUNT, proxy.baseUrl(), time);
    }

    static Role proxyRole() {
        return new Role("chat", "proxy", null, null, M30, H1, "LITELLM_KEY", null, List.of("**"),
                List.of("gpt-4o-mini"), new BigDecimal("5"));
    }

    static Role engineRole() {
        return new Role("team", "engine", null, ENGINE_ROLE, M30, H1, null, null, List.of("**"));
    }

    KeyBroker broker(KeySource proxySource, KeySource engineSource) {
        Map<String, KeySource> sources = new LinkedHashMap<>();
        if (proxySource != null) {
            sources.put("proxy", proxySource);
        }
        if (engineSource != null) {
            sources.put("engine", engineSource);
        }
        return new KeyBroker(Map.of("chat", proxyRole(), "team", engineRole()), sources, ledger, time, names,
                RevokeBackoff.DEFAULT);
    }

    @Override
    public void close() {
        try {
            vault.close();
        } finally {
            proxy.close();
        }
    }
}
