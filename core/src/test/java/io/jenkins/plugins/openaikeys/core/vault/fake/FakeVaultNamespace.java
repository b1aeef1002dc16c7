package io.jenkins.plugins.openaikeys.core.vault.fake;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.openaikeys.core.SecretString;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * One namespace of the fake Vault (the root namespace is one too): its own auth mounts,
 * tokens, leases, KV v2 mounts and OpenAI engine mounts. Nothing is shared between
 * namespaces, as with Vault Enterprise/OpenBao namespaces. All state is guarded by the
 * owning {@link FakeVault}'s lock.
 */
public final class FakeVaultNamespace {

    record AppRole(String name, String roleId, Set<String> secretIds, FakeTokenSpec spec) {
    }

    record JwtMount(FakeJwt verifier, String audience, Map<String, FakeTokenSpec> roles) {
    }

    record KubernetesRole(String acceptedJwt, FakeTokenSpec spec) {
    }

    static final class Token {
        final String id;
        final String accessor;
        final FakeTokenSpec spec;
        final String displayName;
        final Instant issued;
        final Instant maxExpire;
        Duration ttl;
        Instant expireAt;
        final Set<String> leases = new LinkedHashSet<>();

        Token(String id, String accessor, FakeTokenSpec spec, String displayName, Instant issued, Instant maxExpire) {
            this.id = id;
            this.accessor = accessor;
            this.spec = spec;
            this.displayName = displayName;
            this.issued = issued;
            this.maxExpire = maxExpire;
        }
    }

    static final class Lease {
        final String id;
        final String tokenId;
        final Instant issued;
        final boolean renewable;
        final Supplier<String> onRevoke;
        Instant expireAt;

        Lease(String id, String tokenId, Instant issued, Instant expireAt, boolean renewable,
              Supplier<String> onRevoke) {
            this.id = id;
            this.tokenId = tokenId;
            this.issued = issued;
            this.expireAt = expireAt;
            this.renewable = renewable;
            this.onRevoke = onRevoke;
        }
    }

    private final FakeVault vault;
    private final String name;
    private final Map<String, Map<String, AppRole>> appRoleMounts = new HashMap<>();
    private final Map<String, JwtMount> jwtMounts = new HashMap<>();
    private final Map<String, Map<String, KubernetesRole>> kubernetesMounts = new HashMap<>();
    private final Map<String, Token> tokens = new HashMap<>();
    private final Map<String, Lease> leases = new LinkedHashMap<>();
    private final Map<String, FakeKvMount> kvMounts = new HashMap<>();
    private final Map<String, FakeOpenAiEngineMount> engines = new HashMap<>();
    private final Map<String, FakeLiteLlmEngineMount> liteLlmEngines = new HashMap<>();
    private SecretString rootToken;

    FakeVaultNamespace(FakeVault vault, String name) {
        this.vault = vault;
        this.name = name;
    }

    /** The namespace path, or null for root. */
    public String name() {
        return name;
    }

    // ---------------------------------------------------------------- configuration

    public FakeVaultNamespace enableKv(String mount) {
        synchronized (vault.lock()) {
            kvMounts.putIfAbsent(mount, new FakeKvMount(mount, vault.clock()));
        }
        return this;
    }

    /** Writes a KV v2 secret directly (administrator side, no auth); returns the new version. */
    public int kvPut(String mount, String path, Map<String, String> data) {
        synchronized (vault.lock()) {
            return kv(mount).put(path, new LinkedHashMap<>(data));
        }
    }

    public int kvVersion(String mount, String path) {
        synchronized (vault.lock()) {
            return kv(mount).currentVersion(path);
        }
    }

    public Map<String, String> kvData(String mount, String path) {
        synchronized (vault.lock()) {
            return kv(mount).currentData(path);
        }
    }

    public Map<String, String> kvCustomMetadata(String mount, String path) {
        synchronized (vault.lock()) {
            return kv(mount).customMetadata(path);
        }
    }

    private FakeKvMount kv(String mount) {
        FakeKvMount m = kvMounts.get(mount);
        if (m == null) {
            throw new IllegalArgumentException("no KV mount " + mount + " in the fake");
        }
        return m;
    }

    public FakeVaultNamespace enableAppRole(String mount, String roleName, String roleId, String secretId,
                                            FakeTokenSpec spec) {
        synchronized (vault.lock()) {
            appRoleMounts.computeIfAbsent(mount, m -> new HashMap<>())
                    .put(roleId, new AppRole(roleName, roleId, new HashSet<>(Set.of(secretId)), spec));
        }
        return this;
    }

