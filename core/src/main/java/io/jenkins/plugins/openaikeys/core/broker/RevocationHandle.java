package io.jenkins.plugins.openaikeys.core.broker;

import io.jenkins.plugins.openaikeys.core.policy.Role;
import io.jenkins.plugins.openaikeys.core.source.SourceKind;

import java.io.Serializable;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Everything needed to destroy one minted key later — and nothing that could use it.
 *
 * <p>Why ids only: handles are written to disk (the revocation ledger, a pipeline's
 * program.dat) so that a key is revoked even after a controller restart; a secret must
 * never be on disk. It is {@link Serializable} for the same reason, and equal by
 * {@link #id()}, a UUID of its own that outlives any change of source.
 *
 * <p>Persisted form ({@link #toMap()} / {@link #fromMap}, or as one line with
 * {@link #toLine()} / {@link #fromLine}): string keys
 * {@value #FORMAT_KEY} (format version, "1"), {@code id}, {@code source} ({@link SourceKind}
 * name), {@code organization}, {@code role}, {@code projectId}, {@code serviceAccountId},
 * {@code keyId}, {@code leaseId}, {@code keyAlias} (a LiteLLM key's alias, since 2 kinds were
 * added; older readers ignore it), {@code expiresAt} (ISO-8601 instant), {@code job},
 * {@code build}; absent values are omitted. The line is the same pairs as
 * {@code key=value} joined by {@code &}, URL-encoded in UTF-8, in that order. Unknown keys
 * are ignored, so later versions may add fields.
 */
public final class RevocationHandle implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String FORMAT_KEY = "v";
    private static final String FORMAT_VERSION = "1";
    /** Ids are UUIDs; anything restored must at least be safe as a file name. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final String id;
    private final SourceKind source;
    private final String organization;
    private final String role;
    private final String projectId;
    private final String serviceAccountId;
    private final String keyId;
    private final String leaseId;
    private final String keyAlias;
    private final Instant expiresAt;
    private final String jobFullName;
    private final String buildId;

    private RevocationHandle(Builder b) {
        this.id = require(b.id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a revocation handle id is letters, digits, '_' and '-' only");
        }
        this.source = Objects.requireNonNull(b.source, "source");
        this.organization = require(b.organization, "organization");
        this.role = require(b.role, "role");
        this.projectId = emptyToNull(b.projectId);
        this.serviceAccountId = emptyToNull(b.serviceAccountId);
        this.keyId = emptyToNull(b.keyId);
        this.leaseId = emptyToNull(b.leaseId);
        this.keyAlias = emptyToNull(b.keyAlias);
        this.expiresAt = Objects.requireNonNull(b.expiresAt, "expiresAt");
        this.jobFullName = require(b.jobFullName, "jobFullName");
        this.buildId = require(b.buildId, "buildId");
        if (source == SourceKind.ADMIN_API && (projectId == null || serviceAccountId == null)) {
            throw new IllegalArgumentException("an adminApi handle needs projectId and serviceAccountId");
        }
        if ((source == SourceKind.VAULT_ENGINE || source == SourceKind.LITELLM_ENGINE) && leaseId == null) {
            throw new IllegalArgumentException("a " + source.symbol() + " handle needs leaseId");
        }
        if (source == SourceKind.LITELLM_PROXY && keyAlias == null) {
            // The alias, never the key: /key/delete accepts key_aliases, and the alias is public.
            throw new IllegalArgumentException("a litellmProxy handle needs keyAlias");
        }
    }

    /** A builder with a fresh random id. */
    public static Builder builder(SourceKind source) {
        return new Builder(source);
    }

    /** A builder with a fresh id, prefilled from the role and the request being served. */
    public static Builder builder(SourceKind source, Role role, MintRequest request) {
        return new Builder(source).organization(role.organization()).role(role.name())
                .projectId(role.projectId()).jobFullName(request.jobFullName()).buildId(request.buildId());
    }

    public String id() {
        return id;
    }

    public SourceKind source() {
        return source;
    }

    public String organization() {
        return organization;
    }

    public String role() {
        return role;
    }

    /** The OpenAI project; may be null for a vaultEngine key whose role names none. */
    public String projectId() {
        return projectId;
    }

    /** {@code svc_acct_…}; may be null for a vaultEngine key. */
    public String serviceAccountId() {
        return serviceAccountId;
    }

    /** {@code key_…}; null when the source did not report it. */
    public String keyId() {
        return keyId;
    }

    /** The Vault lease; null for adminApi and litellmProxy. */
    public String leaseId() {
        return leaseId;
    }

    /** The LiteLLM key alias (public, what {@code /key/delete} deletes by); null for OpenAI keys. */
    public String keyAlias() {
        return keyAlias;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public String jobFullName() {
        return jobFullName;
    }

    public String buildId() {
        return buildId;
    }

    /** The persisted form described in the class comment. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(FORMAT_KEY, FORMAT_VERSION);
        m.put("id", id);
        m.put("source", source.name());
        m.put("organization", organization);
        m.put("role", role);
        putIfPresent(m, "projectId", projectId);
        putIfPresent(m, "serviceAccountId", serviceAccountId);
        putIfPresent(m, "keyId", keyId);
        putIfPresent(m, "leaseId", leaseId);
        putIfPresent(m, "keyAlias", keyAlias);
        m.put("expiresAt", expiresAt.toString());
        m.put("job", jobFullName);
        m.put("build", buildId);
        return m;
    }

    /**
     * Reads {@link #toMap()}'s form back.
     *
     * @throws BrokerException naming the missing or bad field
     */
    public static RevocationHandle fromMap(Map<String, String> m) {
        if (m == null || !FORMAT_VERSION.equals(m.get(FORMAT_KEY))) {
            throw new BrokerException("Stored revocation handle has format version '"
                    + (m == null ? null : m.get(FORMAT_KEY)) + "', not " + FORMAT_VERSION
                    + ": it was written by an unknown version of the plugin");
        }
        SourceKind kind;
        try {
            kind = SourceKind.valueOf(stored(m, "source"));
        } catch (IllegalArgumentException e) {
            throw new BrokerException("Stored revocation handle " + m.get("id") + " has unknown source '"
                    + m.get("source") + "': it was written by an unknown version of the plugin");
        }
        Instant expires;
        try {
            expires = Instant.parse(stored(m, "expiresAt"));
        } catch (DateTimeParseException e) {
            throw new BrokerException("Stored revocation handle " + m.get("id") + " has an unreadable expiresAt '"
                    + m.get("expiresAt") + "': the ledger file is damaged");
        }
        try {
            return new Builder(kind).id(stored(m, "id")).organization(stored(m, "organization"))
                    .role(stored(m, "role")).projectId(m.get("projectId"))
                    .serviceAccountId(m.get("serviceAccountId")).keyId(m.get("keyId")).leaseId(m.get("leaseId")).keyAlias(m.get("keyAlias"))
                    .expiresAt(expires).jobFullName(stored(m, "job")).buildId(stored(m, "build")).build();
        } catch (IllegalArgumentException e) {
            throw new BrokerException("Stored revocation handle " + m.get("id") + " is incomplete (" + e.getMessage()
                    + "): the ledger file is damaged");
        }
    }

    /** {@link #toMap()} as one line of text. */
    public String toLine() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : toMap().entrySet()) {
            if (b.length() > 0) {
                b.append('&');
            }
            b.append(encode(e.getKey())).append('=').append(encode(e.getValue()));
        }
        return b.toString();
    }

    /** Reads {@link #toLine()}'s form back. */
    public static RevocationHandle fromLine(String line) {
        if (line == null || line.isBlank()) {
            throw new BrokerException("Stored revocation handle is empty: the ledger file is damaged");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : line.trim().split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new BrokerException("Stored revocation handle has a malformed entry '" + pair
                        + "': the ledger file is damaged");
            }
            m.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
        }
        return fromMap(m);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RevocationHandle other && id.equals(other.id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "RevocationHandle{id=" + id + ", source=" + source + ", organization=" + organization
                + ", role=" + role + ", projectId=" + projectId + ", serviceAccountId=" + serviceAccountId
                + ", keyId=" + keyId + ", leaseId=" + leaseId + (keyAlias == null ? "" : ", keyAlias=" + keyAlias)
                + ", expiresAt=" + expiresAt
                + ", job=" + jobFullName + ", build=" + buildId + "}";
    }

    /** Ids for a log line, e.g. {@code key key_1, service account svc_acct_2, project proj_3}. */
    String describeIds() {
        StringBuilder b = new StringBuilder();
        if (keyId != null) {
            b.append("key ").append(keyId).append(", ");
        }
        if (serviceAccountId != null) {
            b.append("service account ").append(serviceAccountId).append(", ");
        }
        if (projectId != null) {
            b.append("project ").append(projectId).append(", ");
        }
        if (keyAlias != null) {
            b.append("alias ").append(keyAlias).append(", ");
        }
        if (leaseId != null) {
            b.append("lease ").append(leaseId).append(", ");
        }
        b.append("handle ").append(id);
        return b.toString();
    }

    private static String stored(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null || v.isEmpty()) {
            throw new BrokerException("Stored revocation handle " + m.get("id") + " has no '" + key
                    + "': the ledger file is damaged");
        }
        return v;
    }

    private static void putIfPresent(Map<String, String> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    private static String require(String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("a revocation handle needs " + what);
        }
        return value;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BrokerException("Stored revocation handle has a badly encoded entry '" + s
                    + "': the ledger file is damaged");
        }
    }

    /** Assembles a handle; sources fill in the ids the remote side returned. */
    public static final class Builder {
        private String id = UUID.randomUUID().toString();
        private final SourceKind source;
        private String organization;
        private String role;
        private String projectId;
        private String serviceAccountId;
        private String keyId;
        private String leaseId;
        private String keyAlias;
        private Instant expiresAt;
        private String jobFullName;
        private String buildId;

        private Builder(SourceKind source) {
            this.source = Objects.requireNonNull(source, "source");
        }

        /** Only to restore a persisted handle: new handles get a random UUID. */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder organization(String organization) {
            this.organization = organization;
            return this;
        }

        public Builder role(String role) {
            this.role = role;
            return this;
        }

        public Builder projectId(String projectId) {
            this.projectId = projectId;
            return this;
        }

        public Builder serviceAccountId(String serviceAccountId) {
            this.serviceAccountId = serviceAccountId;
            return this;
        }

        public Builder keyId(String keyId) {
            this.keyId = keyId;
            return this;
        }

        public Builder leaseId(String leaseId) {
            this.leaseId = leaseId;
            return this;
        }

        public Builder keyAlias(String keyAlias) {
            this.keyAlias = keyAlias;
            return this;
        }

        public Builder expiresAt(Instant expiresAt) {
            this.expiresAt = expiresAt;
            return this;
        }

        public Builder jobFullName(String jobFullName) {
            this.jobFullName = jobFullName;
            return this;
        }

        public Builder buildId(String buildId) {
            this.buildId = buildId;
            return this;
        }

        /** @throws IllegalArgumentException when a required id is missing (a source bug) */
        public RevocationHandle build() {
            return new RevocationHandle(this);
        }
    }
}
