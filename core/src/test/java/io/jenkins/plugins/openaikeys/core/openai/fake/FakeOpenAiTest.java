package io.jenkins.plugins.openaikeys.core.openai.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.openaikeys.core.testing.FakeTime;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fake's own behaviour, over raw HTTP: envelopes, auth, faults, rate limit, concurrency. */
class FakeOpenAiTest {

    private final FakeTime time = new FakeTime();
    private final FakeOpenAi openai = FakeOpenAi.start(time);
    private final FakeOrganization org = openai.createOrganization();
    private final FakeProject project = org.createProject("evals");
    private final OkHttpClient http = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
    private final ObjectMapper mapper = new ObjectMapper();

    record Answer(int status, JsonNode body, Response response) {
        String header(String name) {
            return response.header(name);
        }
    }

    @AfterEach
    void close() {
        openai.close();
    }

    private Answer call(String method, String path, String key, String json) throws IOException {
        Request.Builder r = new Request.Builder().url(openai.baseUrl() + path)
                .method(method, json == null ? null : RequestBody.create(json, MediaType.get("application/json")));
        if (key != null) {
            r.header("Authorization", "Bearer " + key);
        }
        try (Response response = http.newCall(r.build()).execute()) {
            String body = response.body().string();
            boolean isJson = String.valueOf(response.header("Content-Type")).startsWith("application/json");
            return new Answer(response.code(), body.isEmpty() || !isJson ? null : mapper.readTree(body), response);
        }
    }

    private Answer admin(String method, String path) throws IOException {
        return call(method, path, org.adminKey().reveal(), method.equals("POST") ? "{\"name\":\"n\"}" : null);
    }

