package io.jenkins.plugins.openaikeys.core.litellm.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.testing.LoopbackServers;
import okhttp3.HttpUrl;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
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
 * works. As strict as LiteLLM 1.95's published OpenAPI document and its key_management_endpoints.py
 * (see docs/getting-started-litellm.md, "The proxy's key API, as verified"): plaintext only in the
 * generate answer, the hash ({@code token} = {@code token_id}, sha256 hex) everywhere else; FastAPI's
 * 422 for wrong types (pydantic's lax mode: a numeric string is a valid {@code max_budget}); a
 * negative {@code max_budget} is a 400; unique aliases (400); durations by {@code duration_in_seconds}
 * ({@code s m h d w mo}; a bare number is a 500 "Unsupported duration unit"); a delete that finds
 * nothing is a 404 "No keys found", one that finds some answers 200 echoing what was sent; list pages
 * of 1 to 100, newest first; 401 for a missing or wrong master key. Expired keys stay in the database
 * (listed, deletable) but no longer authenticate; expiry is on the given clock.
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
    /** {@code duration_parser._extract_from_regex}: {@code re.match}, so a prefix; an empty unit is refused later. */
    private static final Pattern DURATION = Pattern.compile("(\\d+)(mo|[smhdw]?)");
    /** {@code _KEY_ALIAS_PATTERN} of key_management_endpoints.py. */
    private static final Pattern KEY_ALIAS_FORMAT =
            Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_\\-/\\.@]{0,253}[a-zA-Z0-9]$");
    private static final DateTimeFormatter EXPIRES = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final Logger mockWebServerLogger = Logger.getLogger(MockWebServer.class.getName());
    private final Object lock = new Object();
    private final Clock clock;
    private final MockWebServer server = new MockWebServer();
    private final SecureRandom random = new SecureRandom();
    /** By token (the sha256 hex of the value), in creation order. */
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
    private volatile boolean validateAliasFormat = true;

    private FakeLiteLlmProxy(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        mockWebServerLogger.setLevel(Level.WARNING);
    }

    public static FakeLiteLlmProxy start(Clock clock) {
        FakeLiteLlmProxy p = new FakeLiteLlmProxy(clock);
        LoopbackServers.start(p.server, p.new ProxyDispatcher());
        return p;
    }

    public static FakeLiteLlmProxy start() {
        return start(Clock.systemUTC());
    }

    /** e.g. {@code http://127.0.0.1:54321}, no trailing slash: the proxy's base URL. */
    public String baseUrl() {
        return LoopbackServers.origin(server);
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
            return keys.values().stream().filter(k -> alias.equals(k.alias())).findFirst().orElse(null);
        }
    }

    /**
     * Whether {@code key_alias} must match LiteLLM's alias pattern (2 to 255 characters of
     * {@code a-zA-Z0-9_-/.@}, alphanumeric at both ends). LiteLLM checks it only when
     * {@code litellm.enable_key_alias_format_validation} is set (off by default); the fake checks it
     * unless told otherwise, so the plugin's aliases are proven to pass on a proxy that enables it.
     */
    public FakeLiteLlmProxy validateAliasFormat(boolean enabled) {
        this.validateAliasFormat = enabled;
        return this;
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
                return authError("Authentication Error, No api key passed in.");
            }
            if (!bearer.equals(masterKey.reveal())) {
                return authError("Authentication Error, Invalid proxy server token passed. Received API Key = "
                        + abbreviate(bearer) + ", Key Hash (Token) =" + sha256(bearer)
                        + ". Unable to find token in cache or `LiteLLM_VerificationTokenTable`");
            }
            String route = method + " " + path;
            if (route.equals("GET /key/list")) {
                return list(url);
            }
            if (route.equals("GET /key/info")) {
                return info(url.queryParameter("key"));
            }
            if (!route.equals("POST /key/generate") && !route.equals("POST /key/delete")) {
                return error(405, "Method Not Allowed");
            }
            // FastAPI: a required JSON body that is absent, or not JSON, fails validation (422) first.
            String text = request.getBody().readUtf8();
            if (text.isBlank()) {
                return validation(invalid("missing", List.of("body"), "Field required", null));
            }
            JsonNode body;
            try {
                body = JSON.readTree(text);
            } catch (IOException e) {
                return validation(invalid("json_invalid", List.of("body", 0), "JSON decode error", Map.of()));
            }
            if (body == null || !body.isObject()) {
                return validation(invalid("model_attributes_type", List.of("body"),
                        "Input should be a valid dictionary or object to extract fields from", body));
            }
            return route.equals("POST /key/generate") ? generate((com.fasterxml.jackson.databind.node.ObjectNode) body)
                    : delete((com.fasterxml.jackson.databind.node.ObjectNode) body);
        }
    }

    /**
     * {@code generate_key_fn} in this order: the body's types (GenerateKeyRequest: 422 with every
     * error), a negative {@code max_budget} (400), the alias format (400, when enabled), a taken alias
     * (400), the duration (500, parsed by {@code duration_in_seconds}), then the key.
     */
    private MockResponse generate(com.fasterxml.jackson.databind.node.ObjectNode body) {
        List<Map<String, Object>> errors = new ArrayList<>();
        String alias = optionalString(body, "key_alias", errors);
        String duration = optionalString(body, "duration", errors);
        List<JsonNode> models = new ArrayList<>();
        JsonNode m = body.get("models");
        if (m != null && !m.isNull()) {
            if (m.isArray()) {
                m.forEach(models::add);
            } else {
                errors.add(invalid("list_type", List.of("body", "models"), "Input should be a valid list", m));
            }
        }
        BigDecimal budget = null;
        JsonNode b = body.get("max_budget");
        if (b != null && !b.isNull()) {
            budget = laxFloat(b);
            if (budget == null) {
                errors.add(b.isTextual()
                        ? invalid("float_parsing", List.of("body", "max_budget"),
                                "Input should be a valid number, unable to parse string as a number", b)
                        : invalid("float_type", List.of("body", "max_budget"), "Input should be a valid number", b));
            }
        }
        JsonNode md = body.get("metadata");
        if (md != null && !md.isNull() && !md.isObject()) {
            errors.add(invalid("dict_type", List.of("body", "metadata"), "Input should be a valid dictionary", md));
        }
        if (!errors.isEmpty()) {
            return validation(errors.toArray(Map[]::new));
        }
        if (budget != null && budget.signum() < 0) {
            return error(400, "{'error': 'max_budget cannot be negative. Received: " + pythonFloat(budget) + "'}");
        }
        if (alias != null && validateAliasFormat && !KEY_ALIAS_FORMAT.matcher(alias).matches()) {
            return error(400, "Invalid key_alias format. Must be 2-255 characters, start/end with alphanumeric, and"
                    + " only contain a-zA-Z0-9_-/.@.", "bad_request_error", "key_alias");
        }
        if (alias != null && keys.values().stream().anyMatch(k -> alias.equals(k.alias()))) {
            return error(400, "Key with alias '" + alias + "' already exists. Unique key aliases across all keys are"
                    + " required.", "bad_request_error", "key_alias");
        }
        Instant now = clock.instant();
        Instant expires = null;
        if (duration != null) {
            if (List.of("", "none", "null").contains(duration.strip().toLowerCase(java.util.Locale.ROOT))) {
                // duration_in_seconds answers None for these, and timedelta(seconds=None) raises.
                return error(500, "unsupported type for timedelta seconds component: NoneType");
            }
            Matcher dm = DURATION.matcher(duration);
            if (!dm.lookingAt()) {
                return error(500, "Invalid duration format");
            }
            if (dm.group(2).isEmpty()) {
                return error(500, "Unsupported duration unit, passed duration: " + duration);
            }
            expires = expiry(now, new java.math.BigInteger(dm.group(1)), dm.group(2));
            if (expires == null) {
                return error(500, "date value out of range");
            }
        }
        List<String> modelNames = new ArrayList<>();
        for (JsonNode n : models) {
            if (!n.isTextual()) {
                // models is a bare list in the schema; the database column is String[], so the insert
                // fails and generate_key_helper_fn turns any such failure into this 500.
                return error(500, "{'error': 'Internal Server Error.'}");
            }
            modelNames.add(n.asText());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        if (md != null && md.isObject()) {
            md.fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
        }
        String plain = "sk-" + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(16));
        String token = sha256(plain);
        Key k = new Key(alias, token, List.copyOf(modelNames), budget, expires, Map.copyOf(metadata), now);
        keys.put(token, k);
        plaintext.put(token, plain);
        everIssued.add(plain);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key_alias", alias);
        out.put("duration", null);
        out.put("models", modelNames);
        out.put("spend", 0.0);
        out.put("max_budget", budget);
        out.put("metadata", metadata);
        out.put("key", plain);
        out.put("key_name", abbreviate(plain));
        out.put("expires", expires == null ? null : EXPIRES.format(expires));
        out.put("token_id", token);
        out.put("token", token);
        return ok(out);
    }

    /** {@code duration_in_seconds}: months by the calendar, the rest by seconds; null past year 9999. */
    private static Instant expiry(Instant now, java.math.BigInteger value, String unit) {
        try {
            if (unit.equals("mo")) {
                return now.atZone(ZoneOffset.UTC).plusMonths(value.longValueExact()).toInstant();
            }
            long perUnit = switch (unit) {
                case "s" -> 1;
                case "m" -> 60;
                case "h" -> 3600;
                case "d" -> 86400;
                default -> 604800;
            };
            Instant out = now.plusSeconds(value.multiply(java.math.BigInteger.valueOf(perUnit)).longValueExact());
            return out.isAfter(Instant.parse("9999-12-31T23:59:59Z")) ? null : out;
        } catch (ArithmeticException | java.time.DateTimeException e) {
            return null;
        }
    }

    /**
     * {@code delete_key_fn}: {@code keys} (values or hashes) win over {@code key_aliases}; neither is a
     * 500 "Invalid request type"; nothing found is a 404 "No keys found"; otherwise 200 echoing the
     * list as sent, even if only some of it existed.
     */
    private MockResponse delete(com.fasterxml.jackson.databind.node.ObjectNode body) {
        List<Map<String, Object>> errors = new ArrayList<>();
        List<String> wantedKeys = optionalStrings(body, "keys", errors);
        List<String> wantedAliases = optionalStrings(body, "key_aliases", errors);
        if (!errors.isEmpty()) {
            return validation(errors.toArray(Map[]::new));
        }
        List<Key> found;
        List<String> echo;
        if (wantedKeys != null && !wantedKeys.isEmpty()) {
            List<String> hashes = wantedKeys.stream().map(t -> t.startsWith("sk-") ? sha256(t) : t).toList();
            found = keys.values().stream().filter(k -> hashes.contains(k.token())).toList();
            echo = wantedKeys;
        } else if (wantedAliases != null && !wantedAliases.isEmpty()) {
            found = keys.values().stream().filter(k -> k.alias() != null && wantedAliases.contains(k.alias()))
                    .toList();
            echo = wantedAliases;
        } else {
            return error(500, "Invalid request type");
        }
        if (found.isEmpty()) {
            return error(404, "{'error': 'No keys found'}");
        }
        for (Key k : found) {
            keys.remove(k.token());
            deletedAliases.add(String.valueOf(k.alias()));
        }
        return ok(Map.of("deleted_keys", echo));
    }

    /**
     * {@code list_keys}: {@code page} at least 1 and {@code size} 1 to 100 (422, FastAPI's errors),
     * {@code return_full_object} a boolean as pydantic reads one; newest first
     * ({@code created_at desc, token desc}); {@code total_pages} is 0 when nothing matches.
     */
    private MockResponse list(HttpUrl url) {
        List<Map<String, Object>> errors = new ArrayList<>();
        long page = queryInt(url, "page", 1, 1, Long.MAX_VALUE, errors);
        long size = queryInt(url, "size", 10, 1, 100, errors);
        Boolean full = queryBool(url, "return_full_object", errors);
        if (!errors.isEmpty()) {
            return validation(errors.toArray(Map[]::new));
        }
        String alias = url.queryParameter("key_alias");
        List<Key> matching = keys.values().stream()
                .filter(k -> alias == null || alias.isEmpty() || alias.equals(k.alias()))
                .sorted(java.util.Comparator.comparing(Key::created).thenComparing(Key::token).reversed())
                .toList();
        long total = matching.size();
        long pages = (total + size - 1) / size;
        List<Object> out = new ArrayList<>();
        long from = Math.min(total, (page - 1) * size);
        for (Key k : matching.subList((int) from, (int) Math.min(total, from + size))) {
            if (full) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("token", k.token());
                o.put("key_alias", k.alias());
                o.put("key_name", abbreviate(plaintext.get(k.token())));
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
        Key k = keys.get(token);
        if (k == null) {
            return error(404, "Key not found in database", "not_found_error", "key");
        }
        Map<String, Object> i = new LinkedHashMap<>();
        i.put("key_alias", k.alias());
        i.put("models", k.models());
        i.put("max_budget", k.maxBudget());
        i.put("expires", k.expires() == null ? null : EXPIRES.format(k.expires()));
        i.put("metadata", k.metadata());
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("key", keyOrToken);
        r.put("info", i);
        return ok(r);
    }

    private MockResponse models(String bearer) {
        synchronized (lock) {
            if (bearer == null) {
                return authError("Authentication Error, No api key passed in.");
            }
            Key k = keys.get(sha256(bearer));
            if (k == null) {
                return authError("Authentication Error, Invalid proxy server token passed.");
            }
            if (k.expires() != null && !clock.instant().isBefore(k.expires())) {
                return authError("Authentication Error - Expired Key. Key Expiry time " + k.expires());
            }
            List<Map<String, Object>> data = new ArrayList<>();
            for (String model : k.models().isEmpty() ? List.of("gpt-4o-mini") : k.models()) {
                data.add(Map.of("id", model, "object", "model", "created", 1677610602, "owned_by", "openai"));
            }
            return ok(Map.of("data", data, "object", "list"));
        }
    }

    // ---------------------------------------------------------------- pydantic's lax validation

    /** {@code Optional[str]}: null or a string; anything else is {@code string_type}. */
    private static String optionalString(JsonNode body, String field, List<Map<String, Object>> errors) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            errors.add(invalid("string_type", List.of("body", field), "Input should be a valid string", v));
            return null;
        }
        return v.asText();
    }

    /** {@code Optional[List[str]]}. */
    private static List<String> optionalStrings(JsonNode body, String field, List<Map<String, Object>> errors) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            errors.add(invalid("list_type", List.of("body", field), "Input should be a valid list", v));
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (v.get(i).isTextual()) {
                out.add(v.get(i).asText());
            } else {
                errors.add(invalid("string_type", List.of("body", field, i), "Input should be a valid string", v.get(i)));
            }
        }
        return out;
    }

    /** {@code Optional[float]} in lax mode: numbers, booleans and numeric strings; null for anything else. */
    private static BigDecimal laxFloat(JsonNode v) {
        if (v.isNumber()) {
            return BigDecimal.valueOf(v.doubleValue());
        }
        if (v.isBoolean()) {
            return v.booleanValue() ? BigDecimal.valueOf(1.0) : BigDecimal.valueOf(0.0);
        }
        if (v.isTextual()) {
            try {
                return BigDecimal.valueOf(Double.parseDouble(v.asText().strip()));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** How Python prints a float: {@code -1.0}, {@code -2.5}. */
    private static String pythonFloat(BigDecimal value) {
        return Double.toString(value.doubleValue());
    }

    private static long queryInt(HttpUrl url, String name, long dflt, long min, long max,
                                 List<Map<String, Object>> errors) {
        String raw = url.queryParameter(name);
        if (raw == null) {
            return dflt;
        }
        long v;
        try {
            v = Long.parseLong(raw.strip());
        } catch (NumberFormatException e) {
            errors.add(invalid("int_parsing", List.of("query", name),
                    "Input should be a valid integer, unable to parse string as an integer", raw));
            return dflt;
        }
        if (v < min) {
            errors.add(invalid("greater_than_equal", List.of("query", name),
                    "Input should be greater than or equal to " + min, raw, Map.of("ge", min)));
        } else if (v > max) {
            errors.add(invalid("less_than_equal", List.of("query", name),
                    "Input should be less than or equal to " + max, raw, Map.of("le", max)));
        }
        return v;
    }

    private static Boolean queryBool(HttpUrl url, String name, List<Map<String, Object>> errors) {
        String raw = url.queryParameter(name);
        if (raw == null) {
            return false;
        }
        String v = raw.toLowerCase(java.util.Locale.ROOT);
        if (List.of("1", "on", "t", "true", "y", "yes").contains(v)) {
            return true;
        }
        if (List.of("0", "off", "f", "false", "n", "no").contains(v)) {
            return false;
        }
        errors.add(invalid("bool_parsing", List.of("query", name),
                "Input should be a valid boolean, unable to interpret input", raw));
        return false;
    }

    private static Map<String, Object> invalid(String type, List<Object> loc, String msg, Object input) {
        return invalid(type, loc, msg, input, null);
    }

    private static Map<String, Object> invalid(String type, List<Object> loc, String msg, Object input,
                                               Map<String, Object> ctx) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", type);
        e.put("loc", loc);
        e.put("msg", msg);
        e.put("input", input);
        if (ctx != null) {
            e.put("ctx", ctx);
        }
        return e;
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

    /**
     * LiteLLM's ProxyException envelope, as {@code handle_exception_on_proxy} makes it from an
     * HTTPException or any other exception: type {@code internal_server_error} whatever the status,
     * param {@code "None"}, the code as a string, and an HTTPException's dict detail as Python
     * prints it ({@code "{'error': '...'}"}).
     */
    private static MockResponse error(int status, String message) {
        return error(status, message, "internal_server_error", "None");
    }

    /** {@code user_api_key_auth}'s 401. */
    private static MockResponse authError(String message) {
        return error(401, message, "auth_error", "None");
    }

    private static MockResponse error(int status, String message, String type, String param) {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("message", message);
        err.put("type", type);
        err.put("param", param);
        err.put("code", Integer.toString(status));
        try {
            return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json")
                    .setBody(JSON.writeValueAsString(Map.of("error", err)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** FastAPI's 422 HTTPValidationError: {@code {"detail": [ValidationError, ...]}}. */
    @SafeVarargs
    private static MockResponse validation(Map<String, Object>... errors) {
        try {
            return new MockResponse().setResponseCode(422).setHeader("Content-Type", "application/json")
                    .setBody(JSON.writeValueAsString(Map.of("detail", List.of(errors))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code abbreviate_api_key}: {@code sk-...} and the last four characters. */
    private static String abbreviate(String key) {
        return "sk-..." + key.substring(Math.max(0, key.length() - 4));
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
