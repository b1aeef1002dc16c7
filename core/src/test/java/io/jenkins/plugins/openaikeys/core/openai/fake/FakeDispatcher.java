package io.jenkins.plugins.openaikeys.core.openai.fake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.HttpUrl;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import io.jenkins.plugins.openaikeys.core.testing.PreciseDelay;
import okio.Buffer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Serves one request: injected faults first, then authentication, the rate limit, and the
 * {@link FakeApi}; every answer carries an {@code x-request-id} and lands in the call log.
 * Called concurrently by MockWebServer (one thread per connection), hence the concurrent
 * collections and the synchronized fault list.
 */
final class FakeDispatcher extends Dispatcher {

    private final FakeState state;
    private final FakeApi api;
    private final FakeUsageApi usage;
    private final FakeModelApi models;
    /** Model to {input, output} US dollars per million tokens, for the costs report; 0 when unset. */
    private final Map<String, double[]> prices = new ConcurrentHashMap<>();
    private final ObjectMapper mapper = new ObjectMapper();
    private final List<FaultRule> faults = new ArrayList<>();
    private final Map<Endpoint, Duration> latencies = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Call> log = new ConcurrentLinkedQueue<>();
    private volatile Duration latency = Duration.ZERO;
    private volatile TokenBucket bucket;

    private static final class FaultRule {
        final String method;
        final PathPattern path;
        final Fault fault;
        int remaining;

        FaultRule(String method, PathPattern path, Fault fault) {
            this.method = method;
            this.path = path;
            this.fault = fault;
            this.remaining = fault.times;
        }
    }

    FakeDispatcher(FakeState state) {
        this.state = state;
        this.api = new FakeApi(state);
        this.usage = new FakeUsageApi(state, prices);
        this.models = new FakeModelApi(state);
    }

    synchronized void inject(String method, String pathTemplate, Fault fault) {
        faults.add(new FaultRule(method, PathPattern.of(pathTemplate), fault));
    }

    synchronized void clearFaults() {
        faults.clear();
    }

    void price(String model, double inputPerMillion, double outputPerMillion) {
        prices.put(model, new double[] {inputPerMillion, outputPerMillion});
    }

    void latency(Duration d) {
        latency = d;
    }

    void latency(Endpoint e, Duration d) {
        latencies.put(e, d);
    }

    void rateLimit(TokenBucket b) {
        bucket = b;
    }

    List<Call> calls() {
        return List.copyOf(log);
    }

