package io.jenkins.plugins.openaikeys.core.rotation;

import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A loopback pass-through in front of FakeVault that can act between two requests — run
 * something just before a request reaches Vault (another controller's write) or let Vault do
 * the work and then drop the connection (the lost answer). FakeVault's own faults replace the
 * answer without doing the work; these two timings are what rotation's races are about.
 * Keys are FakeVault's: {@code "METHOD path"} below {@code /v1/}, no query.
 */
final class VaultProxy implements AutoCloseable {

    private final Logger mockWebServerLogger = Logger.getLogger(MockWebServer.class.getName());
    private final MockWebServer server = new MockWebServer();
    private final OkHttpClient http = new OkHttpClient.Builder().retryOnConnectionFailure(false)
            .readTimeout(20, TimeUnit.SECONDS).build();
    private final String target;
    private final Map<String, Deque<Runnable>> before = new HashMap<>();
    private final Map<String, Integer> dropAfter = new HashMap<>();

    private VaultProxy(String target) {
        this.target = target;
        mockWebServerLogger.setLevel(Level.WARNING);
    }

    static VaultProxy start(String vaultAddress) {
        VaultProxy p = new VaultProxy(vaultAddress);
        p.server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return p.forward(request);
            }
        });
        try {
            p.server.start(InetAddress.getByName("127.0.0.1"), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    String address() {
        return "http://127.0.0.1:" + server.getPort();
    }

    /** Runs {@code action} once, just before the next request to {@code key} is forwarded. */
    synchronized VaultProxy beforeNext(String key, Runnable action) {
        before.computeIfAbsent(key, k -> new ArrayDeque<>()).add(action);
        return this;
    }

    /** The next request to {@code key} is processed by Vault, then the connection is dropped. */
    synchronized VaultProxy dropAfterNext(String key) {
        dropAfter.merge(key, 1, Integer::sum);
        return this;
    }

    private MockResponse forward(RecordedRequest request) {
        String path = request.getRequestUrl().encodedPath();
        String key = request.getMethod() + " " + (path.startsWith("/v1/") ? path.substring(4) : path);
        Runnable action;
        boolean drop;
        synchronized (this) {
            Deque<Runnable> q = before.get(key);
            action = q == null ? null : q.poll();
            Integer n = dropAfter.get(key);
            drop = n != null && n > 0;
            if (drop) {
                dropAfter.put(key, n - 1);
            }
        }
        if (action != null) {
            action.run();
        }
        Request.Builder out = new Request.Builder().url(target + request.getPath());
        Headers headers = request.getHeaders();
        for (String name : headers.names()) {
            if (name.toLowerCase().startsWith("x-vault-")) {
                out.header(name, headers.get(name));
            }
        }
        byte[] body = request.getBody().readByteArray();
        String method = request.getMethod();
        RequestBody rb = method.equals("GET") || method.equals("HEAD") ? null
                : RequestBody.create(body, MediaType.get("application/json"));
        try (Response r = http.newCall(out.method(method, rb).build()).execute()) {
            if (drop) {
                return new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST);
            }
            MockResponse m = new MockResponse().setResponseCode(r.code());
            String type = r.header("Content-Type");
            if (type != null) {
                m.setHeader("Content-Type", type);
            }
            return m.setBody(r.body() == null ? "" : r.body().string());
        } catch (IOException e) {
            return new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST);
        }
    }

    @Override
    public void close() {
        try {
            server.shutdown();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }
}
