package io.jenkins.plugins.openaikeys.core.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.openaikeys.core.SecretString;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Maps Admin API JSON to our records and back. Parse failures become one-sentence
 * {@link OpenAiException}s without the body and without Jackson's exception attached:
 * Jackson quotes the offending input, and the input may be a key.
 */
final class OpenAiJson {

    private final ObjectMapper mapper = mapper();
    private final OpenAiErrors errors;

    OpenAiJson(OpenAiErrors errors) {
        this.errors = errors;
    }

    /** A strict mapper that never quotes its input in an exception message. */
    static ObjectMapper mapper() {
        return new ObjectMapper(JsonFactory.builder()
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .build())
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    byte[] nameBody(String name, Long expiresInSeconds) {
        ObjectNode body = mapper.createObjectNode().put("name", name);
        if (expiresInSeconds != null) {
            body.put("expires_in_seconds", expiresInSeconds);
        }
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a request body", e);
        }
    }

    Project project(ApiCall call, RawResponse r) {
        JsonNode n = tree(call, r);
        return new Project(text(call, r, n, "id"), optText(n, "name"), optText(n, "status"), optLong(n, "archived_at"));
    }

    CreatedServiceAccount createdServiceAccount(ApiCall call, RawResponse r) {
        JsonNode n = tree(call, r);
        JsonNode key = n.path("api_key");
        String value = text(call, r, key, "value", "api_key.value");
        return new CreatedServiceAccount(serviceAccount(call, r, n), text(call, r, key, "id", "api_key.id"),
                SecretString.of(value));
    }

    Page<ServiceAccount> serviceAccountPage(ApiCall call, RawResponse r) {
        return page(call, r, item -> serviceAccount(call, r, item));
    }

    CreatedAdminKey createdAdminKey(ApiCall call, RawResponse r) {
        JsonNode n = tree(call, r);
        String value = text(call, r, n, "value");
        return new CreatedAdminKey(adminKey(call, r, n), SecretString.of(value));
    }

    Page<AdminKey> adminKeyPage(ApiCall call, RawResponse r) {
        return page(call, r, item -> adminKey(call, r, item));
    }

    private <T> Page<T> page(ApiCall call, RawResponse r, Function<JsonNode, T> item) {
        JsonNode n = tree(call, r);
        JsonNode data = n.path("data");
        if (!data.isArray()) {
            throw errors.malformed(call, r, "a list without a data array");
        }
        List<T> items = new ArrayList<>();
        data.forEach(i -> items.add(item.apply(i)));
        return new Page<>(items, n.path("has_more").asBoolean(false), optText(n, "last_id"));
    }

    private ServiceAccount serviceAccount(ApiCall call, RawResponse r, JsonNode n) {
        return new ServiceAccount(text(call, r, n, "id"), optText(n, "name"), optText(n, "role"),
                n.path("created_at").asLong(0));
    }

    private AdminKey adminKey(ApiCall call, RawResponse r, JsonNode n) {
        return new AdminKey(text(call, r, n, "id"), optText(n, "name"), optText(n, "redacted_value"),
                n.path("created_at").asLong(0), optLong(n, "expires_at"));
    }

    /**
     * A usage page: {@code object: page}, {@code data[]} of buckets with {@code start_time},
     * {@code end_time}, {@code results[]}; {@code has_more}, {@code next_page}. Results of
     * other kinds than token usage are read as zeros.
     */
    UsagePage usagePage(ApiCall call, RawResponse r) {
        JsonNode n = tree(call, r);
        JsonNode data = n.path("data");
        if (!"page".equals(optText(n, "object")) || !data.isArray() || !n.path("has_more").isBoolean()) {
            throw errors.malformed(call, r, "an answer that is not a usage page");
        }
        List<UsageBucket> buckets = new ArrayList<>();
        for (JsonNode b : data) {
            JsonNode results = b.path("results");
            if (!b.path("start_time").isIntegralNumber() || !b.path("end_time").isIntegralNumber()
                    || !results.isArray()) {
                throw errors.malformed(call, r, "a usage bucket without start_time, end_time or results");
            }
            List<UsageResult> out = new ArrayList<>();
            for (JsonNode x : results) {
                if (!x.path("num_model_requests").isIntegralNumber() || !x.path("input_tokens").isIntegralNumber()) {
                    throw errors.malformed(call, r, "a usage result without num_model_requests or input_tokens");
                }
                out.add(new UsageResult(optText(x, "api_key_id"), optText(x, "model"), optText(x, "project_id"),
                        x.path("num_model_requests").asLong(), x.path("input_tokens").asLong(),
                        x.path("input_cached_tokens").asLong(0), x.path("output_tokens").asLong(0)));
            }
            buckets.add(new UsageBucket(b.path("start_time").asLong(), b.path("end_time").asLong(), out));
        }
        boolean hasMore = n.path("has_more").asBoolean();
        String next = optText(n, "next_page");
        if (hasMore && (next == null || next.isEmpty())) {
            throw errors.malformed(call, r, "a usage page that has more but no next_page");
        }
        return new UsagePage(buckets, hasMore, next);
    }

    private JsonNode tree(ApiCall call, RawResponse r) {
        if (r.bodyTooLarge()) {
            throw errors.tooLarge(call, r);
        }
        try {
            JsonNode n = mapper.readTree(r.body());
            if (n == null || !n.isObject()) {
                throw errors.notJson(call, r);
            }
            return n;
        } catch (IOException notJson) {
            throw errors.notJson(call, r);
        }
    }

    private String text(ApiCall call, RawResponse r, JsonNode n, String field) {
        return text(call, r, n, field, field);
    }

    private String text(ApiCall call, RawResponse r, JsonNode n, String field, String path) {
        JsonNode v = n.path(field);
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw errors.malformed(call, r, "an answer without the field " + path);
        }
        return v.asText();
    }

    private static String optText(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isTextual() ? v.asText() : null;
    }

    private static Long optLong(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isNumber() ? v.asLong() : null;
    }
}