    public FakeVaultNamespace enableJwt(String mount, String role, FakeJwt verifier, String audienceOrNull,
                                        FakeTokenSpec spec) {
        synchronized (vault.lock()) {
            JwtMount m = jwtMounts.computeIfAbsent(mount, k -> new JwtMount(verifier, audienceOrNull, new HashMap<>()));
            m.roles().put(role, spec);
        }
        return this;
    }

    /** A Kubernetes auth role that accepts exactly this service-account JWT (stands in for TokenReview). */
    public FakeVaultNamespace enableKubernetes(String mount, String role, String acceptedJwt, FakeTokenSpec spec) {
        synchronized (vault.lock()) {
            kubernetesMounts.computeIfAbsent(mount, k -> new HashMap<>()).put(role, new KubernetesRole(acceptedJwt, spec));
        }
        return this;
    }

    /** Mounts the OpenAI secrets engine, which talks HTTP to {@code openAiBaseUrl} (e.g. a FakeOpenAi). */
    public FakeOpenAiEngineMount enableOpenAiEngine(String mount, String openAiBaseUrl, SecretString adminKey,
                                                    String adminKeyId, String organizationId) {
        synchronized (vault.lock()) {
            FakeOpenAiEngineMount e = new FakeOpenAiEngineMount(this, vault, mount, openAiBaseUrl, adminKey, adminKeyId,
                    organizationId);
            engines.put(mount, e);
            return e;
        }
    }

    /**
     * Mounts the LiteLLM secrets engine, as {@code vault write <mount>/config url=… admin_key=…}: it talks
     * HTTP to {@code proxyUrl} (e.g. a FakeLiteLlmProxy) with {@code adminKey}.
     */
    public FakeLiteLlmEngineMount enableLiteLlmEngine(String mount, String proxyUrl, SecretString adminKey) {
        synchronized (vault.lock()) {
            FakeLiteLlmEngineMount e = new FakeLiteLlmEngineMount(this, vault, mount, proxyUrl, adminKey);
            liteLlmEngines.put(mount, e);
            return e;
        }
    }

    /** A token with this spec, as an administrator would create it for the static-token auth. */
    public SecretString createToken(FakeTokenSpec spec) {
        synchronized (vault.lock()) {
            return SecretString.of(issue(spec, "token").id);
        }
    }

    /** A root token: never expires, nothing denied. */
    public SecretString rootToken() {
        synchronized (vault.lock()) {
            if (rootToken == null || !tokens.containsKey(rootToken.reveal())) {
                rootToken = SecretString.of(issue(new FakeTokenSpec(Duration.ZERO, Duration.ZERO, false, Set.of()),
                        "root").id);
            }
            return rootToken;
        }
    }

    /** Revokes a token and every lease it created. */
    public void revokeToken(SecretString token) {
        synchronized (vault.lock()) {
            Token t = tokens.get(token.reveal());
            if (t != null) {
                revokeToken(t);
            }
        }
    }

    /** Revokes every token (and so every lease) — as after a token-store purge. */
    public void revokeAllTokens() {
        synchronized (vault.lock()) {
            new ArrayList<>(tokens.values()).forEach(this::revokeToken);
        }
    }

    public int liveTokenCount() {
        synchronized (vault.lock()) {
            return tokens.size();
        }
    }

    public Set<String> liveLeases() {
        synchronized (vault.lock()) {
            return Set.copyOf(leases.keySet());
        }
    }

    /** When the token's lease ends, or null if it never does / does not exist. */
    public Instant tokenExpiry(SecretString token) {
        synchronized (vault.lock()) {
            Token t = tokens.get(token.reveal());
            return t == null ? null : t.expireAt;
        }
    }

    // ---------------------------------------------------------------- request handling (under lock)

    FakeReply handle(String method, String path, Map<String, String> query, JsonNode body, String tokenHeader) {
        if (path.startsWith("auth/") && path.endsWith("/login") && !path.startsWith("auth/token/")) {
            return method.equals("POST") || method.equals("PUT")
                    ? login(path.substring(5, path.length() - "/login".length()), body) : FakeReply.error(405);
        }
        Token token = tokenHeader == null ? null : tokens.get(tokenHeader);
        if (token == null) {
            return FakeReply.denied();
        }
        for (String prefix : token.spec.deniedPrefixes()) {
            if (path.startsWith(prefix)) {
                return FakeReply.denied();
            }
        }
        switch (path) {
            case "auth/token/lookup-self":
                return lookupSelf(token);
            case "auth/token/renew-self":
                return renewSelf(token, body);
            case "sys/leases/revoke":
                return revokeLease(body);
            case "sys/leases/lookup":
                return lookupLease(body);
            case "sys/leases/renew":
                return renewLease(body);
            default:
                break;
        }
        for (Map.Entry<String, FakeKvMount> kv : kvMounts.entrySet()) {
            if (path.startsWith(kv.getKey() + "/")) {
                return kv.getValue().handle(method, path.substring(kv.getKey().length() + 1), query, body);
            }
        }
        for (Map.Entry<String, FakeOpenAiEngineMount> e : engines.entrySet()) {
            if (path.startsWith(e.getKey() + "/")) {
                return e.getValue().handle(method, path.substring(e.getKey().length() + 1), query, token);
            }
        }
        for (Map.Entry<String, FakeLiteLlmEngineMount> e : liteLlmEngines.entrySet()) {
            if (path.startsWith(e.getKey() + "/")) {
                return e.getValue().handle(method, path.substring(e.getKey().length() + 1), query, token);
            }
        }
        return FakeReply.error(404, "no handler for route \"" + path + "\". route entry not found.");
    }

