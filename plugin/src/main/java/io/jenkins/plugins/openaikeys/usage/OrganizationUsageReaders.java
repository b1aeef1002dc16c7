package io.jenkins.plugins.openaikeys.usage;

import io.jenkins.plugins.openaikeys.config.AdminApiOrganization;
import io.jenkins.plugins.openaikeys.config.OpenAIKeysConfiguration;
import io.jenkins.plugins.openaikeys.config.OrganizationConfig;
import io.jenkins.plugins.openaikeys.config.VaultEngineOrganization;
import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.source.AdminApiKeySource;
import io.jenkins.plugins.openaikeys.core.source.AdminConfigCache;
import io.jenkins.plugins.openaikeys.core.source.KeySource;
import io.jenkins.plugins.openaikeys.core.usage.UsageClient;
import io.jenkins.plugins.openaikeys.core.usage.UsageNotAvailableException;
import io.jenkins.plugins.openaikeys.core.usage.UsageReaders;
import io.jenkins.plugins.openaikeys.runtime.KeyRuntime;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The usage client of an organization as configured now: an {@code adminApi} organization reads
 * with the admin config its key source already caches; a {@code vaultEngine} organization with
 * the usage-reader admin config at its usage KV path (cached 30 s, like the other admin configs).
 * Usage off, or an engine organization without that path, is "not available" with the way to fix it.
 */
final class OrganizationUsageReaders implements UsageReaders {

    private static final String WHERE = "Manage Jenkins > System > OpenAI Ephemeral Keys > Organizations";

    /** Usage-reader admin configs of vaultEngine organizations, by organization, mount, path and generation. */
    private final Map<String, AdminConfigCache> engineConfigs = new ConcurrentHashMap<>();

    @Override
    public UsageClient forOrganization(String organization) {
        OpenAIKeysConfiguration config = OpenAIKeysConfiguration.get();
        OrganizationConfig org = config.getOrganizations().stream()
                .filter(o -> organization.equals(o.getName())).findFirst()
                .orElseThrow(() -> new UsageNotAvailableException("Organization '" + organization
                        + "' is no longer configured, so its usage cannot be read."));
        UsageSettings usage = org.getUsage();
        if (usage == null) {
            throw new UsageNotAvailableException("Usage is off for organization '" + organization
                    + "': turn on 'Show the OpenAI usage of each build on its page' under " + WHERE + ".");
        }
        ClientSettings settings = ClientSettings.DEFAULTS.withHttpClient(KeyRuntime.get().http())
                .withRetryPolicy(UsageClient.RETRY);
        if (org instanceof AdminApiOrganization) {
            KeySource source = KeyRuntime.get().keySources().get(organization);
            if (source instanceof AdminApiKeySource admin) {
                return UsageClient.of(admin.adminConfig().get(), settings, organization);
            }
            throw new UsageNotAvailableException("Organization '" + organization + "' has no key source now: check"
                    + " its settings under " + WHERE + ".");
        }
        if (org instanceof VaultEngineOrganization) {
            if (usage.getKvPath() == null) {
                throw new UsageNotAvailableException("Organization '" + organization + "' is a vaultEngine"
                        + " organization without a usage-reader admin config: set its KV path under Usage in " + WHERE
                        + ", or turn usage off.");
            }
            String generation = "\u0000" + config.generation();
            String key = organization + "\u0000" + usage.getKvMount() + "\u0000" + usage.getKvPath() + generation;
            engineConfigs.keySet().removeIf(k -> !k.endsWith(generation)); // a saved configuration replaces them
            AdminConfigCache cache = engineConfigs.computeIfAbsent(key, k -> new AdminConfigCache(
                    KeyRuntime.get().vaultClientWithFreshLogin(), usage.getKvMount(), usage.getKvPath(),
                    AdminConfigCache.DEFAULT_MAX_AGE, Clock.systemUTC()));
            return UsageClient.of(cache.get(), settings, organization);
        }
        throw new UsageNotAvailableException("Organization '" + organization + "' is of a kind whose usage this"
                + " plugin cannot read.");
    }
}
