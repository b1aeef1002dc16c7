package io.jenkins.plugins.openaikeys.core.rotation;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.broker.MintRequest;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.http.RetryPolicy;
import io.jenkins.plugins.openaikeys.core.openai.OpenAiAdminClient;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeAdminKey;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeOpenAi;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeOrganization;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeProject;
import io.jenkins.plugins.openaikeys.core.policy.Role;
import io.jenkins.plugins.openaikeys.core.source.AdminApiKeySource;
import io.jenkins.plugins.openaikeys.core.source.AdminConfig;
import io.jenkins.plugins.openaikeys.core.testing.FakeTime;
import io.jenkins.plugins.openaikeys.core.vault.TokenAuth;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import io.jenkins.plugins.openaikeys.core.vault.VaultEndpoint;
import io.jenkins.plugins.openaikeys.core.vault.VaultTokenCache;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeVault;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeVaultNamespace;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * FakeOpenAi + FakeVault (KV v2 holding the admin config) on one FakeTime, with a
 * {@link VaultProxy} in front of Vault for the rotator under test, and a broker source that
 * shares the rotator's cache hook.
 */
final class RotationFakes implements AutoCloseable {

    static final RetryPolicy POLICY =
            new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(20), () -> 1.0);
    static final String MOUNT = "secret";
    static final String PATH = "jenkins/openai/main";
    static final String KV_WRITE = "POST " + MOUNT + "/data/" + PATH;

    final FakeTime time = new FakeTime();
    /** What every client here is built with: fake time as clock and sleeper, {@link #POLICY}. */
    final ClientSettings settings = ClientSettings.DEFAULTS.withTime(time).withRetryPolicy(POLICY);
    final FakeOpenAi openai = FakeOpenAi.start(time);
    final FakeOrganization org = openai.createOrganization();
    final FakeProject project = org.createProject("evals");
    final FakeVault vault = FakeVault.start(time);
    final VaultProxy proxy = VaultProxy.start(vault.address());
    final VaultTokenCache tokens = new VaultTokenCache();
    final AtomicInteger keyChanges = new AtomicInteger();

    RotationFakes() {
        kv().enableKv(MOUNT);
        Map<String, String> m = new LinkedHashMap<>();
        m.put(AdminConfig.ADMIN_API_KEY, org.adminKey().reveal());
        m.put(AdminConfig.ADMIN_API_KEY_ID, org.adminKeyId());
        m.put(AdminConfig.ORGANIZATION_ID, org.id());
        m.put(AdminConfig.API_ENDPOINT, openai.baseUrl());
        m.put("owner", "platform-team");
        kv().kvPut(MOUNT, PATH, m);
    }

    FakeVaultNamespace kv() {
        return vault.root();
    }

    /** Through the proxy (for the code under test). */
    VaultClient proxiedClient() {
        return client(proxy.address());
    }

    /** Straight to Vault (another controller). */
    VaultClient directClient() {
        return client(vault.address());
    }

    private VaultClient client(String address) {
        return VaultClient.builder(VaultEndpoint.of(address), new TokenAuth(kv().rootToken())).tokenCache(tokens)
                .settings(settings).build();
    }

    AdminKeyRotator.Builder rotator(VaultClient client) {
        return AdminKeyRotator.builder("main", client, MOUNT, PATH)
                .settings(settings)
                .afterKeyChange(keyChanges::incrementAndGet);
    }

    AdminApiKeySource adminSource(VaultClient client) {
        return AdminApiKeySource.builder(client, MOUNT, PATH)
                .settings(settings).build();
    }

    MintedKey mint(AdminApiKeySource source, String name) {
        Role role = new Role("evals", "main", project.id(), null, Duration.ofMinutes(30), Duration.ofHours(1), null,
                null, List.of());
        return source.mint(role, new MintRequest("team/app", "1", null), Duration.ofMinutes(30), name);
    }

    OpenAiAdminClient openAiWith(SecretString key) {
        return OpenAiAdminClient.builder().baseUrl(openai.baseUrl()).adminKey(key)
                .settings(settings.withRetryPolicy(RetryPolicy.NONE)).build();
    }

    List<String> liveAdminKeyIds() {
        return org.liveAdminKeys().stream().map(FakeAdminKey::id).toList();
    }

    String storedKeyId() {
        return kv().kvData(MOUNT, PATH).get(AdminConfig.ADMIN_API_KEY_ID);
    }

    SecretString storedKey() {
        return SecretString.of(kv().kvData(MOUNT, PATH).get(AdminConfig.ADMIN_API_KEY));
    }

    Map<String, String> metadata() {
        return kv().kvCustomMetadata(MOUNT, PATH);
    }

    @Override
    public void close() {
        try {
            proxy.close();
        } finally {
            try {
                vault.close();
            } finally {
                openai.close();
            }
        }
    }
}
