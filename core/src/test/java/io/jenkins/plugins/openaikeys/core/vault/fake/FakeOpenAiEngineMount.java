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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAI secrets engine (vault-plugin-secrets-openai) as a fake mount: each
 * {@code creds/} read creates a project service account over real HTTP at the configured
 * OpenAI base URL and hands out a non-renewable lease whose revocation or expiry deletes it.
 *
 * <p>As strict as the real engine (plugin/path_dynamic_creds.go, client.go, path_config.go,
 * rotation.go): it does not retry OpenAI; every OpenAI failure becomes a 500 quoting
 * {@code API error (status)}, also a failure after the account was created (then the account
 * stays, without a lease); a revoke whose delete OpenAI refuses — 404 included — fails and the
 * lease stays; {@code config} shows {@code last_rotated} only with a rotation period; a rotate
 * whose deletion of the old admin key fails answers an error although it rotated.
 */
public final class FakeOpenAiEngineMount {

    /** One engine role. ttl/maxTtl in whole seconds, as Vault stores them. */
    public record Role(String projectId, Duration ttl, Duration maxTtl, String nameTemplate) {
    }

    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RANDOM = Pattern.compile("\\{\\{\\s*random\\s+(\\d+)\\s*}}");
    static final String DEFAULT_TEMPLATE = "vault-{{.RoleName}}-{{unix_time}}-{{random 6}}";

    private final FakeVaultNamespace namespace;
    private final FakeVault vault;
    private final String mount;
    private final String baseUrl;
    private SecretString adminKey;
    private String adminKeyId;
    private final String organizationId;
    private Instant lastRotated;
    private Duration rotationPeriod = Duration.ZERO;
    private int failAfterCreate;
    private final Map<String, Role> roles = new HashMap<>();
    private final List<String> deletedServiceAccounts = new ArrayList<>();
    private final List<String> failedDeletes = new ArrayList<>();

    FakeOpenAiEngineMount(FakeVaultNamespace namespace, FakeVault vault, String mount, String baseUrl,
                          SecretString adminKey, String adminKeyId, String organizationId) {
        this.namespace = namespace;
        this.vault = vault;
        this.mount = mount;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.adminKey = adminKey;
        this.adminKeyId = adminKeyId;
        this.organizationId = organizationId;
    }

    public FakeOpenAiEngineMount role(String name, String projectId, Duration ttl, Duration maxTtl) {
        return role(name, projectId, ttl, maxTtl, DEFAULT_TEMPLATE);
    }

    public FakeOpenAiEngineMount role(String name, String projectId, Duration ttl, Duration maxTtl, String template) {
        synchronized (vault.lock()) {
            roles.put(name, new Role(projectId, ttl, maxTtl, template));
        }
        return this;
    }

    /** The engine's own rotation period; zero (the default) means none, and config hides last_rotated. */
    public FakeOpenAiEngineMount rotationPeriod(Duration period) {
        synchronized (vault.lock()) {
            rotationPeriod = period;
        }
        return this;
    }

    /**
     * The next {@code times} creds reads create the account at OpenAI and then fail, as the real
     * engine does when OpenAI's answer is too slow or cannot be read: a 500, and an account no lease covers.
     */
    public FakeOpenAiEngineMount failAfterCreateNext(int times) {
        synchronized (vault.lock()) {
            failAfterCreate += times;
        }
        return this;
    }

    public String adminKeyId() {
        synchronized (vault.lock()) {
            return adminKeyId;
        }
    }

    public SecretString adminKey() {
        synchronized (vault.lock()) {
            return adminKey;
        }
    }

    /** Service-account ids the engine deleted at OpenAI after a lease ended. */
    public List<String> deletedServiceAccounts() {
        synchronized (vault.lock()) {
            return List.copyOf(deletedServiceAccounts);
        }
    }

    /** Service-account ids whose deletion OpenAI refused. */
    public List<String> failedDeletes() {
        synchronized (vault.lock()) {
            return List.copyOf(failedDeletes);
        }
    }

