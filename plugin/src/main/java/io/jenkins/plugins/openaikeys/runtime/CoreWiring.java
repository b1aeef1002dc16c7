package io.jenkins.plugins.openaikeys.runtime;

import io.jenkins.plugins.openaikeys.config.AdminApiOrganization;
import io.jenkins.plugins.openaikeys.config.LiteLlmEngineOrganization;
import io.jenkins.plugins.openaikeys.config.LiteLlmProxyOrganization;
import io.jenkins.plugins.openaikeys.config.VaultEngineOrganization;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.broker.RevokeBackoff;
import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.ledger.FileRevocationLedger;
import io.jenkins.plugins.openaikeys.core.ledger.RevocationLedger;
import io.jenkins.plugins.openaikeys.core.policy.RoleCatalog;
import io.jenkins.plugins.openaikeys.core.policy.ServiceAccountNames;
import io.jenkins.plugins.openaikeys.core.rotation.AdminKeyLifetime;
import io.jenkins.plugins.openaikeys.core.rotation.AdminKeyRotator;
import io.jenkins.plugins.openaikeys.core.rotation.EngineKeyRotator;
import io.jenkins.plugins.openaikeys.core.rotation.FileRotationRecord;
import io.jenkins.plugins.openaikeys.core.rotation.RotationRecord;
import io.jenkins.plugins.openaikeys.core.rotation.RotationSchedule;
import io.jenkins.plugins.openaikeys.core.rotation.RotationService;
import io.jenkins.plugins.openaikeys.core.rotation.Rotator;
import io.jenkins.plugins.openaikeys.core.source.AdminApiKeySource;
import io.jenkins.plugins.openaikeys.core.source.KeySource;
import io.jenkins.plugins.openaikeys.core.source.LiteLlmEngineKeySource;
import io.jenkins.plugins.openaikeys.core.source.LiteLlmProxyKeySource;
import io.jenkins.plugins.openaikeys.core.source.VaultEngineKeySource;
import io.jenkins.plugins.openaikeys.core.vault.VaultAuthMethod;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import io.jenkins.plugins.openaikeys.core.vault.VaultEndpoint;
import io.jenkins.plugins.openaikeys.core.vault.VaultTokenCache;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * Every constructor call into core's broker, rotation and Vault packages, in one place.
 *
 * <p>Why one class: core is being written in parallel, and the plugin cannot be compiled on
 * the machines that write it. Keeping every core construction here makes aligning with
 * core's final signatures a one-file change. No logic lives here.
 */
@Restricted(NoExternalUse.class)
public final class CoreWiring {

    private CoreWiring() {
    }

    /**
     * What every core client is built with: the plugin's shared okhttp client, default retries,
     * the system clock, real sleeping.
     */
    static ClientSettings settings(OkHttpClient http) {
        return ClientSettings.DEFAULTS.withHttpClient(http);
    }

    static VaultClient vaultClient(VaultEndpoint endpoint, VaultAuthMethod auth, VaultTokenCache tokenCache,
                                   OkHttpClient http) {
        return VaultClient.builder(endpoint, auth)
                .tokenCache(tokenCache)
                .settings(settings(http))
                .build();
    }

    static AdminApiKeySource adminApiSource(VaultClient vault, AdminApiOrganization org, ServiceAccountNames names,
                                            OkHttpClient http, Duration adminConfigRecheck) {
        return AdminApiKeySource.builder(vault, org.getKvMount(), org.getKvPath())
                .names(names)
                .settings(settings(http))
                .configMaxAge(adminConfigRecheck)
                .build();
    }

    static KeySource vaultEngineSource(VaultClient vault, VaultEngineOrganization org) {
        return new VaultEngineKeySource(vault, org.getEngineMount(), Clock.systemUTC());
    }

    /** A LiteLLM proxy organization: base_url and master_key from KV v2, cached like the admin config. */
    static LiteLlmProxyKeySource liteLlmProxySource(VaultClient vault, LiteLlmProxyOrganization org,
                                                    ServiceAccountNames names, OkHttpClient http,
                                                    Duration configRecheck) {
        return LiteLlmProxyKeySource.of(vault, org.getKvMount(), org.getKvPath(), configRecheck, names,
                settings(http));
    }

    static KeySource liteLlmEngineSource(VaultClient vault, LiteLlmEngineOrganization org) {
        return new LiteLlmEngineKeySource(vault, org.getEngineMount(), org.getProxyUrl(), Clock.systemUTC());
    }

    /**
     * Rotates an adminApi organization's admin key with the broker's Vault client and connection
     * pool, and drops the source's cached admin config whenever Vault holds a different key.
     */
    static Rotator adminKeyRotator(VaultClient vault, AdminApiOrganization org, AdminApiKeySource source,
                                   OkHttpClient http, AdminKeyLifetime lifetime) {
        return AdminKeyRotator.builder(org.getName(), vault, org.getKvMount(), org.getKvPath())
                .afterKeyChange(source.adminConfig()::invalidate)
                .keyLifetime(lifetime)
                .settings(settings(http))
                .build();
    }

    static Rotator engineKeyRotator(VaultClient vault, VaultEngineOrganization org, RotationRecord record) {
        return new EngineKeyRotator(org.getName(), vault, org.getEngineMount(), Clock.systemUTC(), record);
    }

    static RotationRecord rotationRecord(Path file) {
        return new FileRotationRecord(file);
    }

    public static RotationService rotationService(RotationSchedule schedule) {
        return new RotationService(schedule, Clock.systemUTC());
    }

    static KeyBroker broker(RoleCatalog roles, Map<String, KeySource> sources, RevocationLedger ledger,
                            ServiceAccountNames names) {
        return new KeyBroker(roles.roles(), roles.unusable(), sources, ledger, Clock.systemUTC(), names,
                RevokeBackoff.DEFAULT);
    }

    static RevocationLedger fileLedger(Path dir) {
        return new FileRevocationLedger(dir);
    }

    static VaultTokenCache tokenCache() {
        return new VaultTokenCache();
    }

    /** The base client: one connection pool for all Vault and OpenAI traffic of this controller. */
    static OkHttpClient httpClient() {
        return new OkHttpClient();
    }
}
