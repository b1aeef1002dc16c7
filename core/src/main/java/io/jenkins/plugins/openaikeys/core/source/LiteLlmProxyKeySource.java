package io.jenkins.plugins.openaikeys.core.source;

import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.broker.KeyScope;
import io.jenkins.plugins.openaikeys.core.broker.MintRequest;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.broker.RevocationHandle;
import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.litellm.GeneratedKey;
import io.jenkins.plugins.openaikeys.core.litellm.KeyRequest;
import io.jenkins.plugins.openaikeys.core.litellm.ListedKey;
import io.jenkins.plugins.openaikeys.core.litellm.LiteLlmException;
import io.jenkins.plugins.openaikeys.core.litellm.LiteLlmProxyClient;
import io.jenkins.plugins.openaikeys.core.openai.ServiceAccount;
import io.jenkins.plugins.openaikeys.core.policy.Role;
import io.jenkins.plugins.openaikeys.core.policy.ServiceAccountNames;
import io.jenkins.plugins.openaikeys.core.sweep.ServiceAccountDirectory;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Mints LiteLLM virtual keys by calling the proxy's key API with the master key read from Vault
 * KV v2 ({@link SourceKind#LITELLM_PROXY}). Each key carries the role's models and max budget, a
 * {@code duration} equal to its TTL (so LiteLLM expires it by itself, a backstop OpenAI keys lack)
 * and the broker's name as {@code key_alias} (controller prefix, role, job, build, expiry), which
 * is what revoke deletes by and what the orphan sweeper lists. Once warm a mint and a revoke cost
 * one proxy call each and no Vault call. A 401 makes it read Vault again and, if the master key
 * changed, repeat once. Thread-safe.
 */
public final class LiteLlmProxyKeySource implements KeySource {

    private static final Logger LOG = Logger.getLogger(LiteLlmProxyKeySource.class.getName());

    private final LiteLlmProxyConfigCache config;
    private final ClientSettings settings;
    private final Clock clock;
    private final ServiceAccountNames renamer;
    private Slot slot;

    private record Slot(LiteLlmProxyConfig config, LiteLlmProxyClient client) {
        boolean serves(LiteLlmProxyConfig c) {
            return config.baseUrl().equals(c.baseUrl()) && config.masterKey().equals(c.masterKey());
        }
    }

    /**
     * @param config   the proxy config in Vault, cached
     * @param names    the controller's naming, for a fresh alias after an ambiguous create
     * @param settings shared http client, retries, clock and sleeper
     */
    public LiteLlmProxyKeySource(LiteLlmProxyConfigCache config, ServiceAccountNames names, ClientSettings settings) {
        this.config = Objects.requireNonNull(config, "config");
        this.renamer = Objects.requireNonNull(names, "names");
        this.settings = Objects.requireNonNull(settings, "settings").withOwnHttpClient();
        this.clock = settings.clock();
    }

    /** A source reading {@code kvMount/kvPath} through a cache trusted for {@code configMaxAge}. */
    public static LiteLlmProxyKeySource of(VaultClient vault, String kvMount, String kvPath, Duration configMaxAge,
                                           ServiceAccountNames names, ClientSettings settings) {
        return new LiteLlmProxyKeySource(new LiteLlmProxyConfigCache(vault, kvMount, kvPath, configMaxAge,
                settings.clock()), names, settings);
    }

    /** The cache this source reads through. */
    public LiteLlmProxyConfigCache proxyConfig() {
        return config;
    }

    @Override
    public MintedKey mint(Role role, MintRequest req, Duration ttl, String keyAlias) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("jenkins_role", role.name());
        metadata.put("jenkins_job", req.jobFullName());
        metadata.put("jenkins_build", req.buildId());
        metadata.put("jenkins_controller_prefix", renamer.prefix());
        Instant expires = clock.instant().plus(ttl);
        metadata.put("jenkins_expires_at", expires.toString());
        KeyRequest request = new KeyRequest(role.models(), role.maxBudget(), ttl, metadata);
        LiteLlmProxyConfig[] used = new LiteLlmProxyConfig[1];
        GeneratedKey created = withClient(config::get, (c, client) -> {
            used[0] = c;
            return client.generate(request, aliases(keyAlias));
        });
        try {
            RevocationHandle handle = RevocationHandle.builder(SourceKind.LITELLM_PROXY, role, req)
                    .projectId(null)
                    .keyAlias(created.keyAlias())
                    .keyId(created.tokenId() != null ? created.tokenId() : created.keyAlias())
                    .expiresAt(expires)
                    .build();
            return new MintedKey(created.key(), handle,
                    new KeyScope(used[0].baseUrl(), role.models(), role.maxBudget(), null));
        } catch (RuntimeException e) {
            deleteQuietly(created.keyAlias());
            throw new BrokerException("The LiteLLM proxy made key alias " + created.keyAlias()
                    + " without the ids a handle needs, so it was deleted: try again", e);
        }
    }

    @Override
    public void revoke(RevocationHandle handle) {
        boolean deleted = withClient(config::lastKnown, (c, client) -> client.deleteByAlias(handle.keyAlias()));
        if (!deleted) {
            LOG.log(Level.FINE, () -> "LiteLLM key alias " + handle.keyAlias() + " was already gone (expired or"
                    + " deleted at the proxy)");
        }
    }

    /**
     * The proxy's keys as the orphan sweeper sees them: each key with an alias as a "service account"
     * whose id and name are the alias (the project argument is ignored). Ask again for each sweep so
     * a rotated master key is picked up.
     */
    public ServiceAccountDirectory sweepDirectory() {
        return new ServiceAccountDirectory() {
            @Override
            public List<ServiceAccount> list(String ignored) {
                List<ListedKey> keys = withClient(config::get, (c, client) -> client.list(null));
                return keys.stream().filter(k -> k.keyAlias() != null)
                        .map(k -> new ServiceAccount(k.keyAlias(), k.keyAlias(), "litellm-key", 0L)).toList();
            }

            @Override
            public void delete(String ignored, String alias) {
                withClient(config::lastKnown, (c, client) -> client.deleteByAlias(alias));
            }
        };
    }

    /** The broker's alias first; a fresh suffix only if an ambiguous create burnt it. */
    private Supplier<String> aliases(String first) {
        AtomicBoolean used = new AtomicBoolean();
        return () -> used.getAndSet(true) ? renamer.withFreshRandom(first) : first;
    }

    private interface Call<T> {
        T apply(LiteLlmProxyConfig config, LiteLlmProxyClient client);
    }

    private <T> T withClient(Supplier<LiteLlmProxyConfig> read, Call<T> call) {
        LiteLlmProxyConfig current = read.get();
        try {
            return call.apply(current, clientFor(current));
        } catch (LiteLlmException e) {
            if (e.status() != 401) {
                throw e;
            }
            config.invalidate(current);
            LiteLlmProxyConfig reread = config.get();
            if (reread.masterKey().equals(current.masterKey()) && reread.baseUrl().equals(current.baseUrl())) {
                throw e;
            }
            LOG.log(Level.INFO, () -> "The LiteLLM proxy rejected the master key of " + config.location()
                    + "; Vault now holds a different one (v" + reread.kvVersion() + "), retrying with it");
            return call.apply(reread, clientFor(reread));
        }
    }

    private synchronized LiteLlmProxyClient clientFor(LiteLlmProxyConfig c) {
        if (slot == null || !slot.serves(c)) {
            try {
                slot = new Slot(c, LiteLlmProxyClient.create(c.baseUrl(), c.masterKey(), settings));
            } catch (IllegalArgumentException e) {
                throw new BrokerException("The LiteLLM proxy config " + config.location() + " in Vault is not usable ("
                        + e.getMessage() + "): correct it in Vault", e);
            }
        }
        return slot.client();
    }

    private void deleteQuietly(String alias) {
        try {
            withClient(config::lastKnown, (c, client) -> client.deleteByAlias(alias));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, () -> "Could not delete LiteLLM key alias " + alias + " ("
                    + io.jenkins.plugins.openaikeys.core.EphemeralKeyException.safeMessage(e)
                    + "): it expires by itself and the orphan sweeper deletes it");
        }
    }

    @Override
    public String toString() {
        return "LiteLlmProxyKeySource{config=" + config.location() + "}";
    }
}