    void resetCallLog() {
        log.clear();
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        HttpUrl url = request.getRequestUrl();
        String method = request.getMethod();
        List<String> segments = url == null ? List.of() : url.pathSegments();
        boolean v1 = !segments.isEmpty() && segments.get(0).equals("v1");
        List<String> apiSegments = v1 ? segments.subList(1, segments.size()) : segments;
        String path = "/" + String.join("/", apiSegments);
        Endpoint endpoint = v1 ? Endpoint.match(method, path) : null;

        Fault fault = takeFault(method, path);
        MockResponse response;
        int status;
        boolean dropped = false;
        if (fault != null && !fault.afterProcessing) {
            response = faultResponse(fault, quoted(fault, request, apiSegments));
            status = fault.status;
            dropped = fault.kind == Fault.Kind.DISCONNECT;
        } else {
            Reply reply = process(request, endpoint, apiSegments, url, method, path);
            status = reply.status();
            if (fault == null) {
                response = toResponse(reply);
            } else if (fault.kind == Fault.Kind.DELAY) {
                response = toResponse(reply).setHeadersDelay(fault.delay.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                response = faultResponse(fault, quoted(fault, request, apiSegments));
                dropped = fault.kind == Fault.Kind.DISCONNECT;
                status = dropped ? status : fault.status;
            }
        }
        Duration delay = endpoint == null ? latency : max(latency, latencies.getOrDefault(endpoint, Duration.ZERO));
        if (!delay.isZero()) {
            // Waited here rather than as a headers delay: Thread.sleep's slack would add 1-2 ms.
            PreciseDelay.await(delay);
        }
        response.setHeader("x-request-id", FakeIds.requestId());
        response.setHeader("openai-version", "2020-10-01");
        log.add(new Call(method, path, endpoint, status, dropped));
        return response;
    }

    private Reply process(RecordedRequest request, Endpoint endpoint, List<String> segments, HttpUrl url,
                          String method, String path) {
        if (endpoint == null) {
            return Reply.invalidRequest(404, "Invalid URL (" + method + " " + request.getRequestUrl().encodedPath() + ")");
        }
        String auth = request.getHeader("Authorization");
        if (auth == null || !auth.startsWith("Bearer ") || auth.substring(7).isBlank()) {
            return Reply.invalidRequest(401, "You didn't provide an API key. You need to provide your API key in an "
                    + "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the "
                    + "password field (with blank username) if you're accessing the API from your browser and are "
                    + "prompted for a username and password. You can obtain an API key from "
                    + "https://platform.openai.com/account/api-keys.");
        }
        String key = auth.substring(7).trim();
        if (endpoint.isModelCall()) {
            return modelCall(endpoint, key, request.getBody().readUtf8());
        }
        Optional<FakeAdminKey> admin = state.adminKeyByValue(key);
        if (admin.isEmpty()) {
            if (state.accountByKeyValue(key).isPresent()) {
                return Reply.invalidRequest(401, "You have insufficient permissions for this operation. Missing "
                        + "scopes: api.management.read. Check that you have the correct role in your organization "
                        + "(Owner), and if you're using a restricted API key, that it has the necessary scopes.");
            }
            return Reply.error(401, "Incorrect API key provided: " + FakeIds.redactForError(key) + ". You can find "
                    + "your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error",
                    "invalid_api_key");
        }
        String orgId = admin.get().organizationId();
        state.markUsed(admin.get().id());
        String orgHeader = request.getHeader("OpenAI-Organization");
        if (orgHeader != null && !orgHeader.equals(orgId)) {
            return Reply.error(401, "OpenAI-Organization header should match organization for API key.",
                    "invalid_request_error", "mismatched_organization");
        }
        TokenBucket b = bucket;
        if (b != null) {
            Optional<Duration> wait = b.tryTake();
            if (wait.isPresent()) {
                return rateLimited(orgId, b, wait.get());
            }
        }
        if (endpoint == Endpoint.USAGE) {
            return usage.usage(orgId, segments.get(2), url);
        }
        if (endpoint == Endpoint.COSTS) {
            return usage.costs(orgId, url);
        }
        return api.handle(endpoint, orgId, segments, url, request.getBody().readUtf8());
    }

    /** A build's key calling a model: only a live service-account key of an active project works. */
    private Reply modelCall(Endpoint endpoint, String key, String body) {
        Optional<FakeServiceAccount> account = state.accountByKeyValue(key);
        if (account.isEmpty()) {
            return Reply.error(401, "Incorrect API key provided: " + FakeIds.redactForError(key) + ". You can find "
                    + "your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error",
                    "invalid_api_key");
        }
        return endpoint == Endpoint.CHAT_COMPLETIONS ? models.chat(account.get(), body)
                : models.embeddings(account.get(), body);
    }

    private Reply rateLimited(String orgId, TokenBucket b, Duration wait) {
        long ms = Math.max(1, wait.toMillis());
        long seconds = Math.max(1, (ms + 999) / 1000);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("retry-after", Long.toString(seconds));
        headers.put("retry-after-ms", Long.toString(ms));
        headers.put("x-ratelimit-limit-requests", Integer.toString(b.limit()));
        headers.put("x-ratelimit-remaining-requests", "0");
        headers.put("x-ratelimit-reset-requests", ms + "ms");
        return Reply.error(429, "Rate limit reached for requests in organization " + orgId + " on requests per "
                + "min (RPM): Limit " + b.limit() + ", Used " + b.limit() + ", Requested 1. Please try again in "
                + ms + "ms.", "requests", "rate_limit_exceeded").withHeaders(headers);
    }

    private synchronized Fault takeFault(String method, String path) {
        Iterator<FaultRule> it = faults.iterator();
        while (it.hasNext()) {
            FaultRule rule = it.next();
            if (rule.method.equalsIgnoreCase(method) && rule.path.matches(path)) {
                if (--rule.remaining <= 0) {
                    it.remove();
                }
                return rule.fault;
            }
        }
        return null;
    }

    /**
     * The error message of a fault that quotes a secret ({@link Fault#quoting}), or null: a
     * service echoing back the bearer it was sent, or the key of the service account the path
     * names (looked up even after the account was deleted).
     */
    private String quoted(Fault f, RecordedRequest request, List<String> segments) {
        switch (f.quote) {
            case BEARER -> {
                String auth = request.getHeader("Authorization");
                return "Invalid request: the header 'Authorization: " + auth + "' is not valid for "
                        + request.getMethod() + " " + request.getRequestUrl().encodedPath() + ".";
            }
            case SERVICE_ACCOUNT_KEY -> {
                String accountId = segments.size() >= 5 ? segments.get(4) : "";
                String key = state.everyServiceAccount().stream().filter(a -> a.id().equals(accountId))
                        .map(a -> a.keyValue() == null ? "null" : a.keyValue().reveal()).findFirst()
                        .orElseThrow(() -> new IllegalStateException("no service account in " + segments));
                return "Service account " + accountId + " cannot be deleted while its API key " + key
                        + " is in use.";
            }
            default -> {
                return null;
            }
        }
    }

    private MockResponse faultResponse(Fault f, String quotedMessage) {
        MockResponse r = new MockResponse();
        switch (f.kind) {
            case DISCONNECT -> r.setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST);
            case HUGE_BODY -> {
                Buffer body = hugeBody(f.hugeBytes);
                r.setResponseCode(200).setHeader("Content-Type", "application/json");
                if (f.chunked) {
                    r.setChunkedBody(body, 64 * 1024);
                } else {
                    r.setBody(body);
                }
            }
            case MALFORMED_JSON -> r.setResponseCode(200).setHeader("Content-Type", "application/json")
                    .setBody("{\"object\":\"organization.project\",\"id\":\"proj_");
            case STATUS, DELAY -> {
                r.setResponseCode(f.status);
                if (f.body != null) {
                    r.setHeader("Content-Type", f.contentType).setBody(f.body);
                } else if (quotedMessage != null) {
                    r.setHeader("Content-Type", "application/json")
                            .setBody(json(Reply.invalidRequest(f.status, quotedMessage).body()));
                } else {
                    Reply reply = defaultError(f);
                    r.setHeader("Content-Type", "application/json").setBody(json(reply.body()));
                }
                if (f.retryAfter != null) {
                    r.setHeader("retry-after", f.retryAfter);
                }
                if (f.retryAfterMs != null) {
                    r.setHeader("retry-after-ms", f.retryAfterMs);
                }
            }
            default -> throw new IllegalStateException(f.kind.toString());
        }
        return r;
    }

