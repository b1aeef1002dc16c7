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
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The fake's model endpoints and usage reports are as strict as the OpenAPI document. */
class FakeUsageApiTest {

    private final FakeTime time = new FakeTime(Instant.parse("2026-11-22T12:00:00Z"));
    private final FakeOpenAi openai = FakeOpenAi.start(time);
    private final FakeOrganization org = openai.createOrganization("acme");
    private final FakeProject project = org.createProject("evals");
    private final FakeServiceAccount account = project.addServiceAccount("build-1");
    private final OkHttpClient http = new OkHttpClient();
    private final ObjectMapper mapper = new ObjectMapper();
    private final long t0 = time.instant().getEpochSecond();

    @AfterEach
    void close() {
        openai.close();
    }

    private record Answer(int status, JsonNode body) {
    }

    private Answer call(String method, String path, String bearer, String json) throws IOException {
        Request.Builder r = new Request.Builder().url(openai.baseUrl() + path);
        if (bearer != null) {
            r.header("Authorization", "Bearer " + bearer);
        }
        r.method(method, json == null ? null : RequestBody.create(json, MediaType.get("application/json")));
        try (Response response = http.newCall(r.build()).execute()) {
            return new Answer(response.code(), mapper.readTree(response.body().string()));
        }
    }

    private Answer chat(String bearer, String model, String content) throws IOException {
        return call("POST", "/chat/completions", bearer,
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}");
    }

    private Answer usage(String query) throws IOException {
        return call("GET", "/organization/usage/completions?" + query, org.adminKey().reveal(), null);
    }

    @Test
    void aChatCompletionAnswersWithDeterministicUsage() throws IOException {
        Answer a = chat(account.keyValue().reveal(), "gpt-4o-mini", "count these four words");

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body().path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(a.body().path("object").asText()).isEqualTo("chat.completion");
        assertThat(a.body().at("/usage/prompt_tokens").asLong()).isEqualTo(4);
        assertThat(a.body().at("/usage/completion_tokens").asLong()).isEqualTo(9);
        assertThat(a.body().at("/usage/prompt_tokens_details/cached_tokens").asLong()).isZero();
        assertThat(chat(account.keyValue().reveal(), "gpt-4o-mini", "count these four words").body()
                .at("/usage/prompt_tokens_details/cached_tokens").asLong()).as("a repeat is cached").isEqualTo(4);
        assertThat(openai.usageEvents()).hasSize(2);
    }

