package io.jenkins.plugins.openaikeys.core.vault;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.vault.VaultException.Kind;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One version of a KV v2 secret. Values are handed out as plain strings for ids and as
 * {@link SecretString} for secrets; {@link #toString()} names fields, never values.
 */
public final class KvSecret {

    private final String mount;
    private final String path;
    private final int version;
    private final Map<String, String> data;
    private final Map<String, String> customMetadata;

    KvSecret(String mount, String path, int version, Map<String, String> data, Map<String, String> customMetadata) {
        this.mount = mount;
        this.path = path;
        this.version = version;
        this.data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
        this.customMetadata = Collections.unmodifiableMap(new LinkedHashMap<>(customMetadata));
    }

    public String mount() {
        return mount;
    }

    public String path() {
        return path;
    }

    public int version() {
        return version;
    }

    /** A non-secret field (an id, an endpoint), or null when absent. */
    public String field(String name) {
        return data.get(name);
    }

    /**
     * A secret field.
     *
     * @throws VaultException NOT_FOUND when the field is absent or empty
     */
    public SecretString secretField(String name) {
        String v = data.get(name);
        if (v == null || v.isEmpty()) {
            throw new VaultException(Kind.NOT_FOUND, 0, "The Vault secret " + mount + "/" + path + " (version "
                    + version + ") has no field " + name + ": add it to the secret");
        }
        return SecretString.of(v);
    }

    public Set<String> fieldNames() {
        return data.keySet();
    }

    public Map<String, String> customMetadata() {
        return customMetadata;
    }

    @Override
    public String toString() {
        return "KvSecret{" + mount + "/" + path + " v" + version + ", fields=" + data.keySet()
                + ", customMetadata=" + customMetadata.keySet() + "}";
    }
}
