package io.jenkins.plugins.openaikeys.core.openai.fake;

import java.util.LinkedHashMap;
import java.util.Map;

/** An answer of the fake before it becomes a MockResponse: status, JSON body, extra headers. */
record Reply(int status, Map<String, Object> body, Map<String, String> headers) {

    static Reply ok(Map<String, Object> body) {
        return new Reply(200, body, Map.of());
    }

    /** OpenAI's error envelope {@code {"error":{"message","type","param","code"}}}. */
    static Reply error(int status, String message, String type, String code) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", null);
        error.put("code", code);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        return new Reply(status, body, Map.of());
    }

    static Reply invalidRequest(int status, String message) {
        return error(status, message, "invalid_request_error", null);
    }

    Reply withHeaders(Map<String, String> extra) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putAll(extra);
        return new Reply(status, body, all);
    }
}
