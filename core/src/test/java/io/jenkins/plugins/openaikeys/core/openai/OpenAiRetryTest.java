package io.jenkins.plugins.openaikeys.core.openai;

import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.http.RetryPolicy;
import io.jenkins.plugins.openaikeys.core.openai.fake.Endpoint;
import io.jenkins.plugins.openaikeys.core.openai.fake.Fault;
import io.jenkins.plugins.openaikeys.core.testing.FakeTime;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Which failures are retried, how long we wait (FakeTime records every sleep), and when we give up. */
class OpenAiRetryTest {

    private final FakeOpenAiFixture f = new FakeOpenAiFixture();
    private final OpenAiAdminClient client = f.client();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void retryAfterMsIsHonoured() {
        f.openai.inject(Endpoint.GET_PROJECT, Fault.status(429).withRetryAfterMs(1500).times(2));

        client.getProject(f.project.id());

        assertThat(f.time.sleeps()).containsExactly(ofMillis(1500), ofMillis(1500));
        assertThat(f.openai.calls(Endpoint.GET_PROJECT)).isEqualTo(3);
    }

    @Test
    void retryAfterMsWinsOverRetryAfter() {
        f.openai.inject(Endpoint.GET_PROJECT, Fault.status(429).withRetryAfterMs(250).withRetryAfterSeconds(9));

        client.getProject(f.project.id());

        assertThat(f.time.sleeps()).containsExactly(ofMillis(250));
    }

    @Test
    void retryAfterSecondsIsHonoured() {
        f.openai.inject(Endpoint.LIST_ADMIN_KEYS, Fault.status(503).withRetryAfterSeconds(3));

        assertThat(client.listAdminKeys()).hasSize(1);
        assertThat(f.time.sleeps()).containsExactly(ofSeconds(3));
    }

    @Test
    void retryAfterHttpDateIsHonoured() {
        f.openai.inject(Endpoint.GET_PROJECT, Fault.status(429).withRetryAfterDate(f.time.instant().plusSeconds(7)));

        client.getProject(f.project.id());

        assertThat(f.time.sleeps()).containsExactly(ofSeconds(7));
    }

    @Test
    void withoutAHintBackoffDoubles() {
        f.openai.inject(Endpoint.GET_PROJECT, Fault.status(500).times(3));

        client.getProject(f.project.id());

        assertThat(f.time.sleeps()).containsExactly(ofMillis(500), ofSeconds(1), ofSeconds(2));
    }

    /** The client's waits double up to the cap and then stay there, attempt after attempt. */
    @Test
    void withoutAHintBackoffStaysAtTheCapOnceReached() {
        RetryPolicy capped = new RetryPolicy(8, Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofMinutes(5),
                () -> 1.0);
        OpenAiAdminClient patient = f.builder(f.org.adminKey()).settings(f.settings().withRetryPolicy(capped)).build();
        f.openai.inject(Endpoint.GET_PROJECT, Fault.status(503).times(7));

        patient.getProject(f.project.id());

        assertThat(f.time.sleeps()).containsExactly(ofMillis(500), ofSeconds(1), ofSeconds(2), ofSeconds(2),
                ofSeconds(2), ofSeconds(2), ofSeconds(2));
        assertThat(f.openai.calls(Endpoint.GET_PROJECT)).isEqualTo(8);
    }

    @Test
    void requestTimeoutAndConflictAreRetried() {
        f.openai.inject(Endpoint.GET_PROJECT, Fault.status(408));
        f.openai.inject(Endpoint.GET_PROJECT, Fault.status(409));

        client.getProject(f.project.id());

        assertThat(f.openai.calls(Endpoint.GET_PROJECT)).isEqualTo(3);
    }

    @Test
    void aBadRequestIsNotRetried() {
        f.openai.inject(Endpoint.GET_PROJECT, Fault.status(400));

        catchThrowableOfType(() -> client.getProject(f.project.id()), OpenAiException.class);

        assertThat(f.openai.calls(Endpoint.GET_PROJECT)).isEqualTo(1);
        assertThat(f.time.sleeps()).isEmpty();
    }

    @Test
    void aDroppedConnectionOnAReadIsRetried() {
        f.openai.inject(Endpoint.LIST_SERVICE_ACCOUNTS, Fault.disconnect());

        assertThat(client.listServiceAccounts(f.project.id())).isEmpty();
        assertThat(f.time.sleeps()).containsExactly(ofMillis(500));
    }

    @Test
    void aListWithoutDataIsMalformedNotRetried() {
        f.openai.inject(Endpoint.LIST_SERVICE_ACCOUNTS, Fault.status(200).withBody("application/json", "{}"));

        OpenAiException e = catchThrowableOfType(() -> client.listServiceAccounts(f.project.id()), OpenAiException.class);

        assertThat(e.getMessage()).contains("a list without a data array");
        assertThat(f.openai.calls(Endpoint.LIST_SERVICE_ACCOUNTS)).isEqualTo(1);
    }

    @Test
    void aRetriedPageIsReadOnce() {
        f.project.addServiceAccounts("seed", 5);
        OpenAiAdminClient smallPages = f.builder(f.org.adminKey()).pageSize(2).build();
        f.openai.inject(Endpoint.LIST_SERVICE_ACCOUNTS, Fault.status(502).afterProcessing());

        assertThat(smallPages.listServiceAccounts(f.project.id())).hasSize(5).extracting(ServiceAccount::id)
                .doesNotHaveDuplicates();
        assertThat(f.openai.calls(Endpoint.LIST_SERVICE_ACCOUNTS)).isEqualTo(4);
    }

