package io.jenkins.plugins.openaikeys.core.openai.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.HttpUrl;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Admin API's behaviour for an authenticated organization: the bodies, list envelopes
 * and errors of the reference ({@code /work/shared/reference/openai-admin-api.md}).
 */
final class FakeApi {

    static final int DEFAULT_LIMIT = 20;
    static final long MAX_EXPIRES_IN_SECONDS = 31_536_000L;

    private final FakeState state;
    private final ObjectMapper mapper = new ObjectMapper();

    FakeApi(FakeState state) {
        this.state = state;
    }

    Reply handle(Endpoint endpoint, String orgId, List<String> segments, HttpUrl url, String body) {
        return switch (endpoint) {
            case GET_PROJECT -> getProject(orgId, segments.get(2));
            case CREATE_SERVICE_ACCOUNT -> createServiceAccount(orgId, segments.get(2), body);
            case LIST_SERVICE_ACCOUNTS -> listServiceAccounts(orgId, segments.get(2), url);
            case DELETE_SERVICE_ACCOUNT -> deleteServiceAccount(orgId, segments.get(2), segments.get(4));
            case CREATE_ADMIN_KEY -> createAdminKey(orgId, body);
            case LIST_ADMIN_KEYS -> listAdminKeys(orgId, url);
            case DELETE_ADMIN_KEY -> deleteAdminKey(orgId, segments.get(2));
            case USAGE, COSTS, CHAT_COMPLETIONS, EMBEDDINGS ->
                    throw new IllegalStateException(endpoint + " is served by FakeUsageApi and FakeModelApi");
        };
    }

    /** The OpenAPI document: listing or deleting service accounts of an archived project answers 400. */
    private static Reply archived(String projectId) {
        return Reply.invalidRequest(400, "Project " + projectId + " is archived: archived projects have no service"
                + " accounts.");
    }

    private Reply getProject(String orgId, String projectId) {
        return state.project(orgId, projectId).map(p -> Reply.ok(project(p))).orElseGet(() -> noProject(projectId));
    }

    private Reply createServiceAccount(String orgId, String projectId, String body) {
        var project = state.project(orgId, projectId);
        if (project.isEmpty()) {
            return noProject(projectId);
        }
        if (project.get().archived()) {
            return Reply.invalidRequest(400, "Project " + projectId
                    + " is archived. Archived projects cannot be modified.");
        }
        JsonNode request = parse(body);
        if (request == null || !request.path("name").isTextual() || request.path("name").asText().isBlank()) {
            return Reply.invalidRequest(400, "Invalid body: 'name' is required.");
        }
        FakeServiceAccount a = state.createServiceAccount(projectId, request.path("name").asText());
        Map<String, Object> reply = serviceAccount(a);
        if (request.path("create_service_account_only").asBoolean(false)) {
            reply.put("api_key", null); // the spec: an account without a key
            return Reply.ok(reply);
        }
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("object", "organization.project.service_account.api_key");
        key.put("value", a.keyValue().reveal());
        key.put("name", "Secret Key");
        key.put("created_at", a.createdAt());
        key.put("id", a.keyId());
        reply.put("api_key", key);
        return Reply.ok(reply);
    }

    private Reply listServiceAccounts(String orgId, String projectId, HttpUrl url) {
        var project = state.project(orgId, projectId);
        if (project.isEmpty()) {
            return noProject(projectId);
        }
        if (project.get().archived()) {
            return archived(projectId);
        }
        return list(state.liveServiceAccounts(projectId), state.allServiceAccountIds(projectId),
                FakeServiceAccount::id, this::serviceAccount, url, false);
    }

    private Reply deleteServiceAccount(String orgId, String projectId, String accountId) {
        var project = state.project(orgId, projectId);
        if (project.isEmpty()) {
            return noProject(projectId);
        }
        if (project.get().archived()) {
            return archived(projectId);
        }
        if (!state.deleteServiceAccount(projectId, accountId)) {
            return Reply.invalidRequest(404, "Service account with id '" + accountId + "' not found.");
        }
        return Reply.ok(deleted("organization.project.service_account.deleted", accountId));
    }

