package io.jenkins.plugins.openaikeys.core.vault.fake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.openaikeys.core.testing.LoopbackServers;
import io.jenkins.plugins.openaikeys.core.testing.PreciseDelay;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A stateful fake of the Vault HTTP API on a loopback MockWebServer, strict about the
 * documented API and its {@code {"errors":[...]}} envelope. Time is the injected
 * {@link Clock} (pass a FakeTime): tokens and leases expire when it passes their end, checked
 * on every request and by {@link #expireNow()}; an expired or revoked token takes its leases
 * with it. Thread-safe (one lock).
 *
 * <pre>{@code
 * FakeVault vault = FakeVault.start(time);
 * vault.root().enableKv("secret").enableAppRole("approle", "jenkins", "rid", "sid", FakeTokenSpec.ttl(Duration.ofHours(1)));
 * }</pre>
 *
 * Call-log keys are {@code "METHOD path"} with the path under {@code /v1/} and no query,
 * e.g. {@code "GET openai/creds/evals"}; fault injection uses the same keys.
 */
public final class FakeVault implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final Object lock = new Object();
    private final Clock clock;
    private final MockWebServer server = new MockWebServer();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, FakeVaultNamespace> namespaces = new HashMap<>();
    private final Map<String, Deque<MockResponseFactory>> faults = new HashMap<>();
    private final List<String> callLog = Collections.synchronizedList(new ArrayList<>());
    private final OkHttpClient openAiHttp = new OkHttpClient.Builder()
            .connectTimeout(5, TimeUnit.SECONDS).readTimeout(10, TimeUnit.SECONDS).build();
    private volatile boolean sealed;
    private volatile Duration latency = Duration.ZERO;

    @FunctionalInterface
    private interface MockResponseFactory {
        /** A response to send instead, or null to answer for real (possibly modified via {@link #decorate}). */
        MockResponse replace();

        default MockResponse decorate(MockResponse real) {
            return real;
        }
    }

    private FakeVault(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        namespaces.put("", new FakeVaultNamespace(this, null));
    }

    /** Starts on a random loopback port. */
    public static FakeVault start(Clock clock) {
        FakeVault v = new FakeVault(clock);
        LoopbackServers.start(v.server, v.new VaultDispatcher());
        return v;
    }

    public static FakeVault start() {
        return start(Clock.systemUTC());
    }

    /** e.g. {@code http://127.0.0.1:54321} — no trailing slash, no /v1. */
    public String address() {
        return LoopbackServers.origin(server);
    }

    public FakeVaultNamespace root() {
        return namespace(null);
    }

    /** The namespace of that name (created on first use); null or "" is root. */
    public FakeVaultNamespace namespace(String name) {
        String key = name == null ? "" : name.replaceAll("^/+|/+$", "");
        synchronized (lock) {
            return namespaces.computeIfAbsent(key, k -> new FakeVaultNamespace(this, k));
        }
    }

    /**
     * Real-time delay before every answer (benchmarks). Applied after the request was handled
     * and outside the lock, like network latency: it does not serialise concurrent requests.
     * Waited with {@link PreciseDelay}, so an answer costs this much and not a timer's slack more.
     */
    public FakeVault latency(Duration perRequest) {
        this.latency = Objects.requireNonNull(perRequest);
        return this;
    }

    public void seal() {
        sealed = true;
    }

    public void unseal() {
        sealed = false;
    }

    /** Revokes every token and lease whose time has passed on the clock. */
    public void expireNow() {
        synchronized (lock) {
            namespaces.values().forEach(ns -> ns.expire(clock.instant()));
        }
    }

    // ---------------------------------------------------------------- fault injection

    /** The next {@code times} calls to {@code key} answer {@code status} with a Vault error envelope. */
    public FakeVault failNext(String key, int times, int status) {
        String body = status == 503 ? "{\"errors\":[\"injected: service unavailable\"]}"
                : "{\"errors\":[\"injected fault\"]}";
        return respondNext(key, times, status, body);
    }

    /** The next {@code times} calls to {@code key} answer exactly this status and raw body. */
    public FakeVault respondNext(String key, int times, int status, String rawBody) {
        return add(key, times, () -> new MockResponse().setResponseCode(status)
                .setHeader("Content-Type", "application/json").setBody(rawBody));
    }

    /** The next call to {@code key} answers 200 with a body of {@code bytes} bytes of JSON-ish padding. */
    public FakeVault hugeNext(String key, int bytes) {
        return add(key, 1, () -> {
            okio.Buffer b = new okio.Buffer().writeUtf8("{\"pad\":\"");
            byte[] chunk = new byte[8192];
            java.util.Arrays.fill(chunk, (byte) 'x');
            for (int left = bytes; left > 0; left -= chunk.length) {
                b.write(chunk, 0, Math.min(left, chunk.length));
            }
            b.writeUtf8("\"}");
            return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(b);
        });
    }

    /** The next {@code times} calls to {@code key} lose their connection before any answer. */
    public FakeVault dropNext(String key, int times) {
        return add(key, times, () -> new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
    }

    /** The next {@code times} calls to {@code key} are carried out for real, then the connection drops unanswered. */
    public FakeVault loseAnswerNext(String key, int times) {
        return add(key, times, new MockResponseFactory() {
            @Override
            public MockResponse replace() {
                return null;
            }

            @Override
            public MockResponse decorate(MockResponse real) {
                return real.setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST);
            }
        });
    }

    /** The next {@code times} calls to {@code key} are answered for real, after a real delay. */
    public FakeVault delayNext(String key, int times, Duration delay) {
        return add(key, times, new MockResponseFactory() {
            @Override
            public MockResponse replace() {
                return null;
            }

            @Override
            public MockResponse decorate(MockResponse real) {
                return real.setHeadersDelay(delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private FakeVault add(String key, int times, MockResponseFactory f) {
        synchronized (faults) {
            Deque<MockResponseFactory> q = faults.computeIfAbsent(key, k -> new ArrayDeque<>());
            for (int i = 0; i < times; i++) {
                q.add(f);
            }
        }
        return this;
    }

    private MockResponseFactory nextFault(String key) {
        synchronized (faults) {
            Deque<MockResponseFactory> q = faults.get(key);
            return q == null ? null : q.poll();
        }
    }

    // ---------------------------------------------------------------- call log

    /** How many calls {@code "METHOD path"} received (faulted ones included). */
    public int calls(String key) {
        synchronized (callLog) {
            return (int) callLog.stream().filter(key::equals).count();
        }
    }

    /** How many logins any auth mount received. */
    public int logins() {
        synchronized (callLog) {
            return (int) callLog.stream().filter(k -> k.startsWith("POST auth/") && k.endsWith("/login")).count();
        }
    }

    public List<String> callLog() {
        synchronized (callLog) {
            return List.copyOf(callLog);
        }
    }

    public void resetCallLog() {
        callLog.clear();
    }

    @Override
    public void close() {
        try {
            server.shutdown();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            openAiHttp.dispatcher().executorService().shutdown();
            openAiHttp.connectionPool().evictAll();
        }
    }

    // ---------------------------------------------------------------- internals for the namespace classes

    Object lock() {
        return lock;
    }

    Clock clock() {
        return clock;
    }

    OkHttpClient openAiHttp() {
        return openAiHttp;
    }

    String randomId(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    /** Vault duration forms: 90, "90", "90s", "15m", "2h". 0 when absent or unreadable. */
    static long seconds(Object value) {
        if (value == null) {
            return 0;
        }
        if (value instanceof JsonNode n) {
            if (n.isNull() || n.isMissingNode()) {
                return 0;
            }
            return n.isNumber() ? n.asLong() : seconds(n.asText());
        }
        String s = value.toString().trim();
        try {
            if (s.endsWith("s")) {
                return Long.parseLong(s.substring(0, s.length() - 1));
            }
            if (s.endsWith("m")) {
                return Long.parseLong(s.substring(0, s.length() - 1)) * 60;
            }
            if (s.endsWith("h")) {
                return Long.parseLong(s.substring(0, s.length() - 1)) * 3600;
            }
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private final class VaultDispatcher extends Dispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            MockResponse response = dispatchWithoutLatency(request);
            Duration d = latency;
            if (!d.isZero()) {
                PreciseDelay.await(d);
            }
            return response;
        }

        private MockResponse dispatchWithoutLatency(RecordedRequest request) {
            HttpUrl url = request.getRequestUrl();
            String method = request.getMethod();
            String fullPath = url == null ? "" : url.encodedPath();
            String path = fullPath.startsWith("/v1/") ? fullPath.substring(4) : fullPath;
            String key = method + " " + path;
            callLog.add(key);
            MockResponseFactory fault = nextFault(key);
            if (fault != null) {
                MockResponse replaced = fault.replace();
                if (replaced != null) {
                    return replaced;
                }
            }
            MockResponse real = toMock(answer(request, method, fullPath, path, url));
            return fault == null ? real : fault.decorate(real);
        }

        private FakeReply answer(RecordedRequest request, String method, String fullPath, String path, HttpUrl url) {
            if (!fullPath.startsWith("/v1/")) {
                return FakeReply.notFound();
            }
            if (sealed) {
                return FakeReply.error(503, "Vault is sealed");
            }
            if (path.equals("sys/health")) {
                Map<String, Object> h = new LinkedHashMap<>();
                h.put("initialized", true);
                h.put("sealed", false);
                h.put("standby", false);
                h.put("version", "1.17.0-fake");
                return FakeReply.ok(h);
            }
            JsonNode body = null;
            String text = request.getBody().readUtf8();
            if (!text.isBlank()) {
                try {
                    body = JSON.readTree(text);
                } catch (JsonProcessingException e) {
                    return FakeReply.error(400, "failed to parse JSON input: " + e.getOriginalMessage());
                }
            }
            Map<String, String> query = new LinkedHashMap<>();
            for (String n : url.queryParameterNames()) {
                query.put(n, url.queryParameter(n));
            }
            String nsHeader = request.getHeader("X-Vault-Namespace");
            synchronized (lock) {
                namespaces.values().forEach(ns -> ns.expire(clock.instant()));
                FakeVaultNamespace ns = namespaces.get(nsHeader == null ? "" : nsHeader.replaceAll("^/+|/+$", ""));
                if (ns == null) {
                    // As OpenBao's request handling: 404 before any path or token is looked at.
                    return FakeReply.error(404, "namespace not found");
                }
                return ns.handle(method, path, query, body, request.getHeader("X-Vault-Token"));
            }
        }

        private MockResponse toMock(FakeReply reply) {
            MockResponse r = new MockResponse().setResponseCode(reply.status());
            if (reply.body() != null) {
                try {
                    r.setHeader("Content-Type", "application/json").setBody(JSON.writeValueAsString(reply.body()));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
            return r;
        }
    }
}
