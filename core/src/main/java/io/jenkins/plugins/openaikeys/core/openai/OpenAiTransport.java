package io.jenkins.plugins.openaikeys.core.openai;

import io.jenkins.plugins.openaikeys.core.SecretString;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Sends one request, once: authentication and identifying headers, then a bounded read of
 * the answer. Retrying is deliberately someone else's job ({@link CallExecutor},
 * {@link ServiceAccountCreator}) because a POST that creates something must not be retried
 * blindly — which is also why the OkHttp client given here must not retry on its own.
 */
final class OpenAiTransport {

    private static final MediaType JSON = MediaType.get("application/json");

    private final OkHttpClient http;
    private final HttpUrl baseUrl;
    private final SecretString adminKey;
    private final String organizationId;
    private final String userAgent;

    OpenAiTransport(OkHttpClient http, HttpUrl baseUrl, SecretString adminKey, String organizationId,
                    String userAgent) {
        this.http = http;
        this.baseUrl = baseUrl;
        this.adminKey = adminKey;
        this.organizationId = organizationId;
        this.userAgent = userAgent;
    }

    RawResponse send(ApiCall call) throws IOException {
        Request.Builder request = new Request.Builder()
                .url(url(call))
                .header("Authorization", "Bearer " + adminKey.reveal())
                .header("User-Agent", userAgent)
                .header("Accept", "application/json");
        if (organizationId != null) {
            request.header("OpenAI-Organization", organizationId);
        }
        RequestBody body = call.jsonBody() == null ? null : RequestBody.create(call.jsonBody(), JSON);
        request.method(call.method(), body);
        try (Response response = http.newCall(request.build()).execute()) {
            return new RawResponse(response.code(), response.headers(), BoundedBody.read(response.body()));
        }
    }

    HttpUrl url(ApiCall call) {
        HttpUrl.Builder url = baseUrl.newBuilder();
        for (String segment : call.segments()) {
            url.addPathSegment(segment);
        }
        for (Map.Entry<String, List<String>> q : call.query().entrySet()) {
            for (String value : q.getValue()) {
                url.addQueryParameter(q.getKey(), value);
            }
        }
        return url.build();
    }

    String host() {
        return baseUrl.host();
    }

    String baseUrl() {
        return baseUrl.toString();
    }
}
