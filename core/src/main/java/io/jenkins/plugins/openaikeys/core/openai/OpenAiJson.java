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