    FakeReply handle(String method, String sub, Map<String, String> query, FakeVaultNamespace.Token token) {
        if (sub.startsWith("creds/") && method.equals("GET")) {
            return creds(sub.substring(6), query.get("ttl"), token);
        }
        if (sub.equals("config") && method.equals("GET")) {
            return config();
        }
        if (sub.equals("config/rotate") && (method.equals("POST") || method.equals("PUT"))) {
            return rotate();
        }
        if (sub.startsWith("roles/") && method.equals("GET")) {
            Role r = roles.get(sub.substring(6));
            if (r == null) {
                return FakeReply.notFound();
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("project_id", r.projectId());
            d.put("ttl", r.ttl().toSeconds());
            d.put("max_ttl", r.maxTtl().toSeconds());
            d.put("service_account_name_template", r.nameTemplate());
            return FakeReply.data(d);
        }
        return FakeReply.error(405, "unsupported operation");
    }

    private FakeReply creds(String roleName, String ttlParam, FakeVaultNamespace.Token token) {
        Role role = roles.get(roleName);
        if (role == null) {
            return FakeReply.error(400, "role '" + roleName + "' not found");
        }
        long requested = ttlParam == null ? 0 : FakeVault.seconds(ttlParam);
        Duration lease = requested > 0 && requested < role.maxTtl().toSeconds()
                ? Duration.ofSeconds(requested) : role.ttl();
        String name = render(role.nameTemplate(), roleName);
        JsonNode created;
        try {
            created = call("POST", "/organization/projects/" + role.projectId() + "/service_accounts",
                    Map.of("name", name), adminKey);
        } catch (OpenAiFailure f) {
            return FakeReply.error(500, "1 error occurred:\n\t* error creating service account: " + f.getMessage());
        }
        if (failAfterCreate > 0) {
            failAfterCreate--;
            return FakeReply.error(500, "1 error occurred:\n\t* error creating service account: error making request: "
                    + "context deadline exceeded");
        }
        if (!created.path("api_key").isObject()) {
            return FakeReply.error(500, "1 error occurred:\n\t* service account data missing in API response");
        }
        String saId = created.path("id").asText();
        String projectId = role.projectId();
        String leaseId = namespace.createLease(token, mount + "/creds/" + roleName + "/", lease, false,
                () -> deleteServiceAccount(projectId, saId));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("api_key", created.path("api_key").path("value").asText());
        data.put("api_key_id", created.path("api_key").path("id").asText());
        data.put("service_account", created.path("name").asText(name));
        data.put("service_account_id", saId);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("request_id", UUID.randomUUID().toString());
        reply.put("lease_id", leaseId);
        reply.put("renewable", false);
        reply.put("lease_duration", lease.toSeconds());
        reply.put("data", data);
        reply.put("wrap_info", null);
        reply.put("warnings", null);
        reply.put("auth", null);
        return FakeReply.ok(reply);
    }

    /** Null when deleted; the engine's error text otherwise (a 404 too: the real engine does not forgive it). */
    private String deleteServiceAccount(String projectId, String saId) {
        try {
            call("DELETE", "/organization/projects/" + projectId + "/service_accounts/" + saId, null, adminKey);
            deletedServiceAccounts.add(saId);
            return null;
        } catch (OpenAiFailure f) {
            failedDeletes.add(saId);
            return "error deleting service account: error deleting service account: " + f.getMessage();
        }
    }

    private FakeReply config() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("organization_id", organizationId);
        d.put("admin_api_key_id", adminKeyId);
        d.put("api_endpoint", baseUrl);
        d.put("rotation_period", rotationPeriod.toSeconds());
        d.put("rotation_window", 0);
        d.put("rotation_schedule", "");
        d.put("disable_automated_rotation", rotationPeriod.isZero());
        if (!rotationPeriod.isZero()) {
            // Go's zero time when it never rotated, as the engine prints it.
            d.put("last_rotated", lastRotated == null ? "0001-01-01T00:00:00Z" : lastRotated.toString());
        }
        return FakeReply.data(d);
    }

    private FakeReply rotate() {
        JsonNode created;
        try {
            created = call("POST", "/organization/admin_api_keys",
                    Map.of("name", "vault-rotated-" + vault.clock().instant().getEpochSecond()), adminKey);
        } catch (OpenAiFailure f) {
            return FakeReply.error(500, "error creating new admin key after retries: error creating admin API key: "
                    + f.getMessage());
        }
        String value = created.path("value").asText("");
        if (value.isEmpty()) {
            return FakeReply.error(500, "admin API key or ID not returned in response");
        }
        String oldId = adminKeyId;
        adminKey = SecretString.of(value);
        adminKeyId = created.path("id").asText();
        lastRotated = vault.clock().instant();
        try {
            call("DELETE", "/organization/admin_api_keys/" + oldId, null, adminKey);
        } catch (OpenAiFailure f) {
            // rotation.go: the new key is stored, yet the failed revoke of the old one is the answer.
            return FakeReply.error(500, "1 error occurred:\n\t* " + f.getMessage());
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("admin_api_key_id", adminKeyId);
        d.put("rotated_time", lastRotated.toString());
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("request_id", UUID.randomUUID().toString());
        reply.put("data", d);
        reply.put("warnings", null);
        return FakeReply.ok(reply);
    }

    private String render(String template, String roleName) {
        String t = template == null ? DEFAULT_TEMPLATE : template;
        t = t.replace("{{.RoleName}}", roleName)
                .replace("{{unix_time}}", Long.toString(vault.clock().instant().getEpochSecond()));
        Matcher m = RANDOM.matcher(t);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, vault.randomId(Integer.parseInt(m.group(1))).toLowerCase(java.util.Locale.ROOT));
        }
        m.appendTail(sb);
        String name = sb.toString().replaceAll("[^A-Za-z0-9_-]", "-");
        return name.length() > 64 ? name.substring(0, 64) : name;
    }

    /** An OpenAI answer other than 2xx, or no answer. */
    private static final class OpenAiFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        OpenAiFailure(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private JsonNode call(String method, String path, Object body, SecretString key) throws OpenAiFailure {
        OkHttpClient client = vault.openAiHttp();
        try {
            RequestBody rb = body == null ? null : RequestBody.create(JSON.writeValueAsBytes(body), JSON_TYPE);
            Request req = new Request.Builder().url(baseUrl + path)
                    .header("Authorization", "Bearer " + key.reveal())
                    .method(method, rb).build();
            try (Response resp = client.newCall(req).execute()) {
                String text = resp.body() == null ? "" : resp.body().string();
                if (!resp.isSuccessful()) {
                    String msg;
                    String type;
                    try {
                        JsonNode err = JSON.readTree(text).path("error");
                        msg = err.path("message").asText("");
                        type = err.path("type").asText("");
                    } catch (IOException notJson) {
                        msg = "";
                        type = "";
                    }
                    // client.go's doRequest wording
                    throw new OpenAiFailure(resp.code(), msg.isEmpty() ? "API error (" + resp.code() + ") from OpenAI"
                            : "API error (" + resp.code() + "): " + type + " - " + msg);
                }
                return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
            }
        } catch (IOException e) {
            throw new OpenAiFailure(0, "error calling OpenAI: " + e.getClass().getSimpleName());
        }
    }
}