    @Test
    void deleteIsRetriedAndIdempotent() {
        CreatedServiceAccount created = client.createServiceAccount(f.project.id(), f.uniqueNames());
        f.openai.inject(Endpoint.DELETE_SERVICE_ACCOUNT, Fault.status(502).afterProcessing());

        client.deleteServiceAccount(f.project.id(), created.account().id());

        assertThat(f.openai.liveServiceAccounts(f.project.id())).isEmpty();
        assertThat(f.openai.calls(Endpoint.DELETE_SERVICE_ACCOUNT)).isEqualTo(2);
    }

    @Test
    void aRateLimitThatOutlastsTheBudgetGivesAClearSentence() {
        f.openai.inject(Endpoint.GET_PROJECT, Fault.status(429).withRetryAfterSeconds(20).times(100));

        OpenAiException e = catchThrowableOfType(() -> client.getProject(f.project.id()), OpenAiException.class);

        assertThat(f.time.sleeps()).containsExactly(ofSeconds(20), ofSeconds(20), ofSeconds(20));
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).startsWith("OpenAI kept answering 429 to GET /organization/projects/"
                + f.project.id() + ": the OpenAI rate limit held for 60 s over 4 attempts (429 rate_limit_exceeded")
                .endsWith("retry later or mint fewer keys at once.");
    }

    @Test
    void theFakesTokenBucketIsWaitedOut() {
        f.openai.rateLimit(2.0, 2);

        for (int i = 0; i < 5; i++) {
            client.getProject(f.project.id());
        }

        assertThat(f.time.sleeps()).containsExactly(ofMillis(500), ofMillis(500), ofMillis(500));
        assertThat(f.openai.callLog()).extracting(c -> c.status()).containsExactly(200, 200, 429, 200, 429, 200, 429, 200);
    }

    @Test
    void shouldRetryHeaderOverridesTheStatus() throws Exception {
        FakeTime time = new FakeTime();
        try (MockWebServer server = new MockWebServer()) {
            server.start(InetAddress.getByName("127.0.0.1"), 0);
            server.enqueue(new MockResponse().setResponseCode(503).setHeader("x-should-retry", "false")
                    .setBody("{\"error\":{\"message\":\"no\",\"type\":\"server_error\"}}"));
            server.enqueue(new MockResponse().setResponseCode(400).setHeader("x-should-retry", "true"));
            server.enqueue(new MockResponse().setBody("{\"id\":\"proj_1\",\"name\":\"p\",\"status\":\"active\"}"));
            OpenAiAdminClient c = OpenAiAdminClient.builder().baseUrl("http://127.0.0.1:" + server.getPort() + "/v1")
                    .adminKey(f.org.adminKey())
                    .settings(ClientSettings.DEFAULTS.withTime(time).withRetryPolicy(FakeOpenAiFixture.POLICY)).build();

            assertThat(catchThrowableOfType(() -> c.getProject("proj_1"), OpenAiException.class).retryable()).isFalse();
            assertThat(c.getProject("proj_1").id()).isEqualTo("proj_1");
            assertThat(time.sleeps()).containsExactly(ofMillis(500));
        }
    }

    @Test
    void sendsUserAgentAndOrganizationHeaders() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.start(InetAddress.getByName("127.0.0.1"), 0);
            server.enqueue(new MockResponse().setBody("{\"id\":\"proj_1\",\"name\":\"p\",\"status\":\"active\"}"));
            OpenAiAdminClient c = OpenAiAdminClient.builder().baseUrl("http://127.0.0.1:" + server.getPort() + "/v1/")
                    .adminKey(f.org.adminKey()).organizationId("org-abc").build();

            c.getProject("proj_1");

            var request = server.takeRequest();
            assertThat(request.getPath()).isEqualTo("/v1/organization/projects/proj_1");
            assertThat(request.getHeader("User-Agent")).matches("openai-ephemeral-keys/\\S+");
            assertThat(request.getHeader("OpenAI-Organization")).isEqualTo("org-abc");
            assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + f.org.adminKey().reveal());
        }
    }

    @Test
    void interruptedWaitStopsTheCallAndKeepsTheFlag() {
        OpenAiAdminClient c = f.builder(f.org.adminKey()).settings(f.settings().withSleeper(d -> {
            throw new InterruptedException();
        })).build();
        f.openai.inject(Endpoint.GET_PROJECT, Fault.status(500));

        OpenAiException e = catchThrowableOfType(() -> c.getProject(f.project.id()), OpenAiException.class);

        assertThat(Thread.interrupted()).isTrue();
        assertThat(e.getMessage()).contains("was interrupted");
    }

    @Test
    void budgetIsMeasuredOnTheClock() {
        OpenAiAdminClient c = f.builder(f.org.adminKey())
                .settings(f.settings().withRetryPolicy(FakeOpenAiFixture.POLICY.withTotalBudget(Duration.ofSeconds(2))))
                .build();
        f.openai.inject(Endpoint.GET_PROJECT, Fault.status(500).times(10));

        catchThrowableOfType(() -> c.getProject(f.project.id()), OpenAiException.class);

        assertThat(f.time.sleeps()).containsExactly(ofMillis(500), ofSeconds(1));
    }
}
