package io.jenkins.plugins.openaikeys.core.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A tiny stand-in for the OpenAI Admin API endpoints the engine mount calls (not the real FakeOpenAi). */
final class OpenAiStub implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    final MockWebServer server = new MockWebServer();
    final Set<String> liveServiceAccounts = ConcurrentHashMap.newKeySet();
    final Set<String> liveAdminKeys = ConcurrentHashMap.newKeySet();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    final Deque<Integer> createFailures = new ArrayDeque<>();
    final Deque<Integer> deleteFailures = new ArrayDeque<>();
    final Deque<Integer> adminKeyDeleteFailures = new ArrayDeque<>();
    private final AtomicInteger seq = new AtomicInteger();
    volatile String currentAdminKey = "sk-admin-initialVALUE0123456789";

    OpenAiStub() {
        liveAdminKeys.add("key_admin0");
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                return handle(r);
            }
        });
        try {
            server.start(InetAddress.getLoopbackAddress(), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String baseUrl() {
        return server.url("/v1").toString();
    }

    synchronized void failNextCreate(int status) {
        createFailures.add(status);
    }

    synchronized void failNextDelete(int status) {
        deleteFailures.add(status);
    }

    synchronized void failNextAdminKeyDelete(int status) {
        adminKeyDeleteFailures.add(status);
    }

    private synchronized MockResponse handle(RecordedRequest r) {
        String path = r.getPath();
        String auth = r.getHeader("Authorization");
        authorizations.add(r.getMethod() + " " + path);
        if (auth == null || !auth.equals("Bearer " + currentAdminKey)) {
            return json(401, Map.of("error", Map.of("message", "Incorrect API key provided", "type", "invalid_request_error")));
        }
        try {
            if (r.getMethod().equals("POST") && path.matches("/v1/organization/projects/[^/]+/service_accounts")) {
                Integer fail = createFailures.poll();
                if (fail != null) {
                    return json(fail, Map.of("error", Map.of("message", "Rate limit reached for requests",
                            "type", "requests", "code", "rate_limit_exceeded")));
                }
                JsonNode body = JSON.readTree(r.getBody().readUtf8());
                int n = seq.incrementAndGet();
                String id = "svc_acct_" + n;
                liveServiceAccounts.add(id);
                return json(200, Map.of("object", "organization.project.service_account", "id", id,
                        "name", body.path("name").asText(), "role", "member", "created_at", 1,
                        "api_key", Map.of("object", "organization.project.service_account.api_key",
                                "value", "sk-svcacct-SECRETvalue" + n + "abcdefghij", "name", "k", "created_at", 1,
                                "id", "key_sa" + n)));
            }
            if (r.getMethod().equals("DELETE") && path.matches("/v1/organization/projects/[^/]+/service_accounts/.+")) {
                String id = path.substring(path.lastIndexOf('/') + 1);
                Integer fail = deleteFailures.poll();
                if (fail != null) {
                    return json(fail, Map.of("error", Map.of("message", "The server had an error", "type", "server_error")));
                }
                if (!liveServiceAccounts.remove(id)) {
                    return json(404, Map.of("error", Map.of("message", "not found")));
                }
                return json(200, Map.of("id", id, "deleted", true));
            }
            if (r.getMethod().equals("POST") && path.equals("/v1/organization/admin_api_keys")) {
                int n = seq.incrementAndGet();
                String id = "key_admin" + n;
                liveAdminKeys.add(id);
                currentAdminKey = "sk-admin-rotatedVALUE" + n + "0123456789";
                return json(200, Map.of("object", "organization.admin_api_key", "id", id, "name", "x",
                        "redacted_value", "sk-admin...xyz", "created_at", 1, "value", currentAdminKey));
            }
            if (r.getMethod().equals("DELETE") && path.startsWith("/v1/organization/admin_api_keys/")) {
                Integer fail = adminKeyDeleteFailures.poll();
                if (fail != null) {
                    return json(fail, Map.of("error", Map.of("message", "The server had an error", "type", "server_error")));
                }
                liveAdminKeys.remove(path.substring(path.lastIndexOf('/') + 1));
                return json(200, Map.of("deleted", true));
            }
        } catch (IOException e) {
            return json(400, Map.of("error", Map.of("message", "bad json")));
        }
        return json(404, Map.of("error", Map.of("message", "unknown endpoint")));
    }

    private static MockResponse json(int status, Object body) {
        try {
            return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json")
                    .setBody(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.shutdown();
    }
}
