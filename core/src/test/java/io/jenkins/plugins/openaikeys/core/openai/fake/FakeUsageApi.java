package io.jenkins.plugins.openaikeys.core.openai.fake;

import okhttp3.HttpUrl;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * {@code GET /organization/usage/{kind}} and {@code GET /organization/costs} as the OpenAPI
 * document (openai/openai-openapi) describes them: {@code start_time} required,
 * {@code end_time} exclusive, {@code bucket_width} {@code 1m}/{@code 1h}/{@code 1d} (costs:
 * {@code 1d} only) with its {@code limit} range, filters {@code project_ids}, {@code api_key_ids},
 * {@code models}, {@code group_by} from the documented set, buckets aligned to their width,
 * empty buckets included, paging by {@code page}/{@code next_page}. Figures are exactly the model
 * calls the fake served ({@link FakeUsageEvent}), older than the configured lag. Only
 * completions and embeddings ever have results; the other kinds answer empty buckets.
 */
final class FakeUsageApi {

    static final Set<String> KINDS = Set.of("completions", "embeddings", "moderations", "images", "audio_speeches",
            "audio_transcriptions", "vector_stores", "code_interpreter_sessions", "file_search_calls",
            "web_search_calls");
    private static final Set<String> COMPLETIONS_GROUPS = Set.of("project_id", "user_id", "api_key_id", "model",
            "batch", "service_tier");
    private static final Set<String> TOKEN_GROUPS = Set.of("project_id", "user_id", "api_key_id", "model");
    private static final Set<String> COST_GROUPS = Set.of("project_id", "line_item", "api_key_id");

    private final FakeState state;
    private final Map<String, double[]> pricesPerMillion;

    FakeUsageApi(FakeState state, Map<String, double[]> pricesPerMillion) {
        this.state = state;
        this.pricesPerMillion = pricesPerMillion;
    }

    Reply usage(String orgId, String kind, HttpUrl url) {
        if (!KINDS.contains(kind)) {
            return Reply.invalidRequest(404, "Invalid URL (GET /v1/organization/usage/" + kind + ")");
        }
        if (state.usageDenied(orgId)) {
            return denied();
        }
        Set<String> groups = kind.equals("completions") ? COMPLETIONS_GROUPS : TOKEN_GROUPS;
        Query q = Query.parse(url, List.of("1m", "1h", "1d"), groups, state.now());
        if (q.error != null) {
            return q.error;
        }
        List<FakeUsageEvent> events = state.visibleUsage(orgId).stream().filter(e -> e.kind().equals(kind))
                .filter(q.filter(url, true)).toList();
        return page(q, bucketStart -> results(kind, q, events.stream()
                .filter(e -> e.at() >= bucketStart && e.at() < bucketStart + q.width).toList()));
    }

    Reply costs(String orgId, HttpUrl url) {
        if (state.usageDenied(orgId)) {
            return denied();
        }
        Query q = Query.parse(url, List.of("1d"), COST_GROUPS, state.now());
        if (q.error != null) {
            return q.error;
        }
        List<FakeUsageEvent> events = state.visibleUsage(orgId).stream().filter(q.filter(url, false)).toList();
        return page(q, bucketStart -> costResults(q, events.stream()
                .filter(e -> e.at() >= bucketStart && e.at() < bucketStart + q.width).toList()));
    }

    private static Reply denied() {
        return Reply.invalidRequest(403, "You have insufficient permissions for this operation. Missing scopes:"
                + " api.usage.read. Check that you have the correct role in your organization (Owner, Reader),"
                + " and if you're using a restricted API key, that it has the necessary scopes.");
    }

