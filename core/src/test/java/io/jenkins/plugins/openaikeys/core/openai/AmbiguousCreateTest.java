package io.jenkins.plugins.openaikeys.core.openai;

import io.jenkins.plugins.openaikeys.core.openai.fake.Endpoint;
import io.jenkins.plugins.openaikeys.core.openai.fake.Fault;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeServiceAccount;
import io.jenkins.plugins.openaikeys.core.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The create POST is not idempotent: whatever happens to its answer, the project ends with
 * exactly one live account whose key we hold, or none and a clear error.
 */
class AmbiguousCreateTest {

    private final FakeOpenAiFixture f = new FakeOpenAiFixture();
    private final OpenAiAdminClient client = f.client();

    @AfterEach
    void close() {
        f.close();
    }

    private List<FakeServiceAccount> live() {
        return f.openai.liveServiceAccounts(f.project.id());
    }

    private void assertExactlyOneWorkingAccount(CreatedServiceAccount created) {
        assertThat(live()).extracting(FakeServiceAccount::id).containsExactly(created.account().id());
        assertThat(f.openai.isLiveKey(created.keyValue())).isTrue();
    }

    @Test
    void aConnectionDroppedAfterTheCreateEndsWithOneAccount() {
        f.openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.disconnectAfterProcessing());

