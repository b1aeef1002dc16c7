package io.jenkins.plugins.openaikeys.core.litellm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.http.Retrier;
import io.jenkins.plugins.openaikeys.core.http.Retrier.Outcome;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The three calls of a LiteLLM proxy's key API this plugin needs, with its master key:
 * {@code POST /key/generate}, {@code POST /key/delete} by alias, {@code GET /key/list}.
 * Shapes as LiteLLM 1.95's OpenAPI document and key_management_endpoints.py define them
 * (docs/getting-started-litellm.md): durations with a unit, unique aliases, 404 "No keys found"
 * for a delete of nothing, the key's hash in {@code token_id}.
 *
 * <p>Why generate is not simply retried: it is not idempotent, and the key value exists only in
 * its answer. When the outcome is unknown (the request went out, then the connection broke or the
 * proxy answered 408/5xx) the key is looked up by its unique alias and deleted if it exists, and
 * the next attempt uses a fresh alias. Deletes and lists are retried by the shared
 * {@link Retrier}. Bodies are read up to 1 MiB; no message quotes the master key or any
 * {@code sk-} value. Thread-safe.
 */
public final class LiteLlmProxyClient {

    private static final Logger LOG = Logger.getLogger(LiteLlmProxyClient.class.getName());
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    static final long BODY_LIMIT = 1024L * 1024L;
    /** {@code /key/list} allows at most 100 per page. */
    static final int PAGE_SIZE = 100;
    /** Stops a proxy that keeps announcing more pages. */
    static final int MAX_PAGES = 1000;
    private static final Pattern SECRET_SHAPE = Pattern.compile("sk-[A-Za-z0-9_\\-]{4,}");
    private static final int MAX_QUOTE = 200;

    private final OkHttpClient http;
    private final HttpUrl baseUrl;
    private final SecretString masterKey;
    private final Retrier retrier;
    private final ObjectMapper json = new ObjectMapper();

    private LiteLlmProxyClient(HttpUrl baseUrl, SecretString masterKey, ClientSettings settings) {
        this.baseUrl = baseUrl;
        this.masterKey = masterKey;
        OkHttpClient base = settings.httpClient() == null ? new OkHttpClient() : settings.httpClient();
        // Retrying is ours: okhttp must never resend a generate by itself.
        this.http = base.newBuilder().retryOnConnectionFailure(false)
                .connectTimeout(10, TimeUnit.SECONDS).readTimeout(30, TimeUnit.SECONDS)
                .callTimeout(60, TimeUnit.SECONDS).build();
        this.retrier = settings.retrier(Retrier.Budget.ELAPSED);
    }

    /**
     * @param baseUrl   the proxy's URL, e.g. {@code https://litellm.example.com} (the key API is at its root)
     * @param masterKey the proxy's master key (or a proxy_admin virtual key)
     * @throws IllegalArgumentException with one sentence for a URL that is not http(s)
     */
    public static LiteLlmProxyClient create(String baseUrl, SecretString masterKey, ClientSettings settings) {
        Objects.requireNonNull(masterKey, "masterKey");
        HttpUrl url = baseUrl == null ? null : HttpUrl.parse(baseUrl.trim());
        if (url == null) {
            throw new IllegalArgumentException("the LiteLLM base_url '" + baseUrl + "' is not an http or https URL");
        }
        if (masterKey.reveal().chars().anyMatch(c -> c <= ' ' || c >= 127)) {
            throw new IllegalArgumentException("the LiteLLM master_key contains spaces or non-ASCII characters");
        }
        return new LiteLlmProxyClient(url, masterKey, settings);
    }

