package io.jenkins.plugins.openaikeys.runtime;

import io.jenkins.plugins.openaikeys.config.AdminApiOrganization;
import io.jenkins.plugins.openaikeys.config.ConfigurationCheck;
import io.jenkins.plugins.openaikeys.config.LiteLlmEngineOrganization;
import io.jenkins.plugins.openaikeys.config.LiteLlmProxyOrganization;
import io.jenkins.plugins.openaikeys.config.OpenAIKeysConfiguration;
import io.jenkins.plugins.openaikeys.config.OrganizationConfig;
import io.jenkins.plugins.openaikeys.config.VaultEngineOrganization;
import io.jenkins.plugins.openaikeys.config.vault.VaultAuthConfig;
import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.ledger.RevocationLedger;
import io.jenkins.plugins.openaikeys.core.policy.RoleCatalog;
import io.jenkins.plugins.openaikeys.core.policy.ServiceAccountNames;
import io.jenkins.plugins.openaikeys.core.rotation.RotationRecord;
import io.jenkins.plugins.openaikeys.core.rotation.Rotator;
import io.jenkins.plugins.openaikeys.core.source.AdminApiKeySource;
import io.jenkins.plugins.openaikeys.core.source.KeySource;
import io.jenkins.plugins.openaikeys.core.vault.VaultAuthMethod;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import io.jenkins.plugins.openaikeys.core.vault.VaultEndpoint;
import io.jenkins.plugins.openaikeys.core.vault.VaultTokenCache;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import okhttp3.OkHttpClient;

/**
 * Turns the saved {@link OpenAIKeysConfiguration} into a core {@link KeyBroker}: one Vault
 * client for the configured login, one key source and one admin-key rotator per
 * organization, the valid roles.
 *
 * <p>An invalid role (one the page and JCasC refuse, but an old or hand-edited XML file may
 * still hold) is left out and logged by name, so one typo does not stop every other role; a
 * build asking for it is told why, and the administrative monitor shows the same sentence. A
 * missing Vault address, login or organization list fails the whole build of the broker, because nothing could be minted anyway.
 */
final class BrokerFactory {

    private static final Logger LOGGER = Logger.getLogger(BrokerFactory.class.getName());

    /**
     * A broker, its key sources and admin-key rotators by organization, and the configuration
     * generation they were built from. Rotators share the broker's Vault client and connection
     * pool, and an adminApi rotator empties its source's admin-config cache after a key change.
     */
    record Built(long generation, KeyBroker broker, Map<String, KeySource> sources, List<Rotator> rotators) {
    }

    private final OpenAIKeysConfiguration config;
    private final VaultTokenCache tokenCache;
    private final RevocationLedger ledger;
    private final OkHttpClient http;
    private final RotationRecord rotationRecord;

    BrokerFactory(OpenAIKeysConfiguration config, VaultTokenCache tokenCache, RevocationLedger ledger,
                  OkHttpClient http, RotationRecord rotationRecord) {
        this.config = config;
        this.tokenCache = tokenCache;
        this.ledger = ledger;
        this.http = http;
        this.rotationRecord = rotationRecord;
    }

    /** @throws BrokerException one sentence when the plugin is not configured enough to mint */
    Built build(long generation) {
        try {
            return buildUnchecked(generation);
        } catch (IllegalArgumentException e) {
            // core validates its arguments with one-sentence IllegalArgumentExceptions
            throw new BrokerException(e.getMessage(), e);
        }
    }

    private Built buildUnchecked(long generation) {
        VaultClient vault = vaultClient();
        ServiceAccountNames names = names();
        Map<String, KeySource> sources = new LinkedHashMap<>();
        List<Rotator> rotators = new ArrayList<>();
        for (OrganizationConfig org : config.getOrganizations()) {
            if (org.getName() == null) {
                continue;
            }
            KeySource source = source(vault, org, names);
            sources.put(org.getName(), source);
            Rotator rotator = rotator(vault, org, source);
            if (rotator != null) {
                rotators.add(rotator);
            }
        }
        if (sources.isEmpty()) {
            throw new BrokerException("No OpenAI organization is configured: add one under Manage Jenkins > System"
                    + " > OpenAI Ephemeral Keys > Organizations");
        }
        RoleCatalog roles = ConfigurationCheck.roles(config.getOrganizations(), config.getRoles());
        for (String problem : roles.problems()) {
            LOGGER.log(Level.WARNING, "OpenAI Ephemeral Keys: {0}", problem);
        }
        LOGGER.log(Level.FINE, "OpenAI Ephemeral Keys: broker built with roles {0} and organizations {1}",
                new Object[] {roles.roles().keySet(), sources.keySet()});
        return new Built(generation, CoreWiring.broker(roles, sources, ledger, names), Map.copyOf(sources),
                List.copyOf(rotators));
    }

    VaultClient vaultClient() {
        VaultEndpoint endpoint = config.vaultEndpoint();
        VaultAuthConfig auth = config.getVaultAuth();
        if (auth == null) {
            throw new BrokerException("No Vault login is configured: choose an authentication method under"
                    + " Manage Jenkins > System > OpenAI Ephemeral Keys");
        }
        VaultAuthMethod method;
        try {
            method = auth.toAuthMethod();
        } catch (IllegalArgumentException e) {
            throw new BrokerException(e.getMessage(), e);
        }
        return CoreWiring.vaultClient(endpoint, method, tokenCache, http);
    }

    private ServiceAccountNames names() {
        try {
            return new ServiceAccountNames(config.getNamePrefix());
        } catch (IllegalArgumentException e) {
            throw new BrokerException(e.getMessage(), e);
        }
    }

    private Rotator rotator(VaultClient vault, OrganizationConfig org, KeySource source) {
        if (org instanceof AdminApiOrganization a && source instanceof AdminApiKeySource s) {
            return CoreWiring.adminKeyRotator(vault, a, s, http, config.adminKeyLifetime());
        }
        if (org instanceof VaultEngineOrganization e) {
            return CoreWiring.engineKeyRotator(vault, e, rotationRecord);
        }
        return null; // LiteLLM: the master key and the engine's admin key are rotated at the proxy or in Vault
    }

    private KeySource source(VaultClient vault, OrganizationConfig org, ServiceAccountNames names) {
        if (org instanceof AdminApiOrganization a) {
            if (a.getKvPath() == null) {
                throw new BrokerException("Organization " + a.getName() + " has no KV path: set the path of its"
                        + " admin configuration in Vault");
            }
            return CoreWiring.adminApiSource(vault, a, names, http, config.adminConfigRecheckDuration());
        }
        if (org instanceof VaultEngineOrganization e) {
            if (e.getEngineMount() == null) {
                throw new BrokerException("Organization " + e.getName() + " has no secrets engine mount: set it");
            }
            return CoreWiring.vaultEngineSource(vault, e);
        }
        if (org instanceof LiteLlmProxyOrganization p) {
            if (p.getKvPath() == null) {
                throw new BrokerException("Organization " + p.getName() + " has no KV path: set the path of its"
                        + " LiteLLM proxy configuration in Vault");
            }
            return CoreWiring.liteLlmProxySource(vault, p, names, http, config.adminConfigRecheckDuration());
        }
        if (org instanceof LiteLlmEngineOrganization l) {
            if (l.getEngineMount() == null || l.getProxyUrl() == null) {
                throw new BrokerException("Organization " + l.getName() + " needs its LiteLLM secrets engine mount"
                        + " and the proxy URL builds reach: set them");
            }
            return CoreWiring.liteLlmEngineSource(vault, l);
        }
        throw new BrokerException("Organization " + org.getName() + " is of an unknown kind");
    }
}
