package io.jenkins.plugins.openaikeys.core.vault;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.http.Retrier;
import io.jenkins.plugins.openaikeys.core.http.Retrier.Outcome;
import io.jenkins.plugins.openaikeys.core.http.RetryPolicy;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends one {@link VaultRequest} with okhttp: adds the token and namespace headers, retries
 * transient failures with the shared {@link Retrier} (never a sealed Vault), caps the
 * body at {@link #MAX_BODY_BYTES}, and turns every failure into a {@link VaultException}.
 *
 * <p>A request that is not replayable (a {@code creds} read creates an OpenAI account, a
 * rotate creates an admin key) is sent again only when Vault certainly did not act on it:
 * 412, 429 and the standby answers 472/473, the OpenAI engine passing on OpenAI's 429, or a
 * connection refused before anything was sent (okhttp's own silent retry is off for every call:
 * {@link VaultHttpClients}).
 */
final class VaultHttp {

    static final long MAX_BODY_BYTES = 1024L * 1024L;
    private static final Logger LOG = Logger.getLogger(VaultHttp.class.getName());
    private static final MediaType JSON = MediaType.get("application/json");

    private final VaultEndpoint endpoint;
    private final HttpUrl base;
    private final OkHttpClient client;
    private final Retrier retrier;
    private final ObjectMapper mapper;

    VaultHttp(VaultEndpoint endpoint, OkHttpClient client, Retrier retrier, ObjectMapper mapper) {
        this.endpoint = endpoint;
        this.base = HttpUrl.get(endpoint.address() + "/v1/");
        this.client = client;
        this.retrier = retrier;
        this.mapper = mapper;
    }

    VaultEndpoint endpoint() {
        return endpoint;
    }

    ObjectMapper mapper() {
        return mapper;
    }

    /** The parsed JSON answer, or null when Vault answered without a body (204). */
    JsonNode send(VaultRequest req, SecretString token) {
        Request request = build(req, token);
        return retrier.run(attempts -> attempt(req, request));
    }

    private Outcome<JsonNode> attempt(VaultRequest req, Request request) {
        VaultException failure;
        Function<String, String> headers = null;
        try (Response response = client.newCall(request).execute()) {
            int status = response.code();
            String body = readCapped(req, response.body());
            if (status >= 200 && status < 300) {
                return Outcome.success(parse(req, body));
            }
            List<String> errors = errors(body);
            failure = VaultErrors.fromResponse(endpoint.address(), endpoint.namespace(), req, status, errors);
            if (!retryable(req, status, failure)) {
                throw failure;
            }
            headers = response::header;
        } catch (IOException e) {
            failure = VaultErrors.unreachable(endpoint.address(), e);
            if (!req.replayable() && !(e instanceof ConnectException)) {
                throw failure;
            }
        }
        VaultException retried = failure;
        Outcome<JsonNode> outcome = Outcome.<JsonNode>failure(failure)
                .beforeRetry((attempts, delay) -> LOG.log(Level.FINE,
                        "Vault {0} answered \"{1}\"; retrying in {2} ms (attempt {3})",
                        new Object[] {req, retried.getMessage(), delay.toMillis(), attempts + 1}));
        return headers == null ? outcome : outcome.hintedBy(headers);
    }

    static boolean retryable(VaultRequest req, int status, VaultException failure) {
        if (failure.kind() == VaultException.Kind.SEALED || OpenAiEngine.accountAlreadyGone(failure)) {
            return false;
        }
        if (req.replayable()) {
            return RetryPolicy.isRetryableStatus(status);
        }
        // Answers that say "not processed": eventual consistency, rate limit, a standby node, or
        // the OpenAI engine passing on OpenAI's 429 (the call it failed on created nothing).
        // Any other 5xx may have done the work (the engine answers 500 after creating an account).
        return status == 412 || status == 429 || status == 472 || status == 473
                || OpenAiEngine.openAiRateLimited(failure);
    }

    private Request build(VaultRequest req, SecretString token) {
        HttpUrl.Builder url = base.newBuilder().addPathSegments(req.path());
        for (Map.Entry<String, String> q : req.query().entrySet()) {
            url.addQueryParameter(q.getKey(), q.getValue());
        }
        Request.Builder b = new Request.Builder().url(url.build()).header("X-Vault-Request", "true");
        if (token != null) {
            b.header("X-Vault-Token", headerSafe(token));
        }
        if (endpoint.namespace() != null) {
            b.header("X-Vault-Namespace", endpoint.namespace());
        }
        RequestBody body = null;
        if (req.body() != null) {
            try {
                body = RequestBody.create(mapper.writeValueAsBytes(req.body()), JSON);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot encode the body of " + req, e);
            }
        } else if (!req.method().equals("GET")) {
            body = RequestBody.create(new byte[0], JSON);
        }
        return b.method(req.method(), body).build();
    }

    /**
     * okhttp rejects a header value with a line break or a non-ASCII character, quoting the
     * value in its exception message unless the header is one it knows to be sensitive —
     * X-Vault-Token is not. So check first and say what to fix without the token.
     */
    private static String headerSafe(SecretString token) {
        String v = token.reveal();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c != '\t' && (c < 0x20 || c > 0x7e)) {
                throw new VaultException(VaultException.Kind.LOGIN_FAILED, 0, "The Vault token contains a line break"
                        + " or a character that is not printable ASCII, which no Vault token has: check the Vault"
                        + " token credential");
            }
        }
        return v;
    }

    private String readCapped(VaultRequest req, ResponseBody body) throws IOException {
        if (body == null) {
            return "";
        }
        BufferedSource source = body.source();
        if (source.request(MAX_BODY_BYTES + 1)) {
            throw VaultErrors.malformed(endpoint.address(), req, "a body larger than 1 MiB");
        }
        return source.getBuffer().readUtf8();
    }

    private JsonNode parse(VaultRequest req, String body) {
        if (body.isBlank()) {
            return null;
        }
        try {
            JsonNode node = mapper.readTree(body);
            if (node == null || !node.isObject()) {
                throw VaultErrors.malformed(endpoint.address(), req, "JSON that is not an object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw VaultErrors.malformed(endpoint.address(), req, "a response that is not JSON");
        }
    }

    /** Vault's {@code {"errors":[...]}} strings; empty when the body is something else. */
    List<String> errors(String body) {
        List<String> out = new ArrayList<>();
        if (body == null || body.isBlank()) {
            return out;
        }
        try {
            JsonNode errs = mapper.readTree(body).path("errors");
            for (JsonNode e : errs) {
                if (e.isTextual()) {
                    out.add(e.asText());
                }
            }
        } catch (JsonProcessingException | RuntimeException notJson) {
            // a proxy page or similar: no quotable text
        }
        return out;
    }
}
