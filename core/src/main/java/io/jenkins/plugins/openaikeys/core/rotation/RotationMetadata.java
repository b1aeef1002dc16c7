package io.jenkins.plugins.openaikeys.core.rotation;

import io.jenkins.plugins.openaikeys.core.vault.VaultClient;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The rotation bookkeeping in the KV secret's {@code custom_metadata}: {@code last_rotated} (an
 * ISO instant) and {@code pending_delete_admin_key_id} (comma-separated ids of admin keys still
 * to delete). Why custom_metadata: it sits next to the key, every controller sharing the
 * organization sees it, and writing it does not create a new secret version (so it cannot
 * collide with a check-and-set write of the key). Other entries are kept as they are.
 */
final class RotationMetadata {

    static final String LAST_ROTATED = "last_rotated";
    static final String PENDING_DELETE = "pending_delete_admin_key_id";

    private final VaultClient vault;
    private final String mount;
    private final String path;

    RotationMetadata(VaultClient vault, String mount, String path) {
        this.vault = vault;
        this.mount = mount;
        this.path = path;
    }

    static RotationStatus status(Map<String, String> customMetadata) {
        return new RotationStatus(instant(customMetadata.get(LAST_ROTATED)), pending(customMetadata));
    }

    static List<String> pending(Map<String, String> customMetadata) {
        String v = customMetadata.get(PENDING_DELETE);
        if (v == null || v.isBlank()) {
            return List.of();
        }
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
    }

    /** Null for absent or unreadable text (treated as "never rotated": the schedule then says due). */
    static Instant instant(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Read, change, write back: Vault replaces custom_metadata as a whole. */
    void update(Consumer<Map<String, String>> change) {
        Map<String, String> m = new LinkedHashMap<>(vault.kvReadCustomMetadata(mount, path));
        change.accept(m);
        vault.kvWriteCustomMetadata(mount, path, m);
    }

    static void addPending(Map<String, String> m, String keyId) {
        List<String> ids = new ArrayList<>(pending(m));
        if (!ids.contains(keyId)) {
            ids.add(keyId);
        }
        putPending(m, ids);
    }

    static void removePending(Map<String, String> m, List<String> keyIds) {
        List<String> ids = new ArrayList<>(pending(m));
        ids.removeAll(keyIds);
        putPending(m, ids);
    }

    private static void putPending(Map<String, String> m, List<String> ids) {
        if (ids.isEmpty()) {
            m.remove(PENDING_DELETE);
        } else {
            m.put(PENDING_DELETE, String.join(",", ids));
        }
    }
}
