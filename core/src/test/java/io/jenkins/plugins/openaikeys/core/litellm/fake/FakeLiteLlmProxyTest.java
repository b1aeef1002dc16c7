package io.jenkins.plugins.openaikeys.core.litellm.fake;

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

import static org.assertj.core.api.Assertions.assertThat;

/** The fake LiteLLM proxy is as strict as the real one where the plugin could get it wrong. */
class FakeLiteLlmProxyTest {

    private static final MediaType JSON = MediaType.get("application/json");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final FakeTime time = new FakeTime();
    private final FakeLiteLlmProxy proxy = FakeLiteLlmProxy.start(time);
    private final OkHttpClient http = new OkHttpClient();

    @AfterEach
    void close() {
        proxy.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    private record Answer(int status, JsonNode body) {
    }

    private Answer call(String method, String path, String bearer, String json) throws IOException {
        Request.Builder b = new Request.Builder().url(proxy.baseUrl() + path)
                .method(method, json == null ? null : RequestBody.create(json, JSON));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        try (Response r = http.newCall(b.build()).execute()) {
            String text = r.body() == null ? "" : r.body().string();
            return new Answer(r.code(), text.isBlank() ? null : MAPPER.readTree(text));
        }
    }

    private Answer admin(String method, String path, String json) throws IOException {
        return call(method, path, proxy.masterKey().reveal(), json);
    }

    @Test
    void theKeyApiWantsTheMasterKey() throws IOException {
        assertThat(call("GET", "/key/list", null, null).status()).isEqualTo(401);
        Answer wrong = call("GET", "/key/list", "sk-wrong-1234567890", null);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body().path("error").path("message").asText()).contains("Invalid proxy server token");
        assertThat(admin("GET", "/key/list", null).status()).isEqualTo(200);
    }

    @Test
    void generateReturnsThePlaintextOnceAndTheHashEverywhereElse() throws IOException {
        Answer g = admin("POST", "/key/generate", "{\"key_alias\":\"jk-a-1\",\"duration\":\"60s\","
                + "\"models\":[\"gpt-4o\"],\"max_budget\":2.5}");
        assertThat(g.status()).isEqualTo(200);
        String key = g.body().path("key").asText();
        String token = g.body().path("token_id").asText();
        assertThat(key).startsWith("sk-");
        assertThat(token).isEqualTo(FakeLiteLlmProxy.sha256(key));
        Answer list = admin("GET", "/key/list?return_full_object=true&key_alias=jk-a-1", null);
        assertThat(list.body().path("keys").get(0).path("token").asText()).isEqualTo(token);
        assertThat(list.body().toString()).doesNotContain(key);
        assertThat(call("GET", "/v1/models", key, null).status()).isEqualTo(200);
    }

    @Test
    void aliasesAreUniqueAndDurationsNeedAUnit() throws IOException {
        assertThat(admin("POST", "/key/generate", "{\"key_alias\":\"jk-a-1\"}").status()).isEqualTo(200);
        Answer dup = admin("POST", "/key/generate", "{\"key_alias\":\"jk-a-1\"}");
        assertThat(dup.status()).isEqualTo(400);
        assertThat(dup.body().path("error").path("message").asText()).contains("already exists");
        Answer bare = admin("POST", "/key/generate", "{\"key_alias\":\"jk-a-2\",\"duration\":\"60\"}");
        assertThat(bare.status()).isEqualTo(500);
        assertThat(bare.body().path("error").path("message").asText()).startsWith("Unsupported duration unit");
        assertThat(admin("POST", "/key/generate", "{\"models\":\"gpt-4o\"}").status()).isEqualTo(422);
        assertThat(admin("POST", "/key/generate", "{\"max_budget\":\"lots\"}").status()).isEqualTo(422);
    }

