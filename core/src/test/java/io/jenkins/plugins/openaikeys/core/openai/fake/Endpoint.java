package io.jenkins.plugins.openaikeys.core.openai.fake;

/**
 * The endpoints {@link FakeOpenAi} serves (the Admin API, its usage reports, and two model
 * endpoints a build can call with its key); the key of fault injection and of the call log.
 */
public enum Endpoint {
    GET_PROJECT("GET", "/organization/projects/{project_id}"),
    CREATE_SERVICE_ACCOUNT("POST", "/organization/projects/{project_id}/service_accounts"),
    LIST_SERVICE_ACCOUNTS("GET", "/organization/projects/{project_id}/service_accounts"),
    DELETE_SERVICE_ACCOUNT("DELETE", "/organization/projects/{project_id}/service_accounts/{service_account_id}"),
    CREATE_ADMIN_KEY("POST", "/organization/admin_api_keys"),
    LIST_ADMIN_KEYS("GET", "/organization/admin_api_keys"),
    DELETE_ADMIN_KEY("DELETE", "/organization/admin_api_keys/{key_id}"),
    /** Usage of one kind (completions, embeddings, …): admin key. */
    USAGE("GET", "/organization/usage/{kind}"),
    /** Costs by day: admin key. */
    COSTS("GET", "/organization/costs"),
    /** A model call: a project (service-account) key, not an admin key. */
    CHAT_COMPLETIONS("POST", "/chat/completions"),
    /** A model call: a project (service-account) key, not an admin key. */
    EMBEDDINGS("POST", "/embeddings");

    private final String method;
    private final String template;
    private final PathPattern pattern;

    Endpoint(String method, String template) {
        this.method = method;
        this.template = template;
        this.pattern = PathPattern.of(template);
    }

    public String method() {
        return method;
    }

    public String template() {
        return template;
    }

    /** Whether a project key (a build's key) calls it, rather than an admin key. */
    boolean isModelCall() {
        return this == CHAT_COMPLETIONS || this == EMBEDDINGS;
    }

    /** "POST /organization/projects/{project_id}/service_accounts". */
    public String key() {
        return method + " " + template;
    }

    /** The endpoint a request goes to, or null for a path the Admin API does not have. */
    static Endpoint match(String method, String path) {
        for (Endpoint e : values()) {
            if (e.method.equals(method) && e.pattern.matches(path)) {
                return e;
            }
        }
        return null;
    }
}
