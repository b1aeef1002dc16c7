package io.jenkins.plugins.openaikeys.core.vault.fake;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A KV version 2 mount: versions, check-and-set, custom metadata, soft delete. Guarded by the fake's lock. */
final class FakeKvMount {

    private static final class Version {
        final Map<String, Object> data;
        final Instant created;
        Instant deleted;

        Version(Map<String, Object> data, Instant created) {
            this.data = data;
            this.created = created;
        }
    }

    private static final class Entry {
        final List<Version> versions = new ArrayList<>();
        final Map<String, String> customMetadata = new LinkedHashMap<>();
        boolean casRequired;
        Instant created;
        Instant updated;
    }

    private final String mount;
    private final Clock clock;
    private final Map<String, Entry> entries = new HashMap<>();

    FakeKvMount(String mount, Clock clock) {
        this.mount = mount;
        this.clock = clock;
    }

    int put(String path, Map<String, Object> data) {
        Entry e = entries.computeIfAbsent(path, p -> newEntry());
        e.versions.add(new Version(new LinkedHashMap<>(data), clock.instant()));
        e.updated = clock.instant();
        return e.versions.size();
    }

    int currentVersion(String path) {
        Entry e = entries.get(path);
        return e == null ? 0 : e.versions.size();
    }

    Map<String, String> currentData(String path) {
        Entry e = entries.get(path);
        Map<String, String> out = new LinkedHashMap<>();
        if (e != null && !e.versions.isEmpty()) {
            e.versions.get(e.versions.size() - 1).data.forEach((k, v) -> out.put(k, String.valueOf(v)));
        }
        return out;
    }

    Map<String, String> customMetadata(String path) {
        Entry e = entries.get(path);
        return e == null ? Map.of() : Map.copyOf(e.customMetadata);
    }

    private Entry newEntry() {
        Entry e = new Entry();
        e.created = clock.instant();
        e.updated = e.created;
        return e;
    }

    FakeReply handle(String method, String sub, Map<String, String> query, JsonNode body) {
        if (sub.startsWith("data/") && sub.length() > 5) {
            String path = sub.substring(5);
            return switch (method) {
                case "GET" -> read(path, query.get("version"));
                case "POST", "PUT" -> write(path, body);
                case "DELETE" -> softDelete(path);
                default -> FakeReply.error(405, "unsupported operation");
            };
        }
        if (sub.startsWith("metadata/") && sub.length() > 9) {
            String path = sub.substring(9);
            return switch (method) {
                case "GET" -> metadata(path);
                case "POST", "PUT" -> writeMetadata(path, body);
                case "DELETE" -> {
                    entries.remove(path);
                    yield FakeReply.noContent();
                }
                default -> FakeReply.error(405, "unsupported operation");
            };
        }
        return FakeReply.error(404, "no handler for route \"" + mount + "/" + sub + "\". route entry not found.");
    }

    private FakeReply read(String path, String versionParam) {
        Entry e = entries.get(path);
        if (e == null || e.versions.isEmpty()) {
            return FakeReply.notFound();
        }
        int n = e.versions.size();
        if (versionParam != null && !versionParam.isEmpty() && !versionParam.equals("0")) {
            try {
                n = Integer.parseInt(versionParam);
            } catch (NumberFormatException ex) {
                return FakeReply.error(400, "invalid version");
            }
            if (n < 1 || n > e.versions.size()) {
                return FakeReply.notFound();
            }
        }
        Version v = e.versions.get(n - 1);
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("data", v.deleted == null ? v.data : null);
        outer.put("metadata", versionMetadata(e, v, n));
        if (v.deleted != null) {
            return new FakeReply(404, Map.of("data", outer));
        }
        return FakeReply.data(outer);
    }

    private Map<String, Object> versionMetadata(Entry e, Version v, int n) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("created_time", v.created.toString());
        meta.put("custom_metadata", e.customMetadata.isEmpty() ? null : new LinkedHashMap<>(e.customMetadata));
        meta.put("deletion_time", v.deleted == null ? "" : v.deleted.toString());
        meta.put("destroyed", false);
        meta.put("version", n);
        return meta;
    }

    private FakeReply write(String path, JsonNode body) {
        if (body == null || !body.path("data").isObject()) {
            return FakeReply.error(400, "no data provided");
        }
        Entry e = entries.get(path);
        JsonNode cas = body.path("options").get("cas");
        int current = e == null ? 0 : e.versions.size();
        if (cas != null && !cas.isNull()) {
            if (!cas.canConvertToInt() || cas.asInt() != current) {
                return FakeReply.error(400, "check-and-set parameter did not match the current version");
            }
        } else if (e != null && e.casRequired) {
            return FakeReply.error(400, "check-and-set parameter required for this call");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        body.path("data").fields().forEachRemaining(f -> data.put(f.getKey(),
                f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString()));
        int n = put(path, data);
        Entry now = entries.get(path);
        return FakeReply.data(versionMetadata(now, now.versions.get(n - 1), n));
    }

    private FakeReply softDelete(String path) {
        Entry e = entries.get(path);
        if (e != null && !e.versions.isEmpty()) {
            e.versions.get(e.versions.size() - 1).deleted = clock.instant();
        }
        return FakeReply.noContent();
    }

    private FakeReply metadata(String path) {
        Entry e = entries.get(path);
        if (e == null) {
            return FakeReply.notFound();
        }
        Map<String, Object> versions = new LinkedHashMap<>();
        for (int i = 0; i < e.versions.size(); i++) {
            Version v = e.versions.get(i);
            versions.put(Integer.toString(i + 1), Map.of("created_time", v.created.toString(),
                    "deletion_time", v.deleted == null ? "" : v.deleted.toString(), "destroyed", false));
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("cas_required", e.casRequired);
        d.put("created_time", e.created.toString());
        d.put("current_version", e.versions.size());
        d.put("custom_metadata", e.customMetadata.isEmpty() ? null : new LinkedHashMap<>(e.customMetadata));
        d.put("max_versions", 0);
        d.put("oldest_version", e.versions.isEmpty() ? 0 : 1);
        d.put("updated_time", e.updated.toString());
        d.put("versions", versions);
        return FakeReply.data(d);
    }

    private FakeReply writeMetadata(String path, JsonNode body) {
        Entry e = entries.computeIfAbsent(path, p -> newEntry());
        if (body != null && body.has("custom_metadata")) {
            JsonNode cm = body.get("custom_metadata");
            if (!cm.isObject() && !cm.isNull()) {
                return FakeReply.error(400, "custom_metadata must be a map of strings");
            }
            e.customMetadata.clear();
            if (cm.isObject()) {
                cm.fields().forEachRemaining(f -> e.customMetadata.put(f.getKey(), f.getValue().asText()));
            }
        }
        if (body != null && body.has("cas_required")) {
            e.casRequired = body.get("cas_required").asBoolean();
        }
        e.updated = clock.instant();
        return FakeReply.noContent();
    }
}
