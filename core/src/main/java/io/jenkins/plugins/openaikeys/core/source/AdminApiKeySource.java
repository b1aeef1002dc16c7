package io.jenkins.plugins.openaikeys.core.source;

import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.broker.MintRequest;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.broker.RevocationHandle;
import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.openai.CreatedServiceAccount;
import io.jenkins.plugins.openaikeys.core.openai.OpenAiAdminClient;
import io.jenkins.plugins.openaikeys.core.openai.OpenAiException;
import io.jenkins.plugins.openaikeys.core.policy.Role;
import io.jenkins.plugins.openaikeys.core.policy.ServiceAccountNames;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import okhttp3.OkHttpClient;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Mints keys by calling the OpenAI Admin API itself, with the admin key read from Vault KV v2
 * ({@link SourceKind#ADMIN_API}): one service account per key, named by the broker;
 * revoking deletes the account (and with it the key). Why this source exists next to the
 * Vault engine: it needs only KV in Vault, and it puts the audit trail (role, job, build,
 * expiry) into the account name, where the orphan sweeper can find it.
 *
 * <p>Once warm a mint and a revoke cost one OpenAI call each and no Vault call: the admin
 * config is cached ({@link AdminConfigCache}) and one {@link OpenAiAdminClient} is reused
 * per (endpoint, admin key). When OpenAI rejects the admin key (401) the config is read
 * again and, if Vault now holds a different key (it was rotated), the call is repeated once
 * with it. Thread-safe.
 */
public final class AdminApiKeySource implements KeySource {

    private static final Logger LOG = Logger.getLogger(AdminApiKeySource.class.getName());

    private final AdminConfigCache config;
    private final Function<AdminConfig, OpenAiAdminClient> clientFactory;
    private final Clock clock;
    private final ServiceAccountNames renamer;
    private final AtomicInteger clientsBuilt = new AtomicInteger();
    private ClientSlot slot;

    private record ClientSlot(AdminConfig config, OpenAiAdminClient client) {
        boolean serves(AdminConfig c) {
            return config.apiEndpoint().equals(c.apiEndpoint()) && config.adminKey().equals(c.adminKey())
                    && Objects.equals(config.organizationId(), c.organizationId());
        }
    }

    /**
     * A source with the defaults: admin config trusted for {@link AdminConfigCache#DEFAULT_MAX_AGE}
     * (30 s), default retries, real sleeping.
     *
     * @param vault   reads the admin config
     * @param kvMount KV v2 mount holding the admin config, e.g. {@code secret}
     * @param kvPath  path of the admin config in it
     * @param names   the controller's naming, used to rename after an ambiguous create
     * @param http    a shared base client whose connection pool the OpenAI clients reuse (null = a new one)
     */
    public AdminApiKeySource(VaultClient vault, String kvMount, String kvPath, ServiceAccountNames names,
                             OkHttpClient http, Clock clock) {
        this(builder(vault, kvMount, kvPath).names(names)
                .settings(ClientSettings.DEFAULTS.withHttpClient(http).withClock(clock)));
    }

    private AdminApiKeySource(Builder b) {
        this.renamer = b.names;
        this.config = b.config != null ? b.config
                : new AdminConfigCache(b.vault, b.kvMount, b.kvPath, b.configMaxAge, b.settings.clock());
        this.clock = b.settings.clock();
        ClientSettings shared = b.settings.withOwnHttpClient(); // one pool for every admin key's client
        this.clientFactory = c -> OpenAiAdminClient.builder().baseUrl(c.apiEndpoint()).adminKey(c.adminKey())
                .organizationId(c.organizationId()).settings(shared).build();
    }

    /** For settings beyond the constructor's: {@link ClientSettings}, cache age, a shared cache. */
    public static Builder builder(VaultClient vault, String kvMount, String kvPath) {
        return new Builder(vault, kvMount, kvPath);
    }

    /** The cache this source reads its admin config through (shared with rotation and the sweeper). */
    public AdminConfigCache adminConfig() {
        return config;
    }

    /**
     * The OpenAI client this source currently mints with, for the admin config Vault holds now
     * (the cached one while fresh). Why public: the orphan sweeper must list and delete service
     * accounts with the same admin key and connection pool, without a second Vault read or a
     * second copy of the key. Ask again for each sweep so a rotated key is picked up.
     */
    public OpenAiAdminClient adminClient() {
        return clientFor(config.get());
    }

    @Override
    public MintedKey mint(Role role, MintRequest req, Duration ttl, String serviceAccountName) {
        String projectId = role.projectId();
        if (projectId == null) {
            throw new BrokerException("Role " + role.name() + " has no OpenAI project id, which organization '"
                    + role.organization() + "' (adminApi) needs: set it under " + KeyBroker.CONFIG_PAGE);
        }
        CreatedServiceAccount created = withClient(role.organization(), config::get,
                client -> client.createServiceAccount(projectId, names(serviceAccountName)));
        try {
            RevocationHandle handle = RevocationHandle.builder(SourceKind.ADMIN_API, role, req)
                    .projectId(projectId)
                    .serviceAccountId(created.account().id())
                    .keyId(created.keyId())
                    .expiresAt(clock.instant().plus(ttl))
                    .build();
            return new MintedKey(created.keyValue(), handle);
        } catch (RuntimeException e) {
            deleteQuietly(role.organization(), projectId, created.account().id());
            throw new BrokerException("OpenAI created service account " + created.account().id() + " in project "
                    + projectId + " without the ids a key needs, so it was deleted: try again", e);
        }
    }

    @Override
    public void revoke(RevocationHandle handle) {
        withClient(handle.organization(), config::lastKnown, client -> {
            client.deleteServiceAccount(handle.projectId(), handle.serviceAccountId());
            return null;
        });
    }

    /** The broker's name first; a fresh suffix only if an ambiguous create burnt it. */
    private Supplier<String> names(String first) {
        AtomicBoolean used = new AtomicBoolean();
        return () -> used.getAndSet(true) ? renamer.withFreshRandom(first) : first;
    }

    /**
     * @param read {@link AdminConfigCache#get} to create (bounded by the cache's age, so a sealed
     *             Vault stops minting), {@link AdminConfigCache#lastKnown} to delete (never stopped)
     */
    private <T> T withClient(String organization, Supplier<AdminConfig> read, Function<OpenAiAdminClient, T> call) {
        AdminConfig current = read.get();
        try {
            return call.apply(clientFor(current));
        } catch (OpenAiException e) {
            if (e.status() != 401) {
                throw e;
            }
            config.invalidate(current);
            AdminConfig reread = config.get();
            if (reread.adminKey().equals(current.adminKey())) {
                throw e; // Vault holds the same key: it really is not accepted
            }
            LOG.log(Level.INFO, () -> "OpenAI rejected admin key " + current.adminKeyId() + " of organization '"
                    + organization + "'; Vault now holds admin key " + reread.adminKeyId() + ", retrying with it");
            return call.apply(clientFor(reread));
        }
    }

    private synchronized OpenAiAdminClient clientFor(AdminConfig c) {
        if (slot == null || !slot.serves(c)) {
            OpenAiAdminClient client;
            try {
                client = clientFactory.apply(c);
            } catch (IllegalArgumentException e) {
                // The client's own sentence (bad URL, key with spaces) never contains the key.
                throw new BrokerException("The OpenAI admin config " + config.location() + " in Vault is not usable ("
                        + e.getMessage() + "): correct it in Vault", e);
            }
            slot = new ClientSlot(c, client);
            clientsBuilt.incrementAndGet();
        }
        return slot.client();
    }

    private void deleteQuietly(String organization, String projectId, String serviceAccountId) {
        try {
            withClient(organization, config::lastKnown, client -> {
                client.deleteServiceAccount(projectId, serviceAccountId);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, () -> "Could not delete service account " + serviceAccountId + " in project "
                    + projectId + " (" + e.getMessage() + "): the orphan sweeper deletes it after its expiry");
        }
    }

    /** How many OpenAI clients were built (one per endpoint and admin key): for tests. */
    int clientsBuilt() {
        return clientsBuilt.get();
    }

    @Override
    public String toString() {
        return "AdminApiKeySource{config=" + config.location() + "}";
    }

    /** Wiring with safe defaults: a 30-second config cache and {@link ClientSettings#DEFAULTS}. */
    public static final class Builder {
        private final VaultClient vault;
        private final String kvMount;
        private final String kvPath;
        private AdminConfigCache config;
        private Duration configMaxAge = AdminConfigCache.DEFAULT_MAX_AGE;
        private ClientSettings settings = ClientSettings.DEFAULTS;
        private ServiceAccountNames names = new ServiceAccountNames();

        private Builder(VaultClient vault, String kvMount, String kvPath) {
            this.vault = Objects.requireNonNull(vault, "vault");
            this.kvMount = Objects.requireNonNull(kvMount, "kvMount");
            this.kvPath = Objects.requireNonNull(kvPath, "kvPath");
        }

        /** The controller's naming; only its random suffixes are used, to rename after an ambiguous create. */
        public Builder names(ServiceAccountNames n) {
            this.names = Objects.requireNonNull(n);
            return this;
        }

        /**
         * How long a read of the admin config is trusted (default {@link AdminConfigCache#DEFAULT_MAX_AGE},
         * 30 s): the longest this source keeps minting after Vault is sealed, the controller's token
         * revoked or its policy withdrawn. Costs one Vault read per organization per period in which
         * anything is minted. Positive.
         */
        public Builder configMaxAge(Duration maxAge) {
            this.configMaxAge = Objects.requireNonNull(maxAge);
            return this;
        }

        /** Use an existing cache (e.g. one shared with the rotation task) instead of a new one. */
        public Builder adminConfigCache(AdminConfigCache cache) {
            this.config = cache;
            return this;
        }

        /**
         * The shared client (whose pool the OpenAI clients reuse), retry policy, clock and sleeper
         * (default {@link ClientSettings#DEFAULTS}).
         */
        public Builder settings(ClientSettings s) {
            this.settings = Objects.requireNonNull(s);
            return this;
        }

        public AdminApiKeySource build() {
            return new AdminApiKeySource(this);
        }
    }
}