    /** Fault.quoting: a 400 whose message echoes a secret in full, and the work is not done. */
    @Test
    void aFaultCanQuoteTheBearerOrTheKeyOfTheAccountItNames() throws IOException {
        Answer created = admin("POST", "/organization/projects/" + project.id() + "/service_accounts");
        String id = created.body().path("id").asText();
        String key = created.body().path("api_key").path("value").asText();
        String path = "/organization/projects/" + project.id() + "/service_accounts/" + id;
        openai.inject(Endpoint.DELETE_SERVICE_ACCOUNT, Fault.status(400).quoting(Fault.Quote.SERVICE_ACCOUNT_KEY));
        openai.inject(Endpoint.DELETE_SERVICE_ACCOUNT, Fault.status(400).quoting(Fault.Quote.BEARER));

        Answer quotingKey = admin("DELETE", path);
        Answer quotingBearer = admin("DELETE", path);

        assertThat(quotingKey.status()).isEqualTo(400);
        assertThat(quotingKey.body().path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(quotingKey.body().path("error").path("message").asText()).contains(id, key);
        assertThat(quotingBearer.status()).isEqualTo(400);
        assertThat(quotingBearer.body().path("error").path("message").asText())
                .contains("Bearer " + org.adminKey().reveal());
        assertThat(project.liveServiceAccounts()).extracting(FakeServiceAccount::id).containsExactly(id);
        assertThat(admin("DELETE", path).status()).isEqualTo(200);
    }

    @Test
    void baseUrlIsLoopback() {
        assertThat(openai.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+/v1");
    }

    @Test
    void idsAndBodiesAreShapedLikeTheRealOnes() throws IOException {
        Answer created = admin("POST", "/organization/projects/" + project.id() + "/service_accounts");

        assertThat(org.id()).startsWith("org-");
        assertThat(project.id()).startsWith("proj_");
        assertThat(org.adminKey().reveal()).startsWith("sk-admin-");
        JsonNode b = created.body();
        assertThat(b.path("object").asText()).isEqualTo("organization.project.service_account");
        assertThat(b.path("id").asText()).startsWith("svc_acct_");
        assertThat(b.path("role").asText()).isEqualTo("member");
        assertThat(b.path("created_at").asLong()).isEqualTo(time.instant().getEpochSecond());
        assertThat(b.path("api_key").path("object").asText()).isEqualTo("organization.project.service_account.api_key");
        assertThat(b.path("api_key").path("id").asText()).startsWith("key_");
        assertThat(b.path("api_key").path("value").asText()).startsWith("sk-");
        assertThat(openai.isLiveKey(b.path("api_key").path("value").asText())).isTrue();

        Answer deleted = admin("DELETE", "/organization/projects/" + project.id() + "/service_accounts/" + b.path("id").asText());
        assertThat(deleted.body().path("object").asText()).isEqualTo("organization.project.service_account.deleted");
        assertThat(deleted.body().path("deleted").asBoolean()).isTrue();
        assertThat(openai.isLiveKey(b.path("api_key").path("value").asText())).isFalse();
    }

    @Test
    void projectBodyShowsArchiving() throws IOException {
        Answer active = admin("GET", "/organization/projects/" + project.id());
        assertThat(active.body().path("object").asText()).isEqualTo("organization.project");
        assertThat(active.body().path("status").asText()).isEqualTo("active");
        assertThat(active.body().path("archived_at").isNull()).isTrue();

        project.archive();
        Answer archived = admin("GET", "/organization/projects/" + project.id());
        assertThat(archived.body().path("status").asText()).isEqualTo("archived");
        assertThat(archived.body().path("archived_at").asLong()).isEqualTo(time.instant().getEpochSecond());

        Answer refused = admin("POST", "/organization/projects/" + project.id() + "/service_accounts");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(refused.body().path("error").path("message").asText()).contains("archived");
    }

    @Test
    void archivedProjectsHaveNoServiceAccountsToListOrDelete() throws IOException {
        String sa = call("POST", "/organization/projects/" + project.id() + "/service_accounts",
                org.adminKey().reveal(), "{\"name\":\"before-archive\"}").body().path("id").asText();
        project.archive();
        Answer list = admin("GET", "/organization/projects/" + project.id() + "/service_accounts");
        Answer delete = admin("DELETE", "/organization/projects/" + project.id() + "/service_accounts/" + sa);
        for (Answer a : List.of(list, delete)) {
            assertThat(a.status()).isEqualTo(400);
            assertThat(a.body().path("error").path("message").asText()).contains("archived");
        }
    }

    @Test
    void anAccountCreatedWithoutAKeyAnswersANullApiKey() throws IOException {
        Answer created = call("POST", "/organization/projects/" + project.id() + "/service_accounts",
                org.adminKey().reveal(), "{\"name\":\"bare\",\"create_service_account_only\":true}");
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.body().path("id").asText()).startsWith("svc_acct_");
        assertThat(created.body().has("api_key")).isTrue();
        assertThat(created.body().get("api_key").isNull()).isTrue();
    }

    @Test
    void listEnvelopeDefaultsTo20AndPagesWithAfter() throws IOException {
        List<FakeServiceAccount> seeded = project.addServiceAccounts("a", 45);
        String path = "/organization/projects/" + project.id() + "/service_accounts";

        JsonNode first = admin("GET", path).body();
        assertThat(first.path("object").asText()).isEqualTo("list");
        assertThat(first.path("data")).hasSize(20);
        assertThat(first.path("first_id").asText()).isEqualTo(seeded.get(0).id());
        assertThat(first.path("last_id").asText()).isEqualTo(seeded.get(19).id());
        assertThat(first.path("has_more").asBoolean()).isTrue();
        assertThat(first.path("data").get(0).has("api_key")).as("lists never show keys").isFalse();

        JsonNode second = admin("GET", path + "?limit=20&after=" + seeded.get(19).id()).body();
        assertThat(second.path("first_id").asText()).isEqualTo(seeded.get(20).id());
        JsonNode third = admin("GET", path + "?limit=20&after=" + second.path("last_id").asText()).body();
        assertThat(third.path("data")).hasSize(5);
        assertThat(third.path("has_more").asBoolean()).isFalse();

        org.createProject("empty");
        JsonNode empty = admin("GET", "/organization/projects/" + org.createProject("none").id() + "/service_accounts").body();
        assertThat(empty.path("data")).isEmpty();
        assertThat(empty.path("first_id").isNull()).isTrue();
        assertThat(empty.path("has_more").asBoolean()).isFalse();
    }

    @Test
    void aCursorOnADeletedItemStillWorks() throws IOException {
        List<FakeServiceAccount> seeded = project.addServiceAccounts("a", 4);
        String path = "/organization/projects/" + project.id() + "/service_accounts";
        admin("DELETE", path + "/" + seeded.get(1).id());

        JsonNode page = admin("GET", path + "?after=" + seeded.get(1).id()).body();

        assertThat(page.path("data")).extracting(n -> n.path("id").asText())
                .containsExactly(seeded.get(2).id(), seeded.get(3).id());
    }

    @Test
    void limitOutOfRangeIs400() throws IOException {
        assertThat(admin("GET", "/organization/admin_api_keys?limit=101").status()).isEqualTo(400);
        assertThat(admin("GET", "/organization/admin_api_keys?limit=0").status()).isEqualTo(400);
    }

    @Test
    void adminKeysListWithoutValuesAndOrderDesc() throws IOException {
        Answer created = call("POST", "/organization/admin_api_keys", org.adminKey().reveal(),
                "{\"name\":\"second\",\"expires_in_seconds\":3600}");
        assertThat(created.body().path("object").asText()).isEqualTo("organization.admin_api_key");
        assertThat(created.body().path("value").asText()).startsWith("sk-admin-");
        assertThat(created.body().path("redacted_value").asText()).startsWith("sk-admin...");
        assertThat(created.body().path("expires_at").asLong()).isEqualTo(time.instant().getEpochSecond() + 3600);
        assertThat(created.body().path("owner").path("role").asText()).isEqualTo("owner");

        JsonNode list = admin("GET", "/organization/admin_api_keys?order=desc").body();
        assertThat(list.path("data")).extracting(n -> n.path("name").asText()).containsExactly("second", "bootstrap admin key");
        assertThat(list.path("data").get(0).has("value")).isFalse();

        assertThat(call("POST", "/organization/admin_api_keys", org.adminKey().reveal(),
                "{\"name\":\"x\",\"expires_in_seconds\":0}").status()).isEqualTo(400);
    }

    @Test
    void authenticationFollowsTheRealRules() throws IOException {
        String path = "/organization/projects/" + project.id();

        Answer none = call("GET", path, null, null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.body().path("error").path("message").asText()).startsWith("You didn't provide an API key");

        String unknown = "sk-admin-unknownKEYvalue0123456789abcdefWXYZ";
        Answer wrong = call("GET", path, unknown, null);
        assertThat(wrong.status()).isEqualTo(401);
        JsonNode error = wrong.body().path("error");
        assertThat(error.path("code").asText()).isEqualTo("invalid_api_key");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.has("param") && error.path("param").isNull()).isTrue();
        assertThat(error.path("message").asText()).startsWith("Incorrect API key provided: sk-admin-***").contains("WXYZ")
                .doesNotContain("unknownKEYvalue");

        String projectKey = admin("POST", path + "/service_accounts").body().path("api_key").path("value").asText();
        assertThat(call("GET", path, projectKey, null).status()).isEqualTo(401);

        org.deleteAdminKey(org.adminKeyId());
        assertThat(admin("GET", path).body().path("error").path("code").asText()).isEqualTo("invalid_api_key");
    }

