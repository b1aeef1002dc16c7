package io.jenkins.plugins.openaikeys.core.usage;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the usage figures of one key stand: the key's ids and life, the state of collecting,
 * and the figures read so far. Ids only, never a secret.
 *
 * <p>Why a small persisted value: collecting takes minutes after the build (OpenAI's usage
 * buckets fill in late), so a controller restart in between must find every key it still has
 * to ask about and where it stopped. Persisted as one line ({@link #toLine()}) of URL-encoded
 * {@code key=value} pairs joined by {@code &}: {@code v} (format, "1"), {@code id}
 * (the key's revocation-handle id), {@code organization}, {@code projectId}, {@code keyId},
 * {@code job}, {@code build}, {@code startedAt}, {@code endedAt}, {@code state}, {@code reads},
 * {@code failures}, {@code nextReadAt}, {@code figures}, {@code message}; absent values are
 * omitted, unknown keys ignored. {@code figures} is {@code model,requests,input,cached,output}
 * per model, each model URL-encoded, joined by {@code ;}.
 */
public record UsageJob(String id, String organization, String projectId, String keyId, String job, String build,
                       Instant startedAt, Instant endedAt, State state, int reads, int failures, Instant nextReadAt,
                       List<ModelUsage> figures, String message) {

    /** Where collecting stands. */
    public enum State {
        /** The key is still held by its block: nothing to ask yet. */
        IN_USE,
        /** The key is gone; its figures are read until two reads agree. */
        COLLECTING,
        /** The figures are final ({@code figures}, empty when the key used nothing). */
        FINAL,
        /** No figures will come; {@code message} says why. */
        NOT_AVAILABLE;

        public boolean isDone() {
            return this == FINAL || this == NOT_AVAILABLE;
        }
    }

    private static final String FORMAT = "1";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    public UsageJob {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a usage job id is letters, digits, '_' and '-' only");
        }
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(build, "build");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(state, "state");
        figures = figures == null ? null : List.copyOf(figures);
    }

    /** A key just minted: in use from {@code startedAt}. */
    public static UsageJob started(String id, String organization, String projectId, String keyId, String job,
                                   String build, Instant startedAt) {
        return new UsageJob(id, organization, projectId, keyId, job, build, startedAt, null, State.IN_USE, 0, 0,
                null, null, null);
    }

    UsageJob ended(Instant at, Instant firstRead) {
        return new UsageJob(id, organization, projectId, keyId, job, build, startedAt, at, State.COLLECTING, reads,
                failures, firstRead, figures, message);
    }

    UsageJob read(List<ModelUsage> now, Instant next) {
        return new UsageJob(id, organization, projectId, keyId, job, build, startedAt, endedAt, state, reads + 1, 0,
                next, now, null);
    }

    UsageJob failed(String why, Instant next) {
        return new UsageJob(id, organization, projectId, keyId, job, build, startedAt, endedAt, state, reads,
                failures + 1, next, figures, why);
    }

    UsageJob finished(List<ModelUsage> finalFigures, String note) {
        return new UsageJob(id, organization, projectId, keyId, job, build, startedAt, endedAt, State.FINAL, reads,
                failures, null, finalFigures, note);
    }

    UsageJob notAvailable(String why) {
        return new UsageJob(id, organization, projectId, keyId, job, build, startedAt, endedAt, State.NOT_AVAILABLE,
                reads, failures, null, figures, why);
    }

    /** The persisted form described in the class comment. */
    public String toLine() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("v", FORMAT);
        m.put("id", id);
        m.put("organization", organization);
        put(m, "projectId", projectId);
        put(m, "keyId", keyId);
        m.put("job", job);
        m.put("build", build);
        m.put("startedAt", startedAt.toString());
        put(m, "endedAt", endedAt == null ? null : endedAt.toString());
        m.put("state", state.name());
        m.put("reads", Integer.toString(reads));
        m.put("failures", Integer.toString(failures));
        put(m, "nextReadAt", nextReadAt == null ? null : nextReadAt.toString());
        put(m, "figures", figures == null ? null : encodeFigures(figures));
        put(m, "message", message);
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(b.length() == 0 ? "" : "&").append(enc(k)).append('=').append(enc(v)));
        return b.toString();
    }

    /**
     * Reads {@link #toLine()}'s form back.
     *
     * @throws IllegalArgumentException one sentence naming what is damaged
     */
    public static UsageJob fromLine(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : Objects.requireNonNull(line, "line").trim().split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("a stored usage job has a malformed entry");
            }
            m.put(dec(pair.substring(0, eq)), dec(pair.substring(eq + 1)));
        }
        if (!FORMAT.equals(m.get("v"))) {
            throw new IllegalArgumentException("a stored usage job has format '" + m.get("v") + "', not " + FORMAT);
        }
        try {
            return new UsageJob(m.get("id"), m.get("organization"), m.get("projectId"), m.get("keyId"), m.get("job"),
                    m.get("build"), Instant.parse(m.get("startedAt")), instant(m.get("endedAt")),
                    State.valueOf(m.get("state")), Integer.parseInt(m.get("reads")),
                    Integer.parseInt(m.get("failures")), instant(m.get("nextReadAt")), decodeFigures(m.get("figures")),
                    m.get("message"));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("stored usage job " + m.get("id") + " is damaged ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static String encodeFigures(List<ModelUsage> figures) {
        StringBuilder b = new StringBuilder();
        for (ModelUsage u : figures) {
            b.append(b.length() == 0 ? "" : ";").append(enc(u.model())).append(',').append(u.requests()).append(',')
                    .append(u.inputTokens()).append(',').append(u.cachedInputTokens()).append(',')
                    .append(u.outputTokens());
        }
        return b.toString();
    }

    private static List<ModelUsage> decodeFigures(String s) {
        if (s == null) {
            return null;
        }
        List<ModelUsage> out = new ArrayList<>();
        for (String one : s.split(";")) {
            if (one.isEmpty()) {
                continue;
            }
            String[] f = one.split(",");
            if (f.length != 5) {
                throw new IllegalArgumentException("figures");
            }
            out.add(new ModelUsage(dec(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                    Long.parseLong(f[4])));
        }
        return out;
    }

    private static Instant instant(String s) {
        try {
            return s == null ? null : Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("instant", e);
        }
    }

    private static void put(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
