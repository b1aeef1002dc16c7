package io.jenkins.plugins.openaikeys.core.vault;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.http.Retrier;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Everything the plugin asks of Vault, for one endpoint and one auth method: KV v2 admin
 * config, the OpenAI secrets engine, and leases. Thread-safe; tokens come from a shared
 * {@link VaultTokenCache}, so creating a client is cheap and does not log in.
 *
 * <p>HTTP split: logins (AppRole, JWT, Kubernetes) go through vault-java-driver; every
 * other call through okhttp, because the driver cannot send KV v2 {@code options.cas},
 * touch {@code metadata/}, revoke in body form, or bound a response body.
 */
public final class VaultClient {

    private static final Logger LOG = Logger.getLogger(VaultClient.class.getName());

    private final VaultEndpoint endpoint;
    private final VaultAuthMethod auth;
    private final VaultSession session;
    private final KvV2 kv;
    private final Leases leases;
    private final OpenAiEngine engine;
    private final LiteLlmEngine liteLlm;

    private VaultClient(Builder b) {
        this.endpoint = b.endpoint;
        this.auth = b.auth;
        if (endpoint.insecureSkipTlsVerification()) {
            LOG.log(Level.WARNING, "TLS certificate verification is DISABLED for Vault at {0} "
                    + "(insecureSkipTlsVerification): anyone on the network path can read the Vault token "
                    + "and the keys. Configure the Vault CA certificate instead.", endpoint.address());
        }
        ObjectMapper mapper = new ObjectMapper();
        ClientSettings settings = b.settings;
        Retrier retrier = settings.retrier(Retrier.Budget.WAITS);
        VaultHttp http = new VaultHttp(endpoint, VaultHttpClients.okHttp(endpoint, settings.httpClient()), retrier,
                mapper);
        DriverLogin driver = new DriverLogin(endpoint, VaultHttpClients.jdk(endpoint), settings.clock(), retrier,
                http::errors);
        TokenSource source = new VaultTokenSource(auth, driver, http, settings.clock());
        VaultTokenCache.Key key = new VaultTokenCache.Key(endpoint.address(), endpoint.namespace(), auth.identity());
        this.session = new VaultSession(http, b.tokenCache, key, source, settings.clock());
        this.kv = new KvV2(session);
        this.leases = new Leases(session);
        this.engine = new OpenAiEngine(session, leases);
        this.liteLlm = new LiteLlmEngine(session, leases);
    }

    public static Builder builder(VaultEndpoint endpoint, VaultAuthMethod auth) {
        return new Builder(endpoint, auth);
    }

    /** KV v2 read of the current version. @throws VaultException NOT_FOUND when absent */
    public KvSecret kvRead(String mount, String path) {
        return kv.read(mount, path, null);
    }

    public KvSecret kvRead(String mount, String path, int version) {
        return kv.read(mount, path, version);
    }

    /**
     * Writes a new version, with check-and-set when {@code casOrNull} is given (0 = only if absent).
     *
     * @return the new version
     * @throws VaultException CAS_MISMATCH when another writer got there first
     */
    public int kvWrite(String mount, String path, Map<String, String> data, Integer casOrNull) {
        return kv.write(mount, path, data, casOrNull);
    }

    public Map<String, String> kvReadCustomMetadata(String mount, String path) {
        return kv.readCustomMetadata(mount, path);
    }

    /** Replaces the secret's custom metadata. */
    public void kvWriteCustomMetadata(String mount, String path, Map<String, String> customMetadata) {
        kv.writeCustomMetadata(mount, path, customMetadata);
    }

    /**
     * A fresh key from the OpenAI secrets engine, taken with a token that outlives its lease.
     *
     * @param ttlOrNull requested lease TTL; null = the role's default
     * @throws VaultException TOKEN_TTL_TOO_SHORT when the token cannot outlive the lease (nothing is left behind)
     */
    public EngineCredentials readCreds(String mount, String role, Duration ttlOrNull) {
        return engine.readCreds(mount, role, ttlOrNull);
    }

    /**
     * A fresh LiteLLM virtual key from vault-plugin-secrets-litellm, taken with a token that outlives
     * its lease (the engine role fixes the lease TTL; {@code expectedTtl} only sizes the token up front).
     *
     * @throws VaultException TOKEN_TTL_TOO_SHORT when the token cannot outlive the lease (nothing is left behind)
     */
    public LiteLlmCredentials readLiteLlmCreds(String mount, String role, Duration expectedTtl) {
        return liteLlm.readCreds(mount, role, expectedTtl);
    }

    /** The engine's config without any key value. */
    public Map<String, Object> readEngineConfig(String mount) {
        return engine.readConfig(mount);
    }

    /** Asks the engine to rotate its admin key; returns the new key id and rotation time. */
    public Map<String, Object> rotateEngineAdminKey(String mount) {
        return engine.rotate(mount);
    }

    /**
     * Revokes a lease synchronously; an unknown or already revoked lease is success.
     *
     * @return {@link LeaseRevocation#ACCOUNT_ALREADY_GONE} when the OpenAI engine could not revoke it
     *         because the service account no longer exists (the key is dead, the lease stays until its TTL)
     * @throws VaultException for every other failure
     */
    public LeaseRevocation revokeLease(String leaseId) {
        return leases.revoke(leaseId);
    }

    /** @throws VaultException NOT_FOUND for an unknown, revoked or expired lease */
    public LeaseInfo lookupLease(String leaseId) {
        return leases.lookup(leaseId);
    }

    /** Logs in (if needed) and looks the token up: the "Test connection" button. */
    public void checkConnection() {
        session.call(VaultRequest.get("auth/token/lookup-self", "lookup-self"));
    }

    public VaultEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public String toString() {
        return "VaultClient{" + endpoint.address() + (endpoint.namespace() == null ? "" : " ns=" + endpoint.namespace())
                + ", " + auth.identity() + "}";
    }

    /** Settings with safe defaults: a private token cache and {@link ClientSettings#DEFAULTS}. */
    public static final class Builder {
        private final VaultEndpoint endpoint;
        private final VaultAuthMethod auth;
        private VaultTokenCache tokenCache = new VaultTokenCache();
        private ClientSettings settings = ClientSettings.DEFAULTS;

        private Builder(VaultEndpoint endpoint, VaultAuthMethod auth) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            this.auth = Objects.requireNonNull(auth, "auth");
        }

        public Builder tokenCache(VaultTokenCache cache) {
            this.tokenCache = Objects.requireNonNull(cache);
            return this;
        }

        /**
         * The shared base client (TLS and timeouts are set per endpoint), retry policy, clock and sleeper
         * (default {@link ClientSettings#DEFAULTS}).
         */
        public Builder settings(ClientSettings s) {
            this.settings = Objects.requireNonNull(s);
            return this;
        }

        public VaultClient build() {
            return new VaultClient(this);
        }
    }
}