    @Test
    void anotherOrganizationsProjectIsUnknown() throws IOException {
        FakeOrganization other = openai.createOrganization();

        Answer a = call("GET", "/organization/projects/" + project.id(), other.adminKey().reveal(), null);

        assertThat(a.status()).isEqualTo(404);
        assertThat(a.body().path("error").path("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void everyAnswerCarriesARequestId() throws IOException {
        assertThat(admin("GET", "/organization/projects/" + project.id()).header("x-request-id")).startsWith("req_");
        assertThat(call("GET", "/organization/projects/x", null, null).header("x-request-id")).startsWith("req_");
        assertThat(admin("GET", "/nonsense").header("x-request-id")).startsWith("req_");
        openai.inject(Endpoint.GET_PROJECT, Fault.status(502).withHtmlBody());
        assertThat(admin("GET", "/organization/projects/" + project.id()).header("x-request-id")).startsWith("req_");
    }

    @Test
    void disconnectAfterProcessingReallyCreatesFirst() {
        openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.disconnectAfterProcessing());

        assertThatThrownBy(() -> admin("POST", "/organization/projects/" + project.id() + "/service_accounts"))
                .isInstanceOf(IOException.class);

        assertThat(openai.liveServiceAccounts(project.id())).hasSize(1);
        assertThat(openai.callLog()).singleElement().satisfies(c -> {
            assertThat(c.dropped()).isTrue();
            assertThat(c.status()).isEqualTo(200);
        });
    }

    @Test
    void aPlainDisconnectDoesNothing() {
        openai.inject("POST", "/organization/projects/*/service_accounts", Fault.disconnect());

        assertThatThrownBy(() -> admin("POST", "/organization/projects/" + project.id() + "/service_accounts"))
                .isInstanceOf(IOException.class);

        assertThat(openai.liveServiceAccounts(project.id())).isEmpty();
    }

    @Test
    void faultsApplyToTheNextNCallsOnly() throws IOException {
        openai.inject(Endpoint.GET_PROJECT, Fault.status(503).withRetryAfterSeconds(2).times(2));
        String path = "/organization/projects/" + project.id();

        Answer first = admin("GET", path);
        assertThat(first.status()).isEqualTo(503);
        assertThat(first.header("retry-after")).isEqualTo("2");
        assertThat(first.body().path("error").path("type").asText()).isEqualTo("server_error");
        assertThat(admin("GET", path).status()).isEqualTo(503);
        assertThat(admin("GET", path).status()).isEqualTo(200);
        assertThat(admin("GET", "/organization/admin_api_keys").status()).isEqualTo(200);
    }

    @Test
    void tokenBucketAnswers429WithRetryAfterFromTheBucket() throws IOException {
        openai.rateLimit(0.5, 2);
        String path = "/organization/projects/" + project.id();

        assertThat(admin("GET", path).status()).isEqualTo(200);
        assertThat(admin("GET", path).status()).isEqualTo(200);
        Answer limited = admin("GET", path);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("retry-after")).isEqualTo("2");
        assertThat(limited.header("retry-after-ms")).isEqualTo("2000");
        assertThat(limited.body().path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");

        time.advance(Duration.ofMillis(1500));
        assertThat(admin("GET", path).header("retry-after-ms")).isEqualTo("500");
        time.advance(Duration.ofMillis(500));
        assertThat(admin("GET", path).status()).isEqualTo(200);
    }

    @Test
    void callLogCountsPerEndpoint() throws IOException {
        admin("GET", "/organization/projects/" + project.id());
        admin("POST", "/organization/projects/" + project.id() + "/service_accounts");
        admin("POST", "/organization/projects/" + project.id() + "/service_accounts");
        admin("GET", "/nonsense");

        assertThat(openai.calls(Endpoint.CREATE_SERVICE_ACCOUNT)).isEqualTo(2);
        assertThat(openai.calls("POST /organization/projects/{p}/service_accounts")).isEqualTo(2);
        assertThat(openai.calls("GET /organization/projects/{p}")).isEqualTo(1);
        assertThat(openai.callCounts()).containsEntry("GET /nonsense", 1)
                .containsEntry(Endpoint.CREATE_SERVICE_ACCOUNT.key(), 2);
        assertThat(openai.callLog()).extracting(Call::path).contains("/organization/projects/" + project.id());

        openai.resetCallLog();
        assertThat(openai.callLog()).isEmpty();
    }

    @Test
    void servesManyConcurrentCreates() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<Answer>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                answers.add(pool.submit(() -> admin("POST", "/organization/projects/" + project.id() + "/service_accounts")));
            }
            for (Future<Answer> a : answers) {
                assertThat(a.get().status()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(openai.liveServiceAccounts(project.id())).hasSize(200)
                .extracting(FakeServiceAccount::id).doesNotHaveDuplicates();
        assertThat(openai.calls(Endpoint.CREATE_SERVICE_ACCOUNT)).isEqualTo(200);
    }

    @Test
    void latencyIsAddedInRealTime() throws IOException {
        openai.latency(Endpoint.GET_PROJECT, Duration.ofMillis(200));
        long start = System.nanoTime();

        admin("GET", "/organization/projects/" + project.id());

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }
}