    private Reply page(Query q, java.util.function.LongFunction<List<Map<String, Object>>> resultsOf) {
        List<Map<String, Object>> buckets = new ArrayList<>();
        long start = q.cursor;
        while (start < q.end && buckets.size() < q.limit) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("object", "bucket");
            b.put("start_time", start);
            b.put("end_time", start + q.width);
            b.put("results", resultsOf.apply(start));
            buckets.add(b);
            start += q.width;
        }
        boolean more = start < q.end;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("object", "page");
        body.put("data", buckets);
        body.put("has_more", more);
        body.put("next_page", more ? Query.cursor(start) : null);
        return Reply.ok(body);
    }

    private static List<Map<String, Object>> results(String kind, Query q, List<FakeUsageEvent> events) {
        Map<List<String>, long[]> sums = new TreeMap<>((a, b) -> String.join("\u0000", a).compareTo(String.join("\u0000", b)));
        for (FakeUsageEvent e : events) {
            List<String> key = List.of(q.groups.contains("project_id") ? e.projectId() : "",
                    q.groups.contains("api_key_id") ? e.keyId() : "", q.groups.contains("model") ? e.model() : "");
            long[] s = sums.computeIfAbsent(key, k -> new long[4]);
            s[0] += 1;
            s[1] += e.inputTokens();
            s[2] += e.cachedInputTokens();
            s[3] += e.outputTokens();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        sums.forEach((key, s) -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("object", "organization.usage." + kind + ".result");
            r.put("input_tokens", s[1]);
            if (kind.equals("completions")) {
                r.put("input_cached_tokens", s[2]);
                r.put("input_uncached_tokens", s[1] - s[2]);
                r.put("output_tokens", s[3]);
                r.put("input_audio_tokens", 0);
                r.put("output_audio_tokens", 0);
            }
            r.put("num_model_requests", s[0]);
            r.put("project_id", q.groups.contains("project_id") ? key.get(0) : null);
            r.put("user_id", null);
            r.put("api_key_id", q.groups.contains("api_key_id") ? key.get(1) : null);
            r.put("model", q.groups.contains("model") ? key.get(2) : null);
            if (kind.equals("completions")) {
                r.put("batch", q.groups.contains("batch") ? false : null);
                r.put("service_tier", q.groups.contains("service_tier") ? "default" : null);
            }
            out.add(r);
        });
        return out;
    }

    private List<Map<String, Object>> costResults(Query q, List<FakeUsageEvent> events) {
        Map<List<String>, double[]> sums = new TreeMap<>((a, b) -> String.join("\u0000", a).compareTo(String.join("\u0000", b)));
        for (FakeUsageEvent e : events) {
            double[] price = pricesPerMillion.getOrDefault(e.model(), new double[2]);
            for (int io = 0; io < 2; io++) {
                long tokens = io == 0 ? e.inputTokens() : e.outputTokens();
                String item = e.model() + (io == 0 ? ", input" : ", output");
                List<String> key = List.of(q.groups.contains("project_id") ? e.projectId() : "",
                        q.groups.contains("api_key_id") ? e.keyId() : "", q.groups.contains("line_item") ? item : "");
                double[] s = sums.computeIfAbsent(key, k -> new double[2]);
                s[0] += tokens * price[io] / 1_000_000.0;
                s[1] += tokens;
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        sums.forEach((key, s) -> {
            Map<String, Object> amount = new LinkedHashMap<>();
            amount.put("value", s[0]);
            amount.put("currency", "usd");
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("object", "organization.costs.result");
            r.put("amount", amount);
            r.put("line_item", q.groups.contains("line_item") ? key.get(2) : null);
            r.put("project_id", q.groups.contains("project_id") ? key.get(0) : null);
            r.put("api_key_id", q.groups.contains("api_key_id") ? key.get(1) : null);
            r.put("quantity", q.groups.contains("line_item") ? s[1] : null);
            r.put("quantity_unit", q.groups.contains("line_item") ? "tokens" : null);
            out.add(r);
        });
        return out;
    }

    /** The parsed, validated parameters of one usage or costs request. */
    private static final class Query {
        Reply error;
        long start;
        long end;
        long width;
        int limit;
        long cursor;
        Set<String> groups = Set.of();

        static Query parse(HttpUrl url, List<String> widths, Set<String> allowedGroups, long now) {
            Query q = new Query();
            Long start = integer(url.queryParameter("start_time"));
            if (url.queryParameter("start_time") == null) {
                return q.fail("Missing required parameter: 'start_time'.");
            }
            if (start == null || start < 0) {
                return q.fail("Invalid 'start_time': expected an integer (Unix seconds).");
            }
            String w = url.queryParameter("bucket_width") == null ? "1d" : url.queryParameter("bucket_width");
            if (!widths.contains(w)) {
                return q.fail("Invalid 'bucket_width': expected one of " + String.join(", ", widths) + ".");
            }
            q.width = switch (w) {
                case "1m" -> 60;
                case "1h" -> 3600;
                default -> 86400;
            };
            int max = widths.size() == 1 ? 180 : switch (w) {
                case "1m" -> 1440;
                case "1h" -> 168;
                default -> 31;
            };
            int dflt = widths.size() == 1 ? 7 : switch (w) {
                case "1m" -> 60;
                case "1h" -> 24;
                default -> 7;
            };
            Long limit = url.queryParameter("limit") == null ? Long.valueOf(dflt) : integer(url.queryParameter("limit"));
            if (limit == null || limit < 1 || limit > max) {
                return q.fail("Invalid 'limit': must be between 1 and " + max + " for bucket_width " + w + ".");
            }
            q.limit = limit.intValue();
            // without end_time: up to the end of the bucket that holds "now" (the current bucket, still filling)
            Long end = url.queryParameter("end_time") == null ? Long.valueOf(now - Math.floorMod(now, q.width) + q.width)
                    : integer(url.queryParameter("end_time"));
            if (end == null || end <= start) {
                return q.fail("Invalid 'end_time': must be an integer after 'start_time'.");
            }
            for (String g : url.queryParameterValues("group_by")) {
                if (!allowedGroups.contains(g)) {
                    return q.fail("Invalid 'group_by': '" + g + "' is not one of " + String.join(", ",
                            new java.util.TreeSet<>(allowedGroups)) + ".");
                }
            }
            q.groups = Set.copyOf(url.queryParameterValues("group_by"));
            q.start = start - Math.floorMod(start, q.width);
            q.end = end;
            q.cursor = q.start;
            String page = url.queryParameter("page");
            if (page != null) {
                Long c = decode(page);
                if (c == null || c < q.start || c >= q.end) {
                    return q.fail("Invalid 'page': not a cursor of this query.");
                }
                q.cursor = c;
            }
            return q;
        }

        Predicate<FakeUsageEvent> filter(HttpUrl url, boolean models) {
            List<String> projects = url.queryParameterValues("project_ids");
            List<String> keys = url.queryParameterValues("api_key_ids");
            List<String> ms = models ? url.queryParameterValues("models") : List.of();
            return e -> (projects.isEmpty() || projects.contains(e.projectId()))
                    && (keys.isEmpty() || keys.contains(e.keyId())) && (ms.isEmpty() || ms.contains(e.model()))
                    && e.at() >= start && e.at() < end;
        }

        Query fail(String message) {
            error = Reply.invalidRequest(400, message);
            return this;
        }

        static String cursor(long at) {
            return "page_" + Base64.getEncoder().encodeToString(Long.toString(at).getBytes(StandardCharsets.US_ASCII));
        }

        static Long decode(String page) {
            if (!page.startsWith("page_")) {
                return null;
            }
            try {
                return Long.parseLong(new String(Base64.getDecoder().decode(page.substring(5)),
                        StandardCharsets.US_ASCII));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        private static Long integer(String s) {
            try {
                return s == null ? null : Long.parseLong(s);
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
