package io.jenkins.plugins.openaikeys.core.vault.fake;

import java.util.List;
import java.util.Map;

/** One answer of the fake: status and a JSON-able body (null = no body, i.e. 204). */
record FakeReply(int status, Object body) {

    static FakeReply ok(Object body) {
        return new FakeReply(200, body);
    }

    static FakeReply data(Map<String, ?> data) {
        return new FakeReply(200, Map.of("data", data));
    }

    static FakeReply noContent() {
        return new FakeReply(204, null);
    }

    /** Vault's error envelope. */
    static FakeReply error(int status, String... errors) {
        return new FakeReply(status, Map.of("errors", List.of(errors)));
    }

    static FakeReply denied() {
        return error(403, "permission denied");
    }

    static FakeReply notFound() {
        return error(404);
    }
}
