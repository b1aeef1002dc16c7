package io.jenkins.plugins.openaikeys.core.vault;

import java.util.Map;

/**
 * One Vault API call, described before it is sent: the verb, the path under {@code /v1/},
 * an optional query and JSON body, the words used for it in error messages, and whether a
 * 5xx or a dropped connection may be replayed (false for calls that are not idempotent).
 */
record VaultRequest(String method, String path, Map<String, String> query, Object body,
                    String operation, boolean replayable) {

    VaultRequest {
        query = query == null ? Map.of() : Map.copyOf(query);
    }

    static VaultRequest get(String path, String operation) {
        return new VaultRequest("GET", path, Map.of(), null, operation, true);
    }

    static VaultRequest get(String path, Map<String, String> query, String operation) {
        return new VaultRequest("GET", path, query, null, operation, true);
    }

    static VaultRequest post(String path, Object body, String operation) {
        return new VaultRequest("POST", path, Map.of(), body, operation, true);
    }

    static VaultRequest put(String path, Object body, String operation) {
        return new VaultRequest("PUT", path, Map.of(), body, operation, true);
    }

    VaultRequest notReplayable() {
        return new VaultRequest(method, path, query, body, operation, false);
    }

    @Override
    public String toString() {
        return method + " " + path; // the body may hold secrets
    }
}