    @Test
    void onlyALiveProjectKeyMayCallAModel() throws IOException {
        assertThat(chat(org.adminKey().reveal(), "gpt-4o-mini", "x").status()).isEqualTo(401);
        assertThat(call("POST", "/chat/completions", null, "{}").status()).isEqualTo(401);
        assertThat(chat(account.keyValue().reveal(), "", "x").status()).isEqualTo(400);
        assertThat(call("DELETE", "/organization/projects/" + project.id() + "/service_accounts/" + account.id(),
                org.adminKey().reveal(), null).status()).isEqualTo(200);
        Answer revoked = chat(account.keyValue().reveal(), "gpt-4o-mini", "x");
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.body().at("/error/code").asText()).isEqualTo("invalid_api_key");
        assertThat(openai.usageEvents()).isEmpty();
    }

    @Test
    void usageShowsWhatWasUsedAfterTheLagInAlignedBuckets() throws IOException {
        openai.usageLag(Duration.ofMinutes(2));
        chat(account.keyValue().reveal(), "gpt-4o-mini", "a b c");
        String q = "start_time=" + t0 + "&end_time=" + (t0 + 180) + "&bucket_width=1m&group_by=api_key_id"
                + "&group_by=model&api_key_ids=" + account.keyId();

        Answer early = usage(q);
        assertThat(early.status()).isEqualTo(200);
        assertThat(early.body().path("data")).hasSize(3);
        assertThat(early.body().at("/data/0/results")).isEmpty();

        time.advance(Duration.ofMinutes(2));
        Answer later = usage(q);
        JsonNode r = later.body().at("/data/0/results/0");
        assertThat(later.body().path("object").asText()).isEqualTo("page");
        assertThat(later.body().at("/data/0/start_time").asLong()).isEqualTo(t0);
        assertThat(later.body().at("/data/0/end_time").asLong()).isEqualTo(t0 + 60);
        assertThat(r.path("object").asText()).isEqualTo("organization.usage.completions.result");
        assertThat(r.path("api_key_id").asText()).isEqualTo(account.keyId());
        assertThat(r.path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(r.path("project_id").isNull()).as("not grouped by project").isTrue();
        assertThat(r.path("num_model_requests").asLong()).isEqualTo(1);
        assertThat(r.path("input_tokens").asLong()).isEqualTo(3);
        assertThat(r.path("output_tokens").asLong()).isEqualTo(9);
        assertThat(usage(q.replace(account.keyId(), "key_other")).body().at("/data/0/results")).isEmpty();
    }

    @Test
    void usagePagesByNextPage() throws IOException {
        String q = "start_time=" + t0 + "&end_time=" + (t0 + 300) + "&bucket_width=1m&limit=2";
        Answer p1 = usage(q);
        assertThat(p1.body().path("data")).hasSize(2);
        assertThat(p1.body().path("has_more").asBoolean()).isTrue();
        Answer p2 = usage(q + "&page=" + p1.body().path("next_page").asText());
        Answer p3 = usage(q + "&page=" + p2.body().path("next_page").asText());
        assertThat(p3.body().path("data")).hasSize(1);
        assertThat(p3.body().path("has_more").asBoolean()).isFalse();
        assertThat(p3.body().path("next_page").isNull()).isTrue();
        assertThat(usage(q + "&page=bogus").status()).isEqualTo(400);
    }

    @Test
    void usageRefusesWhatTheDocumentDoesNotAllow() throws IOException {
        assertThat(usage("bucket_width=1m").status()).as("start_time is required").isEqualTo(400);
        assertThat(usage("start_time=" + t0 + "&bucket_width=2m").status()).isEqualTo(400);
        assertThat(usage("start_time=" + t0 + "&bucket_width=1m&limit=1441").status()).isEqualTo(400);
        assertThat(usage("start_time=" + t0 + "&bucket_width=1d&limit=32").status()).isEqualTo(400);
        assertThat(usage("start_time=" + t0 + "&group_by=line_item").status()).isEqualTo(400);
        assertThat(usage("start_time=" + t0 + "&end_time=" + t0).status()).isEqualTo(400);
        assertThat(call("GET", "/organization/usage/tokens?start_time=" + t0, org.adminKey().reveal(), null).status())
                .isEqualTo(404);
        assertThat(call("GET", "/organization/usage/completions?start_time=" + t0, account.keyValue().reveal(), null)
                .status()).as("a project key").isEqualTo(401);
        openai.denyUsage(org, true);
        assertThat(usage("start_time=" + t0).status()).isEqualTo(403);
    }

    @Test
    void costsAreDailyPerProjectLineItemAndKeyAtTheConfiguredPrices() throws IOException {
        openai.price("gpt-4o-mini", 1_000_000.0, 2_000_000.0); // 1 $ per input token, 2 $ per output token
        chat(account.keyValue().reveal(), "gpt-4o-mini", "a b c");
        long day = t0 - Math.floorMod(t0, 86400);

        Answer a = call("GET", "/organization/costs?start_time=" + day + "&group_by=line_item&group_by=api_key_id",
                org.adminKey().reveal(), null);

        assertThat(a.status()).isEqualTo(200);
        JsonNode results = a.body().at("/data/0/results");
        assertThat(results).hasSize(2);
        assertThat(results.get(0).path("line_item").asText()).isEqualTo("gpt-4o-mini, input");
        assertThat(results.get(0).at("/amount/value").asDouble()).isEqualTo(3.0);
        assertThat(results.get(1).at("/amount/value").asDouble()).isEqualTo(18.0);
        assertThat(results.get(1).path("api_key_id").asText()).isEqualTo(account.keyId());
        assertThat(call("GET", "/organization/costs?start_time=" + day + "&bucket_width=1h", org.adminKey().reveal(),
                null).status()).isEqualTo(400);
    }
}