    public String baseUrl() {
        String s = baseUrl.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    // ------------------------------------------------------------------ generate

    /**
     * Makes one key, never leaving a second one behind.
     *
     * @param aliases a new unique alias per call (the first for the first attempt)
     * @throws LiteLlmException when the key could not be made; nothing was left at the proxy, or, if the
     *                          clean-up of an ambiguous attempt failed, the message says so
     */
    public GeneratedKey generate(KeyRequest request, Supplier<String> aliases) {
        Set<String> used = new HashSet<>();
        String[] alias = {fresh(aliases, used)};
        boolean[] burnt = {false};
        return retrier.run(attempt -> {
            if (burnt[0]) {
                alias[0] = fresh(aliases, used);
                burnt[0] = false;
            }
            String a = alias[0];
            Call call = Call.post("key/generate", body(request, a));
            Answer r = null;
            IOException io = null;
            try {
                r = send(call);
            } catch (IOException e) {
                io = e;
            }
            if (r != null && r.success()) {
                return Outcome.success(readGenerated(r, a));
            }
            boolean interrupted = io != null && isInterruption(io);
            boolean ambiguous = io != null ? !surelyNotSent(io) : r.status() == 408 || r.status() >= 500;
            if (ambiguous) {
                burnt[0] = true;
                String why = io != null ? io.getClass().getSimpleName() : "status " + r.status();
                if (interrupted) {
                    Thread.interrupted();
                    try {
                        removeIfCreated(a, why);
                    } finally {
                        Thread.currentThread().interrupt();
                    }
                } else {
                    removeIfCreated(a, why);
                }
            }
            if (interrupted) {
                throw interrupted(call);
            }
            Answer answer = r;
            IOException failure = io;
            Outcome<GeneratedKey> failed = Outcome.<GeneratedKey>failure((attempts, elapsed) -> failure != null
                    ? unreachable(call, failure, attempts) : fromAnswer(call, answer, attempts))
                    .retryableIf(failure != null || retryable(answer.status()))
                    .beforeRetry((attempts, delay) -> LOG.log(Level.FINE, "LiteLLM {0} for alias {1} failed ({2}),"
                            + " retrying in {3} ms", new Object[] {call.describe(), a, failure != null
                            ? failure.getClass().getSimpleName() : answer.status(), delay.toMillis()}))
                    .whenInterrupted(() -> interrupted(call));
            return answer == null ? failed : failed.hintedBy(answer::header);
        });
    }

    private byte[] body(KeyRequest request, String alias) {
        ObjectNode b = json.createObjectNode();
        b.put("key_alias", alias);
        b.put("duration", request.durationText());
        if (!request.models().isEmpty()) {
            b.putArray("models").addAll(request.models().stream().map(json.getNodeFactory()::textNode).toList());
        }
        if (request.maxBudget() != null) {
            b.put("max_budget", request.maxBudget().doubleValue());
        }
        ObjectNode metadata = b.putObject("metadata");
        request.metadata().forEach(metadata::put);
        try {
            return json.writeValueAsBytes(b);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a key request", e);
        }
    }

    private GeneratedKey readGenerated(Answer r, String alias) {
        JsonNode n = r.json(json);
        String key = n == null ? "" : n.path("key").asText("");
        if (key.isEmpty()) {
            removeIfCreated(alias, "an answer without a key");
            throw new LiteLlmException("The LiteLLM proxy at " + baseUrl.host() + " answered POST /key/generate"
                    + " without a key, so the key with alias " + alias + " was deleted: check that base_url points"
                    + " at the LiteLLM proxy itself", r.status(), false);
        }
        String tokenId = text(n, "token_id");
        if (tokenId == null) {
            tokenId = text(n, "token");
        }
        String returnedAlias = text(n, "key_alias");
        return new GeneratedKey(SecretString.of(key), tokenId, returnedAlias == null ? alias : returnedAlias,
                instant(text(n, "expires")));
    }

    private void removeIfCreated(String alias, String why) {
        List<ListedKey> found;
        try {
            found = list(alias);
        } catch (LiteLlmException e) {
            throw new LiteLlmException("Creating LiteLLM key alias " + alias + " had an unknown outcome (" + why
                    + ") and the proxy could not be asked whether it exists (" + e.getMessage() + "): the key, if"
                    + " any, expires by itself and the orphan sweeper deletes it", e.status(), true, e);
        }
        if (found.stream().noneMatch(k -> alias.equals(k.keyAlias()))) {
            LOG.log(Level.INFO, "Creating LiteLLM key alias {0} had an unknown outcome ({1}); the proxy did not"
                    + " create it", new Object[] {alias, why});
            return;
        }
        LOG.log(Level.WARNING, "Creating LiteLLM key alias {0} had an unknown outcome ({1}) but the proxy created it;"
                + " its value was never received, deleting it", new Object[] {alias, why});
        try {
            deleteByAlias(alias);
        } catch (LiteLlmException e) {
            throw new LiteLlmException("Creating LiteLLM key alias " + alias + " had an unknown outcome (" + why
                    + ") and deleting the key it made failed (" + e.getMessage() + "): it expires by itself and the"
                    + " orphan sweeper deletes it", e.status(), true, e);
        }
    }

    // ------------------------------------------------------------------ delete

    /**
     * Deletes the key with this alias.
     *
     * @return true when a key was deleted, false when none had the alias (already gone: also success)
     */
    public boolean deleteByAlias(String alias) {
        if (alias == null || alias.isBlank()) {
            throw new IllegalArgumentException("a key alias is needed to delete a LiteLLM key");
        }
        ObjectNode b = json.createObjectNode();
        b.putArray("key_aliases").add(alias);
        Call call = Call.post("key/delete", bytes(b));
        Answer r = execute(call, 404, 400);
        if (r.success()) {
            return true;
        }
        // LiteLLM answers 404 "No keys found" when no key has the alias (delete_verification_tokens);
        // any other 400 is checked against the list before it counts as a failure.
        if (r.status() == 404 || list(alias).stream().noneMatch(k -> alias.equals(k.keyAlias()))) {
            return false;
        }
        throw fromAnswer(call, r, 1);
    }

    // ------------------------------------------------------------------ list

    /**
     * Every key the master key can see, or only those with {@code aliasOrNull}, all pages.
     */
    public List<ListedKey> list(String aliasOrNull) {
        List<ListedKey> out = new ArrayList<>();
        for (int page = 1; page <= MAX_PAGES; page++) {
            Call call = Call.get("key/list").query("return_full_object", "true").query("page", Integer.toString(page))
                    .query("size", Integer.toString(PAGE_SIZE));
            if (aliasOrNull != null) {
                call = call.query("key_alias", aliasOrNull);
            }
            Answer r = execute(call);
            JsonNode n = r.json(json);
            JsonNode keys = n == null ? null : n.get("keys");
            if (keys == null || !keys.isArray()) {
                throw malformed(call, r, "no keys array");
            }
            for (JsonNode k : keys) {
                if (k.isObject()) {
                    out.add(new ListedKey(text(k, "token"), text(k, "key_alias"), instant(text(k, "expires"))));
                } else if (k.isTextual()) {
                    out.add(new ListedKey(k.asText(), null, null));
                }
            }
            // total_pages is nullable in the schema (KeyListResponseObject): then a full page means "ask on".
            JsonNode totalPages = n.get("total_pages");
            boolean more = totalPages != null && totalPages.isNumber() ? page < totalPages.asInt()
                    : keys.size() >= PAGE_SIZE;
            if (!more || keys.isEmpty()) {
                return out;
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ transport

    private Answer execute(Call call, int... accepted) {
        return retrier.run(attempt -> {
            Answer r;
            try {
                r = send(call);
            } catch (IOException e) {
                if (isInterruption(e)) {
                    Thread.currentThread().interrupt();
                    throw interrupted(call);
                }
                return Outcome.<Answer>failure((attempts, elapsed) -> unreachable(call, e, attempts))
                        .whenInterrupted(() -> interrupted(call));
            }
            if (r.success()) {
                return Outcome.success(r);
            }
            for (int a : accepted) {
                if (a == r.status()) {
                    return Outcome.success(r);
                }
            }
            return Outcome.<Answer>failure((attempts, elapsed) -> fromAnswer(call, r, attempts))
                    .retryableIf(retryable(r.status())).hintedBy(r::header)
                    .whenInterrupted(() -> interrupted(call));
        });
    }

    private Answer send(Call call) throws IOException {
        HttpUrl.Builder url = baseUrl.newBuilder();
        for (String segment : call.path.split("/")) {
            url.addPathSegment(segment);
        }
        call.query.forEach(url::addQueryParameter);
        Request.Builder req = new Request.Builder().url(url.build())
                .header("Authorization", "Bearer " + masterKey.reveal())
                .header("Accept", "application/json");
        req.method(call.method, call.body == null ? null : RequestBody.create(call.body, JSON_TYPE));
        try (Response response = http.newCall(req.build()).execute()) {
            return new Answer(response.code(), response.headers()::get, read(response.body()));
        }
    }

    private static byte[] read(ResponseBody body) throws IOException {
        if (body == null) {
            return new byte[0];
        }
        if (body.contentLength() > BODY_LIMIT) {
            return null;
        }
        BufferedSource source = body.source();
        if (source.request(BODY_LIMIT + 1)) {
            return null;
        }
        return source.getBuffer().readByteArray();
    }

    private static boolean retryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    private LiteLlmException fromAnswer(Call call, Answer r, int attempts) {
        String detail = r.body == null ? "a body over 1 MiB" : quote(r);
        String host = baseUrl.host();
        int status = r.status();
        String what = call.describe() + (attempts > 1 ? " after " + attempts + " attempts" : "")
                + (detail == null ? "" : " (" + detail + ")");
        String message = switch (status) {
            case 401, 403 -> "The LiteLLM proxy at " + host + " answered " + status + " to " + what
                    + ": check master_key in Vault: the proxy does not accept it for its key API";
            case 404 -> "The LiteLLM proxy at " + host + " answered " + status + " to " + what
                    + ": check that base_url points at the LiteLLM proxy (with a database, which the key API needs)";
            case 400, 422 -> "The LiteLLM proxy at " + host + " answered " + status + " to " + what
                    + (aboutAlias(r) ? ": check the controller's name prefix and template: LiteLLM wants key"
                    + " aliases of 2 to 255 letters, digits, '_-/.@' that start and end with a letter or digit"
                    : ": check the role's models and max budget against the proxy's configuration");
            case 429 -> "The LiteLLM proxy at " + host + " answered " + status + " to " + what
                    + ": the proxy is rate-limiting, try again later";
            default -> "The LiteLLM proxy at " + host + " answered " + status + " to " + what
                    + ": check the LiteLLM proxy's health and its database";
        };
        return new LiteLlmException(message, status, retryable(status));
    }

    /** LiteLLM names the field at fault in {@code error.param}: {@code key_alias} for a taken or malformed alias. */
    private boolean aboutAlias(Answer r) {
        JsonNode n = r.json(json);
        return n != null && "key_alias".equals(n.path("error").path("param").asText(""));
    }

    private LiteLlmException malformed(Call call, Answer r, String what) {
        return new LiteLlmException("The LiteLLM proxy at " + baseUrl.host() + " answered " + call.describe()
                + (r.body == null ? " with a body over 1 MiB" : " with " + what) + ": check that base_url points at"
                + " the LiteLLM proxy itself", r.status(), false);
    }

    private LiteLlmException unreachable(Call call, IOException e, int attempts) {
        return new LiteLlmException("The LiteLLM proxy at " + baseUrl.host() + ":" + baseUrl.port()
                + " could not be reached for " + call.describe() + " (" + e.getClass().getSimpleName()
                + (attempts > 1 ? ", " + attempts + " attempts" : "") + "): check base_url and the network", 0, true, e);
    }

    private LiteLlmException interrupted(Call call) {
        return new LiteLlmException("Interrupted while calling " + call.describe() + " on the LiteLLM proxy at "
                + baseUrl.host(), 0, false);
    }

    /** The proxy's own words, without any secret: {@code error.message} or {@code detail}, scrubbed, capped. */
    private String quote(Answer r) {
        JsonNode n = r.json(json);
        String text = null;
        if (n != null) {
            JsonNode err = n.get("error");
            if (err != null && err.isObject()) {
                text = text(err, "message");
            } else if (err != null && err.isTextual()) {
                text = err.asText();
            }
            if (text == null && n.has("detail")) {
                JsonNode d = n.get("detail");
                text = d.isTextual() ? d.asText() : d.isObject() && d.has("error") ? d.get("error").asText() : d.toString();
            }
        }
        if (text == null || text.isBlank()) {
            return null;
        }
        String scrubbed = text.replace(masterKey.reveal(), "****");
        scrubbed = SECRET_SHAPE.matcher(scrubbed).replaceAll("sk-****").replaceAll("\\s+", " ").trim();
        return scrubbed.length() > MAX_QUOTE ? scrubbed.substring(0, MAX_QUOTE) + "…" : scrubbed;
    }

    private byte[] bytes(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }

    /** LiteLLM writes expiries as ISO date-times, with or without an offset. */
    static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return java.time.LocalDateTime.parse(text).toInstant(java.time.ZoneOffset.UTC);
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }

    private static String fresh(Supplier<String> aliases, Set<String> used) {
        String a = aliases.get();
        if (a == null || a.isBlank() || !used.add(a)) {
            throw new IllegalArgumentException("the alias supplier must return a new alias each time");
        }
        return a;
    }

    static boolean surelyNotSent(IOException e) {
        if (e instanceof ConnectException || e instanceof UnknownHostException || e instanceof NoRouteToHostException) {
            return true;
        }
        return e instanceof SocketTimeoutException && e.getMessage() != null
                && e.getMessage().toLowerCase(Locale.ROOT).contains("connect");
    }

    static boolean isInterruption(IOException e) {
        return e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException)
                || Thread.currentThread().isInterrupted();
    }

    @Override
    public String toString() {
        return "LiteLlmProxyClient{" + baseUrl() + "}";
    }

    /** One request; its body never holds a secret (aliases, models, budget, metadata). */
    private record Call(String method, String path, Map<String, String> query, byte[] body) {
        static Call get(String path) {
            return new Call("GET", path, Map.of(), null);
        }

        static Call post(String path, byte[] body) {
            return new Call("POST", path, Map.of(), body);
        }

        Call query(String name, String value) {
            Map<String, String> q = new java.util.LinkedHashMap<>(query);
            q.put(name, value);
            return new Call(method, path, q, body);
        }

        String describe() {
            return method + " /" + path;
        }
    }

    /** A status, its headers and the body (null when over the limit). */
    private record Answer(int status, java.util.function.Function<String, String> headers, byte[] body) {
        boolean success() {
            return status >= 200 && status < 300;
        }

        String header(String name) {
            return headers.apply(name);
        }

        JsonNode json(ObjectMapper mapper) {
            if (body == null || body.length == 0) {
                return null;
            }
            try {
                return mapper.readTree(body);
            } catch (IOException e) {
                return null;
            }
        }
    }
}