    private FakeReply login(String mount, JsonNode body) {
        JsonNode b = body == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : body;
        Map<String, AppRole> appRoles = appRoleMounts.get(mount);
        if (appRoles != null) {
            AppRole role = appRoles.get(b.path("role_id").asText(""));
            if (role == null || !role.secretIds().contains(b.path("secret_id").asText(""))) {
                return FakeReply.error(400, "invalid role or secret ID");
            }
            return authReply(issue(role.spec(), "approle-" + role.name()));
        }
        JwtMount jwt = jwtMounts.get(mount);
        if (jwt != null) {
            FakeTokenSpec spec = jwt.roles().get(b.path("role").asText(""));
            if (spec == null) {
                return FakeReply.error(400, "role \"" + b.path("role").asText("") + "\" could not be found");
            }
            String problem = jwt.verifier().verify(b.path("jwt").asText(null), vault.clock().instant(), jwt.audience());
            if (problem != null) {
                return FakeReply.error(400, problem);
            }
            return authReply(issue(spec, "jwt-" + b.path("role").asText()));
        }
        Map<String, KubernetesRole> k8s = kubernetesMounts.get(mount);
        if (k8s != null) {
            KubernetesRole role = k8s.get(b.path("role").asText(""));
            if (role == null) {
                return FakeReply.error(400, "invalid role name \"" + b.path("role").asText("") + "\"");
            }
            if (!Objects.equals(role.acceptedJwt(), b.path("jwt").asText(null))) {
                return FakeReply.denied();
            }
            return authReply(issue(role.spec(), "kubernetes-" + b.path("role").asText()));
        }
        return FakeReply.error(400, "no handler for route \"auth/" + mount + "/login\". route entry not found.");
    }

    private Token issue(FakeTokenSpec spec, String displayName) {
        Instant now = vault.clock().instant();
        Duration ttl = spec.ttl();
        if (!spec.maxTtl().isZero() && (ttl.isZero() || ttl.compareTo(spec.maxTtl()) > 0)) {
            ttl = spec.maxTtl();
        }
        Token t = new Token("hvs." + vault.randomId(24), vault.randomId(24), spec, displayName, now,
                spec.maxTtl().isZero() ? null : now.plus(spec.maxTtl()));
        t.ttl = ttl;
        t.expireAt = ttl.isZero() ? null : now.plus(ttl);
        tokens.put(t.id, t);
        return t;
    }

    private FakeReply authReply(Token t) {
        Map<String, Object> auth = new LinkedHashMap<>();
        auth.put("client_token", t.id);
        auth.put("accessor", t.accessor);
        auth.put("policies", List.of("default"));
        auth.put("token_policies", List.of("default"));
        auth.put("metadata", Map.of());
        auth.put("lease_duration", remainingSeconds(t));
        auth.put("renewable", t.spec.renewable() && t.expireAt != null);
        auth.put("entity_id", "");
        auth.put("token_type", "service");
        auth.put("orphan", true);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("request_id", UUID.randomUUID().toString());
        reply.put("lease_id", "");
        reply.put("renewable", false);
        reply.put("lease_duration", 0);
        reply.put("data", null);
        reply.put("auth", auth);
        return FakeReply.ok(reply);
    }

    private long remainingSeconds(Token t) {
        if (t.expireAt == null) {
            return 0;
        }
        return Math.max(0, Duration.between(vault.clock().instant(), t.expireAt).toSeconds());
    }

