package io.jenkins.plugins.openaikeys.core.vault;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.openaikeys.core.vault.VaultException.Kind;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * KV version 2: versioned reads, check-and-set writes and custom metadata. okhttp rather than
 * the driver's {@code Logical}, which can neither send {@code options.cas} nor touch
 * {@code {mount}/metadata/…}.
 */
final class KvV2 {

    private final VaultSession session;

    KvV2(VaultSession session) {
        this.session = session;
    }

    KvSecret read(String mount, String path, Integer version) {
        String m = VaultPaths.clean(mount, "KV mount");
        String p = VaultPaths.clean(path, "KV path");
        String api = VaultPaths.join(m, "data", p);
        VaultRequest req = version == null ? VaultRequest.get(api, "read")
                : VaultRequest.get(api, Map.of("version", Integer.toString(version)), "read");
        JsonNode body;
        try {
            body = session.call(req);
        } catch (VaultException e) {
            if (e.kind() == Kind.NOT_FOUND) {
                throw notFound(api, version, e.status());
            }
            throw e;
        }
        JsonNode outer = body == null ? null : body.get("data");
        if (outer == null || !outer.isObject()) {
            throw VaultErrors.malformed(session.http().endpoint().address(), req, "no data object (is " + m
                    + " a KV version 2 mount?)");
        }
        JsonNode data = outer.get("data");
        JsonNode meta = outer.path("metadata");
        if (data == null || !outer.has("metadata")) {
            throw VaultErrors.malformed(session.http().endpoint().address(), req, "no data.data/metadata (is " + m
                    + " a KV version 2 mount?)");
        }
        if (data.isNull()) {
            throw notFound(api, version, 404);
        }
        if (!data.isObject() || !meta.path("version").isNumber()) {
            throw VaultErrors.malformed(session.http().endpoint().address(), req, "no data.data/metadata.version (is "
                    + m + " a KV version 2 mount?)");
        }
        return new KvSecret(m, p, meta.path("version").asInt(), strings(data), strings(meta.path("custom_metadata")));
    }

    int write(String mount, String path, Map<String, String> data, Integer cas) {
        String m = VaultPaths.clean(mount, "KV mount");
        String p = VaultPaths.clean(path, "KV path");
        Map<String, Object> body = new LinkedHashMap<>();
        if (cas != null) {
            body.put("options", Map.of("cas", cas));
        }
        body.put("data", data);
        VaultRequest req = VaultRequest.post(VaultPaths.join(m, "data", p), body, "write");
        if (cas != null) {
            // A replayed CAS write that had succeeded would report a false conflict — and a
            // rotation that believes it lost deletes the key it just stored. Never replay it.
            req = req.notReplayable();
        }
        JsonNode answer;
        try {
            answer = session.call(req);
        } catch (VaultException e) {
            if (e.kind() == Kind.CAS_MISMATCH) {
                throw new VaultException(Kind.CAS_MISMATCH, e.status(), "Another writer changed " + m + "/" + p
                        + " since version " + cas + ": read it again and retry");
            }
            throw e;
        }
        JsonNode version = answer == null ? null : answer.path("data").get("version");
        if (version == null || !version.isNumber()) {
            throw VaultErrors.malformed(session.http().endpoint().address(), req, "no data.version");
        }
        return version.asInt();
    }

    Map<String, String> readCustomMetadata(String mount, String path) {
        String m = VaultPaths.clean(mount, "KV mount");
        String p = VaultPaths.clean(path, "KV path");
        String api = VaultPaths.join(m, "metadata", p);
        VaultRequest req = VaultRequest.get(api, "read metadata");
        JsonNode body;
        try {
            body = session.call(req);
        } catch (VaultException e) {
            if (e.kind() == Kind.NOT_FOUND) {
                throw new VaultException(Kind.NOT_FOUND, e.status(), "No secret metadata at " + api
                        + ": check the KV mount and path");
            }
            throw e;
        }
        JsonNode data = body == null ? null : body.get("data");
        if (data == null || !data.isObject()) {
            throw VaultErrors.malformed(session.http().endpoint().address(), req, "no data object");
        }
        return strings(data.path("custom_metadata"));
    }

    void writeCustomMetadata(String mount, String path, Map<String, String> customMetadata) {
        String m = VaultPaths.clean(mount, "KV mount");
        String p = VaultPaths.clean(path, "KV path");
        session.call(VaultRequest.post(VaultPaths.join(m, "metadata", p),
                Map.of("custom_metadata", customMetadata), "write metadata"));
    }

    private static VaultException notFound(String api, Integer version, int status) {
        return new VaultException(Kind.NOT_FOUND, status, "No secret at " + api
                + (version == null ? "" : " version " + version)
                + ": check the KV mount and path, and that the secret exists");
    }

    static Map<String, String> strings(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        if (object != null && object.isObject()) {
            object.fields().forEachRemaining(e -> {
                JsonNode v = e.getValue();
                if (v != null && !v.isNull()) {
                    out.put(e.getKey(), v.isTextual() ? v.asText() : v.toString());
                }
            });
        }
        return out;
    }
}