    @Test
    void deletingNothingIs404AndListPagesAreAtMost100() throws IOException {
        Answer none = admin("POST", "/key/delete", "{\"key_aliases\":[\"nope\"]}");
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.body().path("error").path("message").asText()).contains("No keys found");
        assertThat(admin("GET", "/key/list?size=101", null).status()).isEqualTo(422);
    }

    @Test
    void anExpiredKeyStaysListedButNoLongerAuthenticates() throws IOException {
        String key = admin("POST", "/key/generate", "{\"key_alias\":\"jk-a-1\",\"duration\":\"1m\"}").body()
                .path("key").asText();
        time.advance(Duration.ofMinutes(2));
        Answer models = call("GET", "/v1/models", key, null);
        assertThat(models.status()).isEqualTo(401);
        assertThat(models.body().path("error").path("message").asText()).contains("Expired Key");
        assertThat(proxy.keys()).hasSize(1);
        assertThat(proxy.liveKeys()).isEmpty();
        assertThat(admin("POST", "/key/delete", "{\"key_aliases\":[\"jk-a-1\"]}").status()).isEqualTo(200);
        assertThat(proxy.keys()).isEmpty();
    }

    // Each test below pins one behaviour of LiteLLM 1.95 as read in its OpenAPI document and
    // key_management_endpoints.py (docs/getting-started-litellm.md, "The proxy's key API, as verified").

    @Test
    void generateAnswersTheHashAsTokenAndTokenIdAndNoDuration() throws IOException {
        Answer g = admin("POST", "/key/generate", "{\"key_alias\":\"jk-a-1\",\"duration\":\"1h\",\"max_budget\":5}");
        assertThat(g.status()).isEqualTo(200);
        assertThat(g.body().path("token").asText()).isEqualTo(g.body().path("token_id").asText())
                .isEqualTo(FakeLiteLlmProxy.sha256(g.body().path("key").asText()));
        assertThat(g.body().path("max_budget").isDouble()).isTrue();
        assertThat(g.body().path("max_budget").asDouble()).isEqualTo(5.0);
        assertThat(g.body().get("duration").isNull()).isTrue();
        assertThat(g.body().path("key_name").asText()).startsWith("sk-...").hasSize(10);
        assertThat(g.body().path("expires").asText()).startsWith(time.instant().plusSeconds(3600).toString()
                .substring(0, 19));
    }

    @Test
    void durationsAreParsedLikeDurationInSeconds() throws IOException {
        assertThat(admin("POST", "/key/generate", "{\"key_alias\":\"m1\",\"duration\":\"2mo\"}").status())
                .isEqualTo(200);
        assertThat(proxy.keys().get(0).expires()).isEqualTo(time.instant().atZone(java.time.ZoneOffset.UTC)
                .plusMonths(2).toInstant());
        // re.match takes a prefix: "30sx" is 30 seconds.
        assertThat(admin("POST", "/key/generate", "{\"key_alias\":\"p1\",\"duration\":\"30sx\"}").status())
                .isEqualTo(200);
        assertThat(proxy.byAlias("p1").expires()).isEqualTo(time.instant().plusSeconds(30));
        Answer bad = admin("POST", "/key/generate", "{\"key_alias\":\"b1\",\"duration\":\"1.5h\"}");
        assertThat(bad.status()).isEqualTo(500);
        assertThat(bad.body().path("error").path("message").asText()).isEqualTo("Unsupported duration unit, passed"
                + " duration: 1.5h");
        Answer none = admin("POST", "/key/generate", "{\"key_alias\":\"n1\",\"duration\":\"h1\"}");
        assertThat(none.status()).isEqualTo(500);
        assertThat(none.body().path("error").path("message").asText()).isEqualTo("Invalid duration format");
        Answer number = admin("POST", "/key/generate", "{\"key_alias\":\"x1\",\"duration\":3600}");
        assertThat(number.status()).isEqualTo(422);
        assertThat(number.body().path("detail").get(0).path("type").asText()).isEqualTo("string_type");
        assertThat(proxy.byAlias("b1")).isNull();
        assertThat(proxy.byAlias("x1")).isNull();
    }

    @Test
    void maxBudgetIsALaxFloatThatMustNotBeNegative() throws IOException {
        assertThat(admin("POST", "/key/generate", "{\"key_alias\":\"s1\",\"max_budget\":\"2.5\"}").status())
                .isEqualTo(200);
        assertThat(proxy.byAlias("s1").maxBudget()).isEqualByComparingTo("2.5");
        Answer negative = admin("POST", "/key/generate", "{\"key_alias\":\"n1\",\"max_budget\":-1}");
        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.body().path("error").path("message").asText())
                .isEqualTo("{'error': 'max_budget cannot be negative. Received: -1.0'}");
        Answer words = admin("POST", "/key/generate", "{\"max_budget\":\"lots\"}");
        assertThat(words.body().path("detail").get(0).path("type").asText()).isEqualTo("float_parsing");
        Answer list = admin("POST", "/key/generate", "{\"max_budget\":[1]}");
        assertThat(list.body().path("detail").get(0).path("type").asText()).isEqualTo("float_type");
        assertThat(proxy.byAlias("n1")).isNull();
    }

    @Test
    void aliasErrorsAreBadRequestsAboutKeyAlias() throws IOException {
        admin("POST", "/key/generate", "{\"key_alias\":\"jk-a-1\"}");
        JsonNode dup = admin("POST", "/key/generate", "{\"key_alias\":\"jk-a-1\"}").body().path("error");
        assertThat(dup.path("type").asText()).isEqualTo("bad_request_error");
        assertThat(dup.path("param").asText()).isEqualTo("key_alias");
        assertThat(dup.path("code").asText()).isEqualTo("400");
        Answer format = admin("POST", "/key/generate", "{\"key_alias\":\"jk a\"}");
        assertThat(format.status()).isEqualTo(400);
        assertThat(format.body().path("error").path("message").asText()).startsWith("Invalid key_alias format.");
        proxy.validateAliasFormat(false);
        assertThat(admin("POST", "/key/generate", "{\"key_alias\":\"jk a\"}").status()).isEqualTo(200);
    }

    @Test
    void aBodyThatIsNoObjectFailsFastApiValidation() throws IOException {
        Answer empty = admin("POST", "/key/generate", "");
        assertThat(empty.status()).isEqualTo(422);
        assertThat(empty.body().path("detail").get(0).path("type").asText()).isEqualTo("missing");
        Answer array = admin("POST", "/key/delete", "[]");
        assertThat(array.body().path("detail").get(0).path("type").asText()).isEqualTo("model_attributes_type");
        Answer broken = admin("POST", "/key/generate", "{\"key_alias\":");
        assertThat(broken.body().path("detail").get(0).path("type").asText()).isEqualTo("json_invalid");
    }

    @Test
    void deleteEchoesWhatWasSentAndPrefersKeysOverAliases() throws IOException {
        String key = admin("POST", "/key/generate", "{\"key_alias\":\"a1\"}").body().path("key").asText();
        admin("POST", "/key/generate", "{\"key_alias\":\"b1\"}");
        Answer some = admin("POST", "/key/delete", "{\"key_aliases\":[\"a1\",\"gone\"]}");
        assertThat(some.status()).isEqualTo(200);
        assertThat(some.body().path("deleted_keys").toString()).isEqualTo("[\"a1\",\"gone\"]");
        assertThat(proxy.byAlias("a1")).isNull();
        // keys wins: the alias list is ignored when keys is not empty.
        Answer byKey = admin("POST", "/key/delete", "{\"keys\":[\"" + key + "\"],\"key_aliases\":[\"b1\"]}");
        assertThat(byKey.status()).isEqualTo(404);
        assertThat(proxy.byAlias("b1")).isNotNull();
        Answer neither = admin("POST", "/key/delete", "{\"keys\":[],\"key_aliases\":[]}");
        assertThat(neither.status()).isEqualTo(500);
        assertThat(neither.body().path("error").path("message").asText()).isEqualTo("Invalid request type");
        JsonNode none = admin("POST", "/key/delete", "{\"key_aliases\":[\"nope\"]}").body().path("error");
        assertThat(none.path("message").asText()).isEqualTo("{'error': 'No keys found'}");
        assertThat(none.path("code").asText()).isEqualTo("404");
    }

    @Test
    void listIsNewestFirstWithFastApiBoundsAndZeroPagesWhenEmpty() throws IOException {
        JsonNode empty = admin("GET", "/key/list", null).body();
        assertThat(empty.path("total_pages").asInt(-1)).isZero();
        assertThat(empty.path("total_count").asInt(-1)).isZero();
        admin("POST", "/key/generate", "{\"key_alias\":\"first\"}");
        time.advance(Duration.ofSeconds(1));
        admin("POST", "/key/generate", "{\"key_alias\":\"second\"}");
        JsonNode page = admin("GET", "/key/list?return_full_object=yes&size=1", null).body();
        assertThat(page.path("keys").get(0).path("key_alias").asText()).isEqualTo("second");
        assertThat(page.path("total_pages").asInt()).isEqualTo(2);
        JsonNode errors = admin("GET", "/key/list?page=0&size=101&return_full_object=maybe", null).body();
        assertThat(errors.path("detail")).hasSize(3);
        assertThat(errors.path("detail").get(0).path("type").asText()).isEqualTo("greater_than_equal");
        assertThat(errors.path("detail").get(0).path("loc").toString()).isEqualTo("[\"query\",\"page\"]");
        assertThat(errors.path("detail").get(1).path("msg").asText())
                .isEqualTo("Input should be less than or equal to 100");
        assertThat(errors.path("detail").get(2).path("type").asText()).isEqualTo("bool_parsing");
        assertThat(admin("GET", "/key/list?size=abc", null).body().path("detail").get(0).path("loc").toString())
                .isEqualTo("[\"query\",\"size\"]");
    }
}