    private FakeReply lookupSelf(Token t) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("accessor", t.accessor);
        d.put("creation_time", t.issued.getEpochSecond());
        d.put("creation_ttl", t.ttl.toSeconds());
        d.put("display_name", t.displayName);
        d.put("expire_time", t.expireAt == null ? null : t.expireAt.toString());
        d.put("explicit_max_ttl", t.spec.maxTtl().toSeconds());
        d.put("id", t.id);
        d.put("issue_time", t.issued.toString());
        d.put("policies", List.of("default"));
        d.put("renewable", t.spec.renewable() && t.expireAt != null);
        d.put("ttl", remainingSeconds(t));
        d.put("type", "service");
        return FakeReply.data(d);
    }

    private FakeReply renewSelf(Token t, JsonNode body) {
        if (!t.spec.renewable() || t.expireAt == null) {
            return FakeReply.error(400, "lease is not renewable");
        }
        Instant now = vault.clock().instant();
        long inc = FakeVault.seconds(body == null ? null : body.get("increment"));
        Duration ttl = inc > 0 ? Duration.ofSeconds(inc) : t.spec.ttl();
        Instant expire = now.plus(ttl);
        if (t.maxExpire != null && expire.isAfter(t.maxExpire)) {
            expire = t.maxExpire;
        }
        t.expireAt = expire;
        t.ttl = Duration.between(now, expire);
        return authReply(t);
    }

    // ---------------------------------------------------------------- leases

    /**
     * Records a lease owned by {@code token}; {@code onRevoke} runs when it is revoked or expires and
     * answers null when the secret is destroyed, or the backend's error text: then, as in Vault, the
     * lease stays (and is tried again at the next expiry check).
     */
    String createLease(Token token, String prefix, Duration duration, boolean renewable, Supplier<String> onRevoke) {
        Instant now = vault.clock().instant();
        String id = prefix + vault.randomId(24);
        leases.put(id, new Lease(id, token.id, now, now.plus(duration), renewable, onRevoke));
        token.leases.add(id);
        return id;
    }

    private FakeReply revokeLease(JsonNode body) {
        String id = body == null ? "" : body.path("lease_id").asText("");
        if (id.isEmpty()) {
            return FakeReply.error(400, "lease_id must be specified");
        }
        Lease l = leases.get(id);
        String error = l == null ? null : revoke(l);
        if (error != null && body.path("sync").asBoolean(false)) {
            // Vault's sync revoke reports the backend's Go error as a 500, and the lease stays.
            return FakeReply.error(500, "failed to revoke lease: lease_id=" + id + ", error: failed to revoke entry: "
                    + "resp: (*logical.Response)(nil) err: " + error);
        }
        // Without sync Vault queues the revocation and answers 204 whatever the backend says.
        return FakeReply.noContent();
    }

    private FakeReply lookupLease(JsonNode body) {
        String id = body == null ? "" : body.path("lease_id").asText("");
        Lease l = leases.get(id);
        if (l == null) {
            return FakeReply.error(400, "invalid lease");
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", l.id);
        d.put("issue_time", l.issued.toString());
        d.put("expire_time", l.expireAt.toString());
        d.put("last_renewal", null);
        d.put("renewable", l.renewable);
        d.put("ttl", Math.max(0, Duration.between(vault.clock().instant(), l.expireAt).toSeconds()));
        return FakeReply.data(d);
    }

    private FakeReply renewLease(JsonNode body) {
        String id = body == null ? "" : body.path("lease_id").asText("");
        Lease l = leases.get(id);
        if (l == null) {
            return FakeReply.error(400, "invalid lease");
        }
        if (!l.renewable) {
            return FakeReply.error(400, "lease is not renewable");
        }
        long inc = FakeVault.seconds(body.get("increment"));
        l.expireAt = vault.clock().instant().plus(Duration.ofSeconds(inc > 0 ? inc : 3600));
        return lookupLease(body);
    }

    /** Null when revoked; the backend's error text when the lease stays. */
    private String revoke(Lease l) {
        String error = l.onRevoke == null ? null : l.onRevoke.get();
        if (error != null) {
            return error;
        }
        leases.remove(l.id);
        Token owner = tokens.get(l.tokenId);
        if (owner != null) {
            owner.leases.remove(l.id);
        }
        return null;
    }

    private void revokeToken(Token t) {
        tokens.remove(t.id);
        for (String leaseId : new ArrayList<>(t.leases)) {
            Lease l = leases.get(leaseId);
            if (l != null) {
                revoke(l);
            }
        }
    }

    /** Ends tokens and leases whose time has passed; a token takes its leases with it. */
    void expire(Instant now) {
        for (Token t : new ArrayList<>(tokens.values())) {
            if (t.expireAt != null && !now.isBefore(t.expireAt)) {
                revokeToken(t);
            }
        }
        for (Lease l : new ArrayList<>(leases.values())) {
            if (!now.isBefore(l.expireAt)) {
                revoke(l);
            }
        }
    }
}
