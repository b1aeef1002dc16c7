package io.jenkins.plugins.openaikeys.core.openai;

import io.jenkins.plugins.openaikeys.core.openai.fake.Endpoint;
import io.jenkins.plugins.openaikeys.core.openai.fake.Fault;
import io.jenkins.plugins.openaikeys.core.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A failure the client throws is reported by its caller, once, with the caller's context
 * (the broker names the key; it does not warn again on each retry). The client keeps it at
 * FINE, so a failing revoke is not a WARNING twice, and again on every periodic retry.
 */
class FailureLoggingTest {

    private final FakeOpenAiFixture f = new FakeOpenAiFixture();
    private final OpenAiAdminClient client = f.client();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aThrownFailureIsNotAlsoLoggedAsAWarning() {
        f.openai.inject(Endpoint.DELETE_SERVICE_ACCOUNT, Fault.status(503).times(5));

        try (LogCapture logs = LogCapture.plugin()) {
            OpenAiException e = catchThrowableOfType(() -> client.deleteServiceAccount(f.project.id(), "svc_acct_1"),
                    OpenAiException.class);

            assertThat(e.status()).isEqualTo(503);
            assertThat(logs.messagesAtLeast(Level.WARNING)).isEmpty();
            assertThat(logs.messages()).anySatisfy(m -> assertThat(m).isEqualTo(e.getMessage()));
        }
    }

    @Test
    void aFailedCreateIsNotAlsoLoggedAsAWarning() {
        f.openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.status(400).withError("invalid_request_error", null));

        try (LogCapture logs = LogCapture.plugin()) {
            OpenAiException e = catchThrowableOfType(() -> client.createServiceAccount(f.project.id(),
                    f.uniqueNames()), OpenAiException.class);

            assertThat(e.status()).isEqualTo(400);
            assertThat(logs.messagesAtLeast(Level.WARNING)).isEmpty();
        }
    }
}