    private Reply createAdminKey(String orgId, String body) {
        JsonNode request = parse(body);
        if (request == null || !request.path("name").isTextual() || request.path("name").asText().isBlank()) {
            return Reply.invalidRequest(400, "Invalid body: 'name' is required.");
        }
        Long expires = null;
        if (request.has("expires_in_seconds") && !request.get("expires_in_seconds").isNull()) {
            JsonNode e = request.get("expires_in_seconds");
            if (!e.canConvertToLong() || e.asLong() < 1 || e.asLong() > MAX_EXPIRES_IN_SECONDS) {
                return Reply.invalidRequest(400, "Invalid 'expires_in_seconds': must be between 1 and "
                        + MAX_EXPIRES_IN_SECONDS + ".");
            }
            expires = e.asLong();
        }
        FakeAdminKey k = state.createAdminKey(orgId, request.path("name").asText(), expires);
        Map<String, Object> reply = adminKey(k);
        reply.put("value", k.value().reveal());
        return Reply.ok(reply);
    }

    private Reply listAdminKeys(String orgId, HttpUrl url) {
        boolean desc = "desc".equals(url.queryParameter("order"));
        return list(state.liveAdminKeys(orgId), state.allAdminKeyIds(orgId), FakeAdminKey::id, this::adminKey, url,
                desc);
    }

    private Reply deleteAdminKey(String orgId, String keyId) {
        if (!state.deleteAdminKey(orgId, keyId)) {
            return Reply.invalidRequest(404, "Admin API key with id '" + keyId + "' not found.");
        }
        return Reply.ok(deleted("organization.admin_api_key.deleted", keyId));
    }

    private <T> Reply list(List<T> live, List<String> allIds, Function<T, String> idOf,
                           Function<T, Map<String, Object>> render, HttpUrl url, boolean descending) {
        int limit = DEFAULT_LIMIT;
        String limitParam = url.queryParameter("limit");
        if (limitParam != null) {
            try {
                limit = Integer.parseInt(limitParam);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 100) {
                return Reply.invalidRequest(400, "Invalid 'limit': must be an integer between 1 and 100.");
            }
        }
        List<T> items = new ArrayList<>(live);
        List<String> ids = new ArrayList<>(allIds);
        if (descending) {
            Collections.reverse(items);
            Collections.reverse(ids);
        }
        String after = url.queryParameter("after");
        if (after != null) {
            int cursor = ids.indexOf(after);
            if (cursor < 0) {
                return Reply.invalidRequest(400, "Invalid 'after': no object with id '" + after + "'.");
            }
            items = items.stream().filter(i -> ids.indexOf(idOf.apply(i)) > cursor).toList();
        }
        List<T> page = items.subList(0, Math.min(limit, items.size()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("object", "list");
        body.put("data", page.stream().map(render).toList());
        body.put("first_id", page.isEmpty() ? null : idOf.apply(page.get(0)));
        body.put("last_id", page.isEmpty() ? null : idOf.apply(page.get(page.size() - 1)));
        body.put("has_more", items.size() > page.size());
        return Reply.ok(body);
    }

    private Map<String, Object> project(FakeProjectRecord p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("object", "organization.project");
        m.put("name", p.name());
        m.put("created_at", p.createdAt());
        m.put("archived_at", p.archivedAt());
        m.put("status", p.archived() ? "archived" : "active");
        return m;
    }

    private Map<String, Object> serviceAccount(FakeServiceAccount a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("object", "organization.project.service_account");
        m.put("id", a.id());
        m.put("name", a.name());
        m.put("role", a.role());
        m.put("created_at", a.createdAt());
        return m;
    }

    private Map<String, Object> adminKey(FakeAdminKey k) {
        Map<String, Object> owner = new LinkedHashMap<>();
        owner.put("type", "user");
        owner.put("object", "organization.user");
        owner.put("id", "user-jenkins0000000000000000");
        owner.put("name", "Jenkins Admin");
        owner.put("created_at", k.createdAt());
        owner.put("role", "owner");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("object", "organization.admin_api_key");
        m.put("id", k.id());
        m.put("name", k.name());
        m.put("redacted_value", FakeIds.redactedAdminValue(k.value().reveal()));
        m.put("created_at", k.createdAt());
        m.put("expires_at", k.expiresAt());
        m.put("last_used_at", state.lastUsed(k.id()));
        m.put("owner", owner);
        return m;
    }

    private static Map<String, Object> deleted(String object, String id) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("object", object);
        m.put("id", id);
        m.put("deleted", true);
        return m;
    }

    private static Reply noProject(String projectId) {
        return Reply.invalidRequest(404, "No such project: '" + projectId + "'.");
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode n = mapper.readTree(body);
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }
}
