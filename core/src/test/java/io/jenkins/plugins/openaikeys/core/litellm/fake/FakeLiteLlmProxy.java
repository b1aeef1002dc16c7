package io.jenkins.plugins.openaikeys.core.litellm.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.testing.NoDelayServerSocketFactory;
import okhttp3.HttpUrl;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stateful, loopback-only LiteLLM proxy for tests, benchmarks and the acceptance suite: the key
 * API ({@code POST /key/generate}, {@code POST /key/delete}, {@code GET /key/list}, {@code GET /key/info})
 * behind the master key, and {@code GET /v1/models} behind a virtual key, so a build can prove its key
 * works. Strict where the real proxy is (LiteLLM's key_management_endpoints, and the behaviour
 * vault-plugin-secrets-litellm's own fake records for litellm 1.93): plaintext only in the generate
 * answer, the hash ({@code token}, sha256 hex) everywhere else; unique aliases (400); durations need a
 * unit ({@code 3600s}; a bare number is a 500 "Unsupported duration unit"); {@code models} a list of
 * strings, {@code max_budget} a number; a delete that finds nothing is a 404 "No keys found"; list
 * pages of at most 100 (422 above); 401 for a missing or wrong master key. Expired keys stay in
 * the database (listed, deletable) but no longer authenticate, as in LiteLLM; expiry is on the
 * given clock.
 *
 * <p>Faults, per {@code "METHOD /path"} key as in {@link #callLog()}: {@link #failNext},
 * {@link #dropNext} (connection lost before anything is done), {@link #loseAnswerNext} (done, then
 * the answer is lost: the ambiguous create), {@link #hugeNext}, {@link #malformedNext},
 * {@link #delayNext}. Thread-safe (one lock).
 */
public final class FakeLiteLlmProxy implements AutoCloseable {

    /** One key as the proxy's database holds it: never the plaintext, except for the tests' own audit. */
    public record Key(String alias, String token, List<String> models, BigDecimal maxBudget, Instant expires,
                      Map<String, String> metadata, Instant created) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DURATION = Pattern.compile("^(\\d+)([smhdw])$");
    private static final DateTimeFormatter EXPIRES = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final Logger mockWebServerLogger = Logger.getLogger(MockWebServer.class.getName());
    private final Object lock = new Object();
    private final Clock clock;
    private final MockWebServer server = new MockWebServer();
    private final SecureRandom random = new SecureRandom();
    /** By alias (or by token when a key has none), in creation order. */
    private final Map<String, Key> keys = new LinkedHashMap<>();
    /** Plaintext by token: only to authenticate virtual keys and for leak audits. */
    private final Map<String, String> plaintext = new HashMap<>();
    private final List<String> everIssued = new ArrayList<>();
    private final List<String> deletedAliases = new ArrayList<>();
    private final Map<String, Deque<Supplier<MockResponse>>> faults = new HashMap<>();
    private final Map<String, Deque<java.util.function.UnaryOperator<MockResponse>>> decorations = new HashMap<>();
    private final List<String> callLog = Collections.synchronizedList(new ArrayList<>());
    private SecretString masterKey = SecretString.of("sk-master-" + randomText(24));
    private volatile Duration latency = Duration.ZERO;

    private FakeLiteLlmProxy(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        mockWebServerLogger.setLevel(Level.WARNING);
    }

    public static FakeLiteLlmProxy start(Clock clock) {
        FakeLiteLlmProxy p = new FakeLiteLlmProxy(clock);
        p.server.setServerSocketFactory(new NoDelayServerSocketFactory());
        p.server.setDispatcher(p.new ProxyDispatcher());
        try {
            p.server.start(InetAddress.getLoopbackAddress(), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    public static FakeLiteLlmProxy start() {
        return start(Clock.systemUTC());
    }

    /** e.g. {@code http://127.0.0.1:54321}, no trailing slash: the proxy's base URL. */
    public String baseUrl() {
        HttpUrl url = server.url("/");
        return "http://" + url.host() + ":" + url.port();
    }

    public SecretString masterKey() {
        synchronized (lock) {
            return masterKey;
        }
    }

    /**
     * Real-time delay before every answer (benchmarks), outside the lock, like network latency;
     * waited with {@link io.jenkins.plugins.openaikeys.core.testing.PreciseDelay}.
     */
    public FakeLiteLlmProxy latency(Duration perRequest) {
        this.latency = Objects.requireNonNull(perRequest);
        return this;
    }

    /** A new master key; the old one is refused from now on (401). */
    public SecretString rotateMasterKey() {
        synchronized (lock) {
            masterKey = SecretString.of("sk-master-" + randomText(24));
            return masterKey;
        }
    }

    // ---------------------------------------------------------------- state for tests

    /** Every key in the proxy's database (expired ones too), in creation order. */
    public List<Key> keys() {
        synchronized (lock) {
            return List.copyOf(keys.values());
        }
    }

    /** Keys that exist and have not expired on the clock. */
    public List<Key> liveKeys() {
        Instant now = clock.instant();
        synchronized (lock) {
            return keys.values().stream().filter(k -> k.expires() == null || now.isBefore(k.expires())).toList();
        }
    }

    public Key byAlias(String alias) {
        synchronized (lock) {
            return keys.get(alias);
        }
    }

    /** Aliases deleted through {@code /key/delete}, in order. */
    public List<String> deletedAliases() {
        synchronized (lock) {
            return List.copyOf(deletedAliases);
        }
    }

    /** Every plaintext key this proxy ever issued, and the master keys: what must never leak. */
    public List<String> secretsEverIssued() {
        synchronized (lock) {
            List<String> out = new ArrayList<>(everIssued);
            out.add(masterKey.reveal());
            return out;
        }
    }

    /** The state as lines of text (ids, aliases, models, budget, expiry; never a key value): for evidence. */
    public String describe() {
        Instant now = clock.instant();
        StringBuilder b = new StringBuilder();
        synchronized (lock) {
            b.append("LiteLLM proxy fake at ").append(baseUrl()).append(": ").append(keys.size()).append(" key(s)\n");
            for (Key k : keys.values()) {
                b.append("  alias=").append(k.alias()).append(" token=").append(k.token(), 0, 12).append("…")
                        .append(" models=").append(k.models()).append(" max_budget=")
                        .append(k.maxBudget() == null ? "none" : k.maxBudget().toPlainString())
                        .append(" expires=").append(k.expires())
                        .append(k.expires() != null && !now.isBefore(k.expires()) ? " (expired)" : "")
                        .append(" metadata=").append(k.metadata()).append('\n');
            }
            b.append("  deleted aliases: ").append(deletedAliases).append('\n');
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- faults

    /** The next {@code times} calls to {@code key} answer {@code status} with LiteLLM's error envelope. */
    public FakeLiteLlmProxy failNext(String key, int times, int status) {
        return add(key, times, () -> error(status, "injected fault"));
    }

    /** The next {@code times} calls to {@code key} lose their connection before anything is done. */
    public FakeLiteLlmProxy dropNext(String key, int times) {
        return add(key, times, () -> new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
    }

    /**
     * The next call to {@code key} answers {@code status} with an error message that quotes the bearer it
     * received in full: a careless proxy or gateway echoing a secret, which nothing of ours may pass on.
     */
    public FakeLiteLlmProxy quoteBearerNext(String key, int status) {
        return add(key, 1, () -> error(status, "Authentication Error, Invalid proxy server token passed."
                + " Received API Key = " + masterKey().reveal() + ", valid keys start with sk-"));
    }

    /** The next call to {@code key} answers 200 with a body of {@code bytes} bytes. */
    public FakeLiteLlmProxy hugeNext(String key, int bytes) {
        return add(key, 1, () -> {
            okio.Buffer b = new okio.Buffer().writeUtf8("{\"pad\":\"");
            for (int i = 0; i < bytes; i++) {
                b.writeByte('x');
            }
            return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                    .setBody(b.writeUtf8("\"}"));
        });
    }

    /** The next call to {@code key} answers 200 with truncated JSON, without doing anything. */
    public FakeLiteLlmProxy malformedNext(String key) {
        return add(key, 1, () -> new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                .setBody("{\"key\": \"sk-"));
    }

    /** The next {@code times} calls to {@code key} are carried out, then the connection drops unanswered. */
    public FakeLiteLlmProxy loseAnswerNext(String key, int times) {
        return decorate(key, times, real -> real.setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
    }

    /** The next {@code times} calls to {@code key} are carried out and answered after a real delay. */
    public FakeLiteLlmProxy delayNext(String key, int times, Duration delay) {
        return decorate(key, times, real -> real.setHeadersDelay(delay.toMillis(), TimeUnit.MILLISECONDS));
    }

    private FakeLiteLlmProxy add(String key, int times, Supplier<MockResponse> f) {
        synchronized (faults) {
            Deque<Supplier<MockResponse>> q = faults.computeIfAbsent(key, k -> new ArrayDeque<>());
            for (int i = 0; i < times; i++) {
                q.add(f);
            }
        }
        return this;
    }

    private FakeLiteLlmProxy decorate(String key, int times, java.util.function.UnaryOperator<MockResponse> f) {
        synchronized (faults) {
            Deque<java.util.function.UnaryOperator<MockResponse>> q = decorations.computeIfAbsent(key,
                    k -> new ArrayDeque<>());
            for (int i = 0; i < times; i++) {
                q.add(f);
            }
        }
        return this;
    }

    // ---------------------------------------------------------------- call log

    /** {@code "METHOD /path"} of every request, faulted ones included. */
    public List<String> callLog() {
        synchronized (callLog) {
            return List.copyOf(callLog);
        }
    }

    public int calls(String key) {
        synchronized (callLog) {
            return (int) callLog.stream().filter(key::equals).count();
        }
    }

    @Override
    public void close() {
        try {
            server.shutdown();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- handling

    private final class ProxyDispatcher extends Dispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            HttpUrl url = request.getRequestUrl();
            String path = url == null ? "" : url.encodedPath();
            String key = request.getMethod() + " " + path;
            callLog.add(key);
            Supplier<MockResponse> fault;
            java.util.function.UnaryOperator<MockResponse> decoration;
            synchronized (faults) {
                Deque<Supplier<MockResponse>> q = faults.get(key);
                fault = q == null ? null : q.poll();
                Deque<java.util.function.UnaryOperator<MockResponse>> d = fault == null ? decorations.get(key) : null;
                decoration = d == null ? null : d.poll();
            }
            if (fault != null) {
                return fault.get();
            }
            MockResponse real = answer(request, request.getMethod(), path, url);
            Duration d = latency;
            if (!d.isZero()) {
                io.jenkins.plugins.openaikeys.core.testing.PreciseDelay.await(d);
            }
            return decoration == null ? real : decoration.apply(real);
        }
    }

    private MockResponse answer(RecordedRequest request, String method, String path, HttpUrl url) {
        String auth = request.getHeader("Authorization");
        String bearer = auth != null && auth.startsWith("Bearer ") ? auth.substring(7).trim() : null;
        if ((path.equals("/v1/models") || path.equals("/models")) && method.equals("GET")) {
            return models(bearer);
        }
        if (!path.startsWith("/key/")) {
            return error(404, "Not Found");
        }
        synchronized (lock) {
            if (bearer == null) {
                return error(401, "Authentication Error, No api key passed in.");
            }
            if (!bearer.equals(masterKey.reveal())) {
                return error(401, "Authentication Error, Invalid proxy server token passed. Received API Key = "
                        + abbreviate(bearer) + ", Key Hash (Token) =" + sha256(bearer)
                        + ". Unable to find token in cache or `LiteLLM_VerificationTokenTable`");
            }
            JsonNode body;
            try {
                String text = request.getBody().readUtf8();
                body = text.isBlank() ? null : JSON.readTree(text);
            } catch (IOException e) {
                return detail(422, "JSON decode error");
            }
            return switch (method + " " + path) {
                case "POST /key/generate" -> generate(body);
                case "POST /key/delete" -> delete(body);
                case "GET /key/list" -> list(url);
                case "GET /key/info" -> info(url.queryParameter("key"));
                default -> error(405, "Method Not Allowed");
            };
        }
    }

    private MockResponse generate(JsonNode body) {
        if (body == null || !body.isObject()) {
            return detail(422, "[{\"type\":\"model_attributes_type\",\"loc\":[\"body\"],\"msg\":\"Input should be a valid dictionary\"}]");
        }
        String alias = body.hasNonNull("key_alias") ? body.get("key_alias").asText() : null;
        if (alias != null && keys.containsKey(alias)) {
            return error(400, "Key with alias '" + alias + "' already exists. Unique key aliases across all keys are"
                    + " required.");
        }
        if (alias != null && !alias.matches("^[a-zA-Z0-9][a-zA-Z0-9_\\-/.@]{0,253}[a-zA-Z0-9]$")) {
            return error(400, "Invalid key_alias format: " + alias);
        }
        List<String> models = new ArrayList<>();
        JsonNode m = body.get("models");
        if (m != null && !m.isNull()) {
            if (!m.isArray()) {
                return detail(422, "[{\"type\":\"list_type\",\"loc\":[\"body\",\"models\"],\"msg\":\"Input should be a valid list\"}]");
            }
            for (JsonNode n : m) {
                if (!n.isTextual()) {
                    return detail(422, "[{\"type\":\"string_type\",\"loc\":[\"body\",\"models\"],\"msg\":\"Input should be a valid string\"}]");
                }
                models.add(n.asText());
            }
        }
        BigDecimal budget = null;
        JsonNode b = body.get("max_budget");
        if (b != null && !b.isNull()) {
            if (!b.isNumber()) {
                return detail(422, "[{\"type\":\"float_parsing\",\"loc\":[\"body\",\"max_budget\"],\"msg\":\"Input should be a valid number\"}]");
            }
            budget = b.decimalValue();
        }
        Instant now = clock.instant();
        Instant expires = null;
        JsonNode d = body.get("duration");
        if (d != null && !d.isNull()) {
            String text = d.asText();
            if (text.matches("\\d+")) {
                return error(500, "Unsupported duration unit, passed duration: " + text);
            }
            Matcher dm = DURATION.matcher(text);
            if (!dm.matches()) {
                return error(500, "Invalid duration format: " + text);
            }
            long n = Long.parseLong(dm.group(1));
            Duration unit = switch (dm.group(2)) {
                case "s" -> Duration.ofSeconds(1);
                case "m" -> Duration.ofMinutes(1);
                case "h" -> Duration.ofHours(1);
                case "d" -> Duration.ofDays(1);
                default -> Duration.ofDays(7);
            };
            expires = now.plus(unit.multipliedBy(n));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode md = body.get("metadata");
        if (md != null && !md.isNull()) {
            if (!md.isObject()) {
                return detail(422, "[{\"type\":\"dict_type\",\"loc\":[\"body\",\"metadata\"],\"msg\":\"Input should be a valid dictionary\"}]");
            }
            md.fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
        }
        String plain = "sk-" + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(16));
        String token = sha256(plain);
        Key k = new Key(alias, token, List.copyOf(models), budget, expires, Map.copyOf(metadata), now);
        keys.put(alias != null ? alias : token, k);
        plaintext.put(token, plain);
        everIssued.add(plain);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key_alias", alias);
        out.put("duration", d == null ? null : d.asText());
        out.put("models", models);
        out.put("max_budget", budget);
        out.put("metadata", metadata);
        out.put("key", plain);
        out.put("key_name", "sk-..." + plain.substring(plain.length() - 4));
        out.put("expires", expires == null ? null : EXPIRES.format(expires));
        out.put("token_id", token);
        out.put("token", token);
        return ok(out);
    }

    private MockResponse delete(JsonNode body) {
        if (body == null || !body.isObject()) {
            return detail(422, "[{\"type\":\"missing\",\"loc\":[\"body\"],\"msg\":\"Field required\"}]");
        }
        List<String> deleted = new ArrayList<>();
        for (JsonNode a : body.path("key_aliases")) {
            Key k = keys.remove(a.asText());
            if (k != null) {
                deletedAliases.add(a.asText());
                deleted.add(a.asText());
            }
        }
        for (JsonNode t : body.path("keys")) {
            String wanted = t.asText().startsWith("sk-") ? sha256(t.asText()) : t.asText();
            keys.entrySet().removeIf(e -> {
                if (e.getValue().token().equals(wanted)) {
                    deletedAliases.add(String.valueOf(e.getValue().alias()));
                    deleted.add(t.asText().startsWith("sk-") ? wanted : t.asText());
                    return true;
                }
                return false;
            });
        }
        if (deleted.isEmpty()) {
            return error(404, "{'error': 'No keys found'}");
        }
        return ok(Map.of("deleted_keys", deleted));
    }

    private MockResponse list(HttpUrl url) {
        int page;
        int size;
        try {
            page = url.queryParameter("page") == null ? 1 : Integer.parseInt(url.queryParameter("page"));
            size = url.queryParameter("size") == null ? 10 : Integer.parseInt(url.queryParameter("size"));
        } catch (NumberFormatException e) {
            return detail(422, "[{\"type\":\"int_parsing\",\"loc\":[\"query\",\"page\"],\"msg\":\"Input should be a valid integer\"}]");
        }
        if (page < 1 || size < 1 || size > 100) {
            return detail(422, "[{\"type\":\"less_than_equal\",\"loc\":[\"query\",\"size\"],\"msg\":\"Input should be less than or equal to 100\"}]");
        }
        String alias = url.queryParameter("key_alias");
        boolean full = "true".equalsIgnoreCase(url.queryParameter("return_full_object"));
        List<Key> matching = keys.values().stream().filter(k -> alias == null || alias.equals(k.alias())).toList();
        int total = matching.size();
        int pages = Math.max(1, (total + size - 1) / size);
        List<Object> out = new ArrayList<>();
        for (Key k : matching.subList(Math.min(total, (page - 1) * size), Math.min(total, page * size))) {
            if (full) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("token", k.token());
                o.put("key_alias", k.alias());
                o.put("key_name", "sk-..." + plaintext.get(k.token()).substring(plaintext.get(k.token()).length() - 4));
                o.put("models", k.models());
                o.put("max_budget", k.maxBudget());
                o.put("expires", k.expires() == null ? null : EXPIRES.format(k.expires()));
                o.put("metadata", k.metadata());
                o.put("spend", 0.0);
                out.add(o);
            } else {
                out.add(k.token());
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("keys", out);
        r.put("total_count", total);
        r.put("current_page", page);
        r.put("total_pages", pages);
        return ok(r);
    }

    private MockResponse info(String keyOrToken) {
        String token = keyOrToken == null ? "" : keyOrToken.startsWith("sk-") ? sha256(keyOrToken) : keyOrToken;
        Key k = keys.values().stream().filter(x -> x.token().equals(token)).findFirst().orElse(null);
        if (k == null) {
            return error(404, "Key not found in database");
        }
        Map<String, Object> i = new LinkedHashMap<>();
        i.put("key_alias", k.alias());
        i.put("models", k.models());
        i.put("max_budget", k.maxBudget());
        i.put("expires", k.expires() == null ? null : EXPIRES.format(k.expires()));
        i.put("metadata", k.metadata());
        return ok(Map.of("key", k.token(), "info", i));
    }

    private MockResponse models(String bearer) {
        synchronized (lock) {
            if (bearer == null) {
                return error(401, "Authentication Error, No api key passed in.");
            }
            String token = sha256(bearer);
            Key k = keys.values().stream().filter(x -> x.token().equals(token)).findFirst().orElse(null);
            if (k == null) {
                return error(401, "Authentication Error, Invalid proxy server token passed.");
            }
            if (k.expires() != null && !clock.instant().isBefore(k.expires())) {
                return error(401, "Authentication Error - Expired Key. Key Expiry time " + k.expires());
            }
            List<Map<String, Object>> data = new ArrayList<>();
            for (String model : k.models().isEmpty() ? List.of("gpt-4o-mini") : k.models()) {
                data.add(Map.of("id", model, "object", "model", "created", 1677610602, "owned_by", "openai"));
            }
            return ok(Map.of("data", data, "object", "list"));
        }
    }

    // ---------------------------------------------------------------- replies

    private static MockResponse ok(Object body) {
        try {
            return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                    .setBody(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** LiteLLM's ProxyException envelope. */
    private static MockResponse error(int status, String message) {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("message", message);
        err.put("type", status == 401 ? "auth_error" : "None");
        err.put("param", "None");
        err.put("code", Integer.toString(status));
        try {
            return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json")
                    .setBody(JSON.writeValueAsString(Map.of("error", err)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** FastAPI's validation envelope. */
    private static MockResponse detail(int status, String detailJson) {
        return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json")
                .setBody("{\"detail\":" + (detailJson.startsWith("[") ? detailJson : "\"" + detailJson + "\"") + "}");
    }

    private static String abbreviate(String key) {
        return key.length() <= 8 ? "sk-..." : "sk-..." + key.substring(key.length() - 4);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private String randomText(int n) {
        return HexFormat.of().formatHex(randomBytes(n)).substring(0, n);
    }
}
