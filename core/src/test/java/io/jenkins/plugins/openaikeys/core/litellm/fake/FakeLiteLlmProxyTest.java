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
}
