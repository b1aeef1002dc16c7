package io.jenkins.plugins.openaikeys.core.openai.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two model endpoints a build can call with the key it holds: {@code POST /chat/completions}
 * (a canned answer) and {@code POST /embeddings} (a tiny vector). Token counts are
 * deterministic so tests can predict the usage: input = the words of every message's text (or
 * of every input string), output = the words of {@link #ANSWER}, cut to {@code max_tokens} /
 * {@code max_completion_tokens}; a prompt the same key already sent to the same model counts as
 * cached in full. Every call is recorded for the usage API ({@link FakeUsageEvent}).
 */
final class FakeModelApi {

    /** What every chat completion answers: 9 output tokens. */
    static final String ANSWER = "This is a canned answer from the fake OpenAI.";

    private final FakeState state;
    private final ObjectMapper mapper = new ObjectMapper();

    FakeModelApi(FakeState state) {
        this.state = state;
    }

    Reply chat(FakeServiceAccount key, String body) {
        JsonNode req = parse(body);
        if (req == null) {
            return Reply.invalidRequest(400, "We could not parse the JSON body of your request.");
        }
        if (!req.path("model").isTextual() || req.path("model").asText().isBlank()) {
            return Reply.invalidRequest(400, "you must provide a model parameter");
        }
        JsonNode messages = req.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            return Reply.invalidRequest(400, "Invalid 'messages': empty array. Expected an array with minimum"
                    + " length 1.");
        }
        StringBuilder prompt = new StringBuilder();
        for (JsonNode m : messages) {
            JsonNode content = m.path("content");
            if (content.isTextual()) {
                prompt.append(content.asText()).append('\n');
            } else if (content.isArray()) {
                for (JsonNode part : content) {
                    prompt.append(part.path("text").asText("")).append('\n');
                }
            }
        }
        String model = req.get("model").asText();
        long input = words(prompt.toString());
        JsonNode maxNode = req.has("max_completion_tokens") ? req.get("max_completion_tokens") : req.get("max_tokens");
        long answerWords = words(ANSWER);
        long output = maxNode != null && maxNode.canConvertToLong() ? Math.min(answerWords, maxNode.asLong())
                : answerWords;
        FakeUsageEvent e = state.recordUsage(key, "completions", model, prompt.toString(), input, output);
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", "assistant");
        message.put("content", String.join(" ", List.of(ANSWER.split(" ")).subList(0, (int) output)));
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("message", message);
        choice.put("finish_reason", output < answerWords ? "length" : "stop");
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("cached_tokens", e.cachedInputTokens());
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("prompt_tokens", input);
        usage.put("completion_tokens", output);
        usage.put("total_tokens", input + output);
        usage.put("prompt_tokens_details", details);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", "chatcmpl-" + FakeIds.requestId().substring(4));
        out.put("object", "chat.completion");
        out.put("created", state.now());
        out.put("model", model);
        out.put("choices", List.of(choice));
        out.put("usage", usage);
        return Reply.ok(out);
    }

    Reply embeddings(FakeServiceAccount key, String body) {
        JsonNode req = parse(body);
        if (req == null) {
            return Reply.invalidRequest(400, "We could not parse the JSON body of your request.");
        }
        if (!req.path("model").isTextual() || req.path("model").asText().isBlank()) {
            return Reply.invalidRequest(400, "you must provide a model parameter");
        }
        List<String> inputs = new ArrayList<>();
        JsonNode in = req.path("input");
        if (in.isTextual()) {
            inputs.add(in.asText());
        } else if (in.isArray()) {
            in.forEach(i -> inputs.add(i.asText("")));
        }
        if (inputs.isEmpty()) {
            return Reply.invalidRequest(400, "'input' is a required property");
        }
        long tokens = inputs.stream().mapToLong(FakeModelApi::words).sum();
        String model = req.get("model").asText();
        state.recordUsage(key, "embeddings", model, String.join("\n", inputs), tokens, 0);
        List<Map<String, Object>> data = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("object", "embedding");
            d.put("index", i);
            d.put("embedding", List.of(0.0, 0.5, 1.0));
            data.add(d);
        }
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("prompt_tokens", tokens);
        usage.put("total_tokens", tokens);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("object", "list");
        out.put("data", data);
        out.put("model", model);
        out.put("usage", usage);
        return Reply.ok(out);
    }

    /** The fake's tokenizer: whitespace-separated words. */
    static long words(String text) {
        String t = text.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    private JsonNode parse(String body) {
        try {
            JsonNode n = body == null || body.isBlank() ? null : mapper.readTree(body);
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }
}
