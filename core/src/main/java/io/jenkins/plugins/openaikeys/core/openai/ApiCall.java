package io.jenkins.plugins.openaikeys.core.openai;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One Admin API request, described independently of how it is sent, so that the retrying
 * executor, the error translation and the logs all name it the same way. A request body
 * here never holds a secret (only names and expiry).
 */
final class ApiCall {

    private final String method;
    private final List<String> segments;
    private final Map<String, List<String>> query;
    private final byte[] jsonBody;
    private final String projectId;
    private final Set<Integer> acceptedStatuses;
    private final String unknownOutcomeAdvice;

    private ApiCall(String method, List<String> segments, Map<String, List<String>> query, byte[] jsonBody,
                    String projectId, Set<Integer> acceptedStatuses, String unknownOutcomeAdvice) {
        this.method = method;
        this.segments = List.copyOf(segments);
        this.query = Map.copyOf(query);
        this.jsonBody = jsonBody;
        this.projectId = projectId;
        this.acceptedStatuses = Set.copyOf(acceptedStatuses);
        this.unknownOutcomeAdvice = unknownOutcomeAdvice;
    }

    static ApiCall get(String... segments) {
        return new ApiCall("GET", List.of(segments), Map.of(), null, null, Set.of(), null);
    }

    static ApiCall post(byte[] jsonBody, String... segments) {
        return new ApiCall("POST", List.of(segments), Map.of(), jsonBody, null, Set.of(), null);
    }

    static ApiCall delete(String... segments) {
        return new ApiCall("DELETE", List.of(segments), Map.of(), null, null, Set.of(), null);
    }

    /** Names the project the call is about, so a 404 can say "check the role's project id". */
    ApiCall aboutProject(String project) {
        return new ApiCall(method, segments, query, jsonBody, project, acceptedStatuses, unknownOutcomeAdvice);
    }

    /** A non-2xx status the caller handles itself (e.g. 404 on delete = already gone). */
    ApiCall accepting(int status) {
        return new ApiCall(method, segments, query, jsonBody, projectId, Set.of(status), unknownOutcomeAdvice);
    }

    /**
     * Marks a call that must not be repeated once it may have reached OpenAI (a create
     * without idempotency key); {@code advice} tells the user how to clean up by hand.
     */
    ApiCall notRepeatable(String advice) {
        return new ApiCall(method, segments, query, jsonBody, projectId, acceptedStatuses, advice);
    }

    /** The clean-up advice of a call that must not be repeated, null for repeatable calls. */
    String unknownOutcomeAdvice() {
        return unknownOutcomeAdvice;
    }

    ApiCall withQuery(String name, String value) {
        return withQueryValues(name, List.of(value));
    }

    /** A parameter given once per value ({@code group_by=api_key_id&group_by=model}), as OpenAPI's exploded arrays are. */
    ApiCall withQueryValues(String name, List<String> values) {
        Map<String, List<String>> q = new LinkedHashMap<>(query);
        q.put(name, List.copyOf(values));
        return new ApiCall(method, segments, q, jsonBody, projectId, acceptedStatuses, unknownOutcomeAdvice);
    }

    String method() {
        return method;
    }

    List<String> segments() {
        return segments;
    }

    Map<String, List<String>> query() {
        return query;
    }

    byte[] jsonBody() {
        return jsonBody;
    }

    String projectId() {
        return projectId;
    }

    boolean accepts(int status) {
        return acceptedStatuses.contains(status);
    }

    /** "POST /organization/projects/proj_1/service_accounts": ids only, safe for messages. */
    String describe() {
        return method + " /" + String.join("/", segments);
    }
}
