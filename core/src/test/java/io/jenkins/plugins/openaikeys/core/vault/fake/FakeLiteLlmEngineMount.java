package io.jenkins.plugins.openaikeys.core.vault.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.openaikeys.core.SecretString;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The LiteLLM secrets engine (vault-plugin-secrets-litellm, benemon) as a fake mount: each
 * {@code creds/<role>} read calls {@code POST /key/generate} over real HTTP at the configured proxy
 * (e.g. a FakeLiteLlmProxy) with the role's key_request, {@code key_alias} {@code vault-<role>-<12 hex>},
 * {@code duration} equal to the lease TTL and metadata {@code vault_role}, {@code vault_request_id},
 * {@code vault_mount_path}; it answers {@code key}, {@code token_id}, {@code key_alias}, {@code expires}
 * under a renewable lease of the role's TTL (a {@code ttl} the caller sends is ignored, as in
 * path_creds.go). Revoking the lease, or its expiry, deletes the key by alias; a 404 from the proxy
 * is success ("already gone"), any other failure keeps the lease, as in Vault. A failed generate is
 * a 500 quoting {@code litellm: POST /key/generate: <status>: <message>}, like client.go.
 */
public final class FakeLiteLlmEngineMount {

    /** One engine role: its key_request fields and lease TTLs. */
    public record Role(List<String> models, BigDecimal maxBudget, Duration ttl, Duration maxTtl) {
    }

    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeVaultNamespace namespace;
    private final FakeVault vault;
    private final String mount;
    private final String url;
    private final SecretString adminKey;
    private final Map<String, Role> roles = new HashMap<>();
    private final List<String> deletedAliases = new ArrayList<>();
    private final List<String> failedDeletes = new ArrayList<>();

    FakeLiteLlmEngineMount(FakeVaultNamespace namespace, FakeVault vault, String mount, String url,
                           SecretString adminKey) {
        this.namespace = namespace;
        this.vault = vault;
        this.mount = mount;
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.adminKey = adminKey;
    }

    /** As {@code vault write <mount>/roles/<name> ttl=… max_ttl=… key_request=@file.json}. */
    public FakeLiteLlmEngineMount role(String name, List<String> models, BigDecimal maxBudget, Duration ttl,
                                       Duration maxTtl) {
        synchronized (vault.lock()) {
            roles.put(name, new Role(List.copyOf(models), maxBudget, ttl, maxTtl));
        }
        return this;
    }

    /** Aliases the engine deleted at the proxy after a lease ended (404s included: already gone). */
    public List<String> deletedAliases() {
        synchronized (vault.lock()) {
            return List.copyOf(deletedAliases);
        }
    }

    /** Aliases whose deletion the proxy refused (their leases stay). */
    public List<String> failedDeletes() {
        synchronized (vault.lock()) {
            return List.copyOf(failedDeletes);
        }
    }

    FakeReply handle(String method, String sub, Map<String, String> query, FakeVaultNamespace.Token token) {
        if (sub.startsWith("creds/") && method.equals("GET")) {
            return creds(sub.substring(6), token);
        }
        if (sub.equals("config") && method.equals("GET")) {
            return FakeReply.data(Map.of("url", url, "ca_cert", "", "insecure_tls", false));
        }
        if (sub.startsWith("roles/") && method.equals("GET")) {
            Role r = roles.get(sub.substring(6));
            if (r == null) {
                return FakeReply.notFound();
            }
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("models", r.models());
            if (r.maxBudget() != null) {
                request.put("max_budget", r.maxBudget());
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("ttl", r.ttl().toSeconds());
            d.put("max_ttl", r.maxTtl().toSeconds());
            d.put("key_request", request);
            return FakeReply.data(d);
        }
        return FakeReply.error(405, "unsupported operation");
    }

    private FakeReply creds(String roleName, FakeVaultNamespace.Token token) {
        Role role = roles.get(roleName.toLowerCase(java.util.Locale.ROOT));
        if (role == null) {
            return FakeReply.error(400, "role \"" + roleName + "\" not found");
        }
        String alias = "vault-" + roleName + "-" + HexFormat.of().formatHex(vault.randomId(6).getBytes()).substring(0, 12);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("models", role.models());
        if (role.maxBudget() != null) {
            body.put("max_budget", role.maxBudget());
        }
        String requestId = UUID.randomUUID().toString();
        body.put("metadata", Map.of("vault_role", roleName, "vault_request_id", requestId,
                "vault_mount_path", mount + "/"));
        body.put("key_alias", alias);
        body.put("duration", role.ttl().toSeconds() + "s");
        JsonNode created;
        try {
            created = call("/key/generate", body);
        } catch (ProxyFailure f) {
            return FakeReply.error(500, f.getMessage());
        }
        String leaseAlias = created.path("key_alias").asText(alias);
        String leaseId = namespace.createLease(token, mount + "/creds/" + roleName + "/", role.ttl(), true,
                () -> deleteKey(leaseAlias));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("key", created.path("key").asText());
        data.put("token_id", created.path("token_id").asText());
        data.put("key_alias", leaseAlias);
        data.put("expires", created.path("expires").asText());
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("request_id", requestId);
        reply.put("lease_id", leaseId);
        reply.put("renewable", true);
        reply.put("lease_duration", role.ttl().toSeconds());
        reply.put("data", data);
        reply.put("wrap_info", null);
        reply.put("warnings", null);
        reply.put("auth", null);
        return FakeReply.ok(reply);
    }

    /** Null when the key is gone (404 included); the engine's error text otherwise. */
    private String deleteKey(String alias) {
        try {
            call("/key/delete", Map.of("key_aliases", List.of(alias)));
            deletedAliases.add(alias);
            return null;
        } catch (ProxyFailure f) {
            if (f.status == 404) {
                deletedAliases.add(alias);
                return null;
            }
            failedDeletes.add(alias);
            return f.getMessage();
        }
    }

    private static final class ProxyFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        ProxyFailure(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private JsonNode call(String path, Object body) throws ProxyFailure {
        OkHttpClient client = vault.openAiHttp();
        String op = "POST " + path;
        try {
            Request req = new Request.Builder().url(url + path)
                    .header("Authorization", "Bearer " + adminKey.reveal())
                    .post(RequestBody.create(JSON.writeValueAsBytes(body), JSON_TYPE)).build();
            try (Response resp = client.newCall(req).execute()) {
                String text = resp.body() == null ? "" : resp.body().string();
                if (!resp.isSuccessful()) {
                    String msg;
                    try {
                        JsonNode n = JSON.readTree(text);
                        msg = n.path("error").path("message").asText("");
                        if (msg.isEmpty() && n.has("detail")) {
                            msg = n.get("detail").toString();
                        }
                    } catch (IOException notJson) {
                        msg = text.length() > 200 ? text.substring(0, 200) : text;
                    }
                    throw new ProxyFailure(resp.code(), "litellm: " + op + ": " + resp.code() + ": " + msg);
                }
                return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
            }
        } catch (IOException e) {
            throw new ProxyFailure(0, "litellm: " + op + ": " + e.getClass().getSimpleName());
        }
    }
}