    private static Reply defaultError(Fault f) {
        if (f.errorType != null || f.errorCode != null) {
            String message = "insufficient_quota".equals(f.errorCode)
                    ? "You exceeded your current quota, please check your plan and billing details."
                    : "Injected error " + f.status + ".";
            return Reply.error(f.status, message, f.errorType, f.errorCode);
        }
        if (f.status == 429) {
            return Reply.error(429, "Rate limit reached for requests. Please try again later.", "requests",
                    "rate_limit_exceeded");
        }
        if (f.status >= 500) {
            return Reply.error(f.status, "The server had an error while processing your request. Sorry about that!",
                    "server_error", null);
        }
        return Reply.invalidRequest(f.status, "Injected error " + f.status + ".");
    }

    private static Buffer hugeBody(int bytes) {
        Buffer b = new Buffer();
        b.writeUtf8("{\"object\":\"list\",\"data\":\"");
        byte[] chunk = "x".repeat(8192).getBytes(StandardCharsets.US_ASCII);
        long remaining = Math.max(0, bytes - b.size() - 2);
        while (remaining > 0) {
            int n = (int) Math.min(chunk.length, remaining);
            b.write(chunk, 0, n);
            remaining -= n;
        }
        b.writeUtf8("\"}");
        return b;
    }

    private MockResponse toResponse(Reply reply) {
        MockResponse r = new MockResponse().setResponseCode(reply.status())
                .setHeader("Content-Type", "application/json").setBody(json(reply.body()));
        reply.headers().forEach(r::setHeader);
        return r;
    }

    private String json(Object body) {
        try {
            return mapper.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
