package io.jenkins.plugins.openaikeys.core.openai;

import okhttp3.Headers;

/**
 * What came back from one attempt, with the body already read (bounded) and the
 * connection released. {@code body} is null when it was larger than the cap.
 */
record RawResponse(int status, Headers headers, byte[] body) {

    boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    boolean bodyTooLarge() {
        return body == null;
    }

    String header(String name) {
        return headers.get(name);
    }

    String requestId() {
        return headers.get("x-request-id");
    }
}