        try (LogCapture logs = LogCapture.plugin()) {
            CreatedServiceAccount created = client.createServiceAccount(f.project.id(), f.uniqueNames());

            assertExactlyOneWorkingAccount(created);
            assertThat(created.account().name()).isEqualTo("jenkins-evals-42-2");
            assertThat(f.openai.everyServiceAccount()).hasSize(2);
            assertThat(f.openai.calls(Endpoint.CREATE_SERVICE_ACCOUNT)).isEqualTo(2);
            assertThat(f.openai.calls(Endpoint.LIST_SERVICE_ACCOUNTS)).isEqualTo(1);
            assertThat(f.openai.calls(Endpoint.DELETE_SERVICE_ACCOUNT)).isEqualTo(1);
            String orphanId = f.openai.everyServiceAccount().get(0).id();
            assertThat(logs.messagesAtLeast(Level.WARNING)).anySatisfy(m -> assertThat(m)
                    .contains("jenkins-evals-42-1", f.project.id(), "created it as " + orphanId, "deleting it"));
        }
    }

    @Test
    void a5xxAfterTheCreateEndsWithOneAccount() {
        f.openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.status(502).afterProcessing());

        CreatedServiceAccount created = client.createServiceAccount(f.project.id(), f.uniqueNames());

        assertExactlyOneWorkingAccount(created);
        assertThat(f.openai.calls(Endpoint.DELETE_SERVICE_ACCOUNT)).isEqualTo(1);
    }

    @Test
    void a5xxThatCreatedNothingEndsWithOneAccount() {
        f.openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.status(503).times(2));

        CreatedServiceAccount created = client.createServiceAccount(f.project.id(), f.uniqueNames());

        assertExactlyOneWorkingAccount(created);
        assertThat(f.openai.everyServiceAccount()).hasSize(1);
        assertThat(f.openai.calls(Endpoint.LIST_SERVICE_ACCOUNTS)).isEqualTo(2);
        assertThat(f.openai.calls(Endpoint.DELETE_SERVICE_ACCOUNT)).isZero();
        assertThat(f.time.sleeps()).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1));
    }

    @Test
    void aReadTimeoutAfterTheCreateEndsWithOneAccount() {
        OpenAiAdminClient impatient = f.builder(f.org.adminKey()).readTimeout(Duration.ofMillis(150)).build();
        f.openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.delayAfterProcessing(Duration.ofMillis(600)));

        CreatedServiceAccount created = impatient.createServiceAccount(f.project.id(), f.uniqueNames());

        assertExactlyOneWorkingAccount(created);
        assertThat(f.openai.everyServiceAccount()).hasSize(2);
    }

    @Test
    void theOrphanIsFoundOnALaterPage() {
        f.project.addServiceAccounts("other", 9);
        OpenAiAdminClient smallPages = f.builder(f.org.adminKey()).pageSize(4).build();
        f.openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.disconnectAfterProcessing());

        CreatedServiceAccount created = smallPages.createServiceAccount(f.project.id(), f.uniqueNames());

        assertThat(live()).hasSize(10).extracting(FakeServiceAccount::name)
                .doesNotContain("jenkins-evals-42-1").contains(created.account().name());
        assertThat(f.openai.calls(Endpoint.LIST_SERVICE_ACCOUNTS)).isEqualTo(3);
    }

    @Test
    void aRateLimitedCreateIsRetriedUnderTheSameName() {
        f.openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.status(429).withRetryAfterMs(700));

        CreatedServiceAccount created = client.createServiceAccount(f.project.id(), f.uniqueNames());

        assertExactlyOneWorkingAccount(created);
        assertThat(created.account().name()).isEqualTo("jenkins-evals-42-1");
        assertThat(f.openai.calls(Endpoint.LIST_SERVICE_ACCOUNTS)).as("a 429 did nothing").isZero();
        assertThat(f.time.sleeps()).containsExactly(Duration.ofMillis(700));
    }

    @Test
    void aCreateThatNeverGetsAnAnswerLeavesNothingBehind() {
        f.openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.disconnectAfterProcessing().times(100));

        OpenAiException e = catchThrowableOfType(() -> client.createServiceAccount(f.project.id(), f.uniqueNames()),
                OpenAiException.class);

        assertThat(e.getMessage()).contains("did not answer POST /organization/projects/" + f.project.id()
                + "/service_accounts", "on all 5 attempts");
        assertThat(live()).isEmpty();
        assertThat(f.openai.everyServiceAccount()).extracting(FakeServiceAccount::name).containsExactly(
                "jenkins-evals-42-1", "jenkins-evals-42-2", "jenkins-evals-42-3", "jenkins-evals-42-4",
                "jenkins-evals-42-5");
    }

    @Test
    void aCreatedAccountWhoseAnswerCannotBeReadIsDeleted() {
        f.openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.malformedJson().afterProcessing());

        OpenAiException e = catchThrowableOfType(() -> client.createServiceAccount(f.project.id(), f.uniqueNames()),
                OpenAiException.class);

        assertThat(e.getMessage()).contains("with a body that was not JSON");
        assertThat(live()).isEmpty();
        assertThat(f.openai.calls(Endpoint.CREATE_SERVICE_ACCOUNT)).as("not retried: a proxy page stays").isEqualTo(1);
        assertThat(f.openai.calls(Endpoint.DELETE_SERVICE_ACCOUNT)).isEqualTo(1);
    }

    @Test
    void aHugeAnswerToACreateIsCleanedUp() {
        f.openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.hugeBody(5 * 1024 * 1024).afterProcessing());

        OpenAiException e = catchThrowableOfType(() -> client.createServiceAccount(f.project.id(), f.uniqueNames()),
                OpenAiException.class);

        assertThat(e.getMessage()).startsWith("OpenAI answered with a body larger than 1 MiB");
        assertThat(live()).isEmpty();
    }

    @Test
    void whenTheCleanUpCannotListTheErrorSaysSo() {
        f.openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.disconnectAfterProcessing());
        f.openai.inject(Endpoint.LIST_SERVICE_ACCOUNTS, Fault.status(500).times(100));

        OpenAiException e = catchThrowableOfType(() -> client.createServiceAccount(f.project.id(), f.uniqueNames()),
                OpenAiException.class);

        assertThat(e.getMessage()).startsWith("Creating service account jenkins-evals-42-1 in project "
                + f.project.id() + " had an unknown outcome and its clean-up could not be listed (status 500")
                .endsWith("retry later, the orphan sweeper deletes the account if it exists.");
        assertThat(e.retryable()).isTrue();
        assertThat(f.openai.calls(Endpoint.CREATE_SERVICE_ACCOUNT)).as("never create twice blindly").isEqualTo(1);
    }

    @Test
    void aDefinitiveRefusalIsNotReconciled() {
        f.openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.status(400));

        catchThrowableOfType(() -> client.createServiceAccount(f.project.id(), f.uniqueNames()), OpenAiException.class);

        assertThat(f.openai.callLog()).extracting(c -> c.endpoint()).containsExactly(Endpoint.CREATE_SERVICE_ACCOUNT);
    }

    @Test
    void aRefusedConnectionIsRetriedWithoutReconciling() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        OpenAiAdminClient c = f.builder(f.org.adminKey()).baseUrl("http://127.0.0.1:" + closedPort + "/v1").build();

        OpenAiException e = catchThrowableOfType(() -> c.createServiceAccount("proj_1", f.uniqueNames()),
                OpenAiException.class);

        assertThat(e.getMessage()).startsWith("OpenAI at 127.0.0.1 could not be reached for POST");
        assertThat(f.time.sleeps()).hasSize(4);
    }

    @Test
    void aNameSupplierThatRepeatsItselfIsRefused() {
        f.openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.disconnectAfterProcessing());

        IllegalArgumentException e = catchThrowableOfType(
                () -> client.createServiceAccount(f.project.id(), () -> "always-the-same"),
                IllegalArgumentException.class);

        assertThat(e.getMessage()).contains("must return a new name each time");
        assertThat(live()).as("the ambiguous account was cleaned up before asking for a name").isEmpty();
    }

    @Test
    void anAmbiguousAdminKeyCreateIsNotRepeated() {
        f.openai.inject(Endpoint.CREATE_ADMIN_KEY, Fault.disconnectAfterProcessing());

        OpenAiException e = catchThrowableOfType(() -> client.createAdminKey("jenkins-rotation-7", null),
                OpenAiException.class);

        assertThat(e.getMessage()).startsWith("OpenAI may or may not have done POST /organization/admin_api_keys")
                .endsWith("look for an admin key named jenkins-rotation-7 in the organization's admin keys and "
                        + "delete it before trying again.");
        assertThat(f.openai.calls(Endpoint.CREATE_ADMIN_KEY)).isEqualTo(1);
        assertThat(f.openai.liveAdminKeys(f.org.id())).hasSize(2);
    }

    @Test
    void aRateLimitedAdminKeyCreateIsRetried() {
        f.openai.inject(Endpoint.CREATE_ADMIN_KEY, Fault.status(429).withRetryAfterSeconds(1));

        client.createAdminKey("jenkins-rotation-8", null);

        assertThat(f.openai.liveAdminKeys(f.org.id())).hasSize(2);
        assertThat(f.openai.calls(Endpoint.CREATE_ADMIN_KEY)).isEqualTo(2);
    }
}
