package io.jenkins.plugins.openaikeys.core.openai;

import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.http.RetryPolicy;
import io.jenkins.plugins.openaikeys.core.openai.fake.Endpoint;
import io.jenkins.plugins.openaikeys.core.openai.fake.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Every error class gives one sentence that says what to fix, with status, type, code and request id. */
class OpenAiErrorsTest {

    private final FakeOpenAiFixture f = new FakeOpenAiFixture();
    private final OpenAiAdminClient client = f.client();

    @AfterEach
    void close() {
        f.close();
    }

    private OpenAiException getProjectFails(OpenAiAdminClient c) {
        return catchThrowableOfType(() -> c.getProject(f.project.id()), OpenAiException.class);
    }

    @Test
    void deletedAdminKeyIsRejectedWith401() {
        String keyValue = f.org.adminKey().reveal();
        f.org.deleteAdminKey(f.org.adminKeyId());

        OpenAiException e = getProjectFails(client);

        assertThat(e).isInstanceOf(EphemeralKeyException.class);
        assertThat(e.getMessage()).startsWith("OpenAI rejected the admin API key (401 invalid_api_key: ")
                .endsWith(": check the admin config in Vault.")
                .contains("x-request-id req_", "Incorrect API key provided: sk-****. You can find")
                .doesNotContain(keyValue).doesNotContain(keyValue.substring(9, 30));
        assertThat(e.status()).isEqualTo(401);
        assertThat(e.type()).isEqualTo("invalid_request_error");
        assertThat(e.code()).isEqualTo("invalid_api_key");
        assertThat(e.requestId()).startsWith("req_");
        assertThat(e.retryable()).isFalse();
        assertThat(f.openai.calls(Endpoint.GET_PROJECT)).as("401 is not retried").isEqualTo(1);
    }

    @Test
    void expiredAdminKeyIsRejected() {
        var shortLived = f.org.createAdminKey("short", java.time.Duration.ofMinutes(5));
        f.time.advance(java.time.Duration.ofMinutes(6));

        OpenAiException e = getProjectFails(f.client(shortLived.value()));

        assertThat(e.status()).isEqualTo(401);
        assertThat(e.getMessage()).contains("check the admin config in Vault");
    }

    @Test
    void aProjectKeyCannotCallTheAdminApi() {
        CreatedServiceAccount created = client.createServiceAccount(f.project.id(), f.uniqueNames());

        OpenAiException e = getProjectFails(f.client(created.keyValue()));

        assertThat(e.status()).isEqualTo(401);
        assertThat(e.getMessage()).contains("OpenAI rejected the admin API key", "Missing scopes")
                .doesNotContain(created.keyValue().reveal());
    }

    @Test
    void wrongOrganizationIdIsNamed() {
        OpenAiAdminClient c = f.builder(f.org.adminKey()).organizationId("org-someoneelse").build();

        OpenAiException e = getProjectFails(c);

        assertThat(e.code()).isEqualTo("mismatched_organization");
        assertThat(e.getMessage()).contains("check organization_id in the admin config in Vault");
    }

    @Test
    void forbiddenSaysWhichKeyIsNeeded() {
        f.openai.inject(Endpoint.GET_PROJECT, Fault.status(403).withError("invalid_request_error", "unsupported_country_region_territory"));

        OpenAiException e = getProjectFails(client);

        assertThat(e.status()).isEqualTo(403);
        assertThat(e.code()).isEqualTo("unsupported_country_region_territory");
        assertThat(e.getMessage()).startsWith("OpenAI refused GET /organization/projects/" + f.project.id())
                .contains("check that it is an admin key of the organization that owns the project");
    }

    @Test
    void unknownProjectSaysCheckTheProjectId() {
        OpenAiException e = catchThrowableOfType(() -> client.getProject("proj_doesnotexist"), OpenAiException.class);

        assertThat(e.status()).isEqualTo(404);
        assertThat(e.getMessage()).startsWith("OpenAI does not know project proj_doesnotexist (404")
                .endsWith(": check the role's project id.");
    }

    @Test
    void projectOfAnotherOrganizationIsUnknown() {
        var other = f.openai.createOrganization().createProject("theirs");

        OpenAiException e = catchThrowableOfType(() -> client.createServiceAccount(other.id(), f.uniqueNames()),
                OpenAiException.class);

        assertThat(e.getMessage()).contains("OpenAI does not know project " + other.id(), "check the role's project id");
        assertThat(f.openai.allLiveServiceAccounts()).isEmpty();
    }

    @Test
    void archivedProjectCannotGetServiceAccounts() {
        f.project.archive();

        OpenAiException e = catchThrowableOfType(() -> client.createServiceAccount(f.project.id(), f.uniqueNames()),
                OpenAiException.class);

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.type()).isEqualTo("invalid_request_error");
        assertThat(e.getMessage()).contains("because project " + f.project.id() + " is archived")
                .endsWith(": unarchive the project or point the role at an active project.");
        assertThat(f.openai.calls(Endpoint.CREATE_SERVICE_ACCOUNT)).isEqualTo(1);
        assertThat(f.openai.calls(Endpoint.LIST_SERVICE_ACCOUNTS)).as("a 400 is definitive").isZero();
        assertThat(f.openai.liveServiceAccounts(f.project.id())).isEmpty();
    }

    @Test
    void insufficientQuotaIsNotRetried() {
        f.openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.status(429).withError("insufficient_quota", "insufficient_quota"));

        OpenAiException e = catchThrowableOfType(() -> client.createServiceAccount(f.project.id(), f.uniqueNames()),
                OpenAiException.class);

        assertThat(e.code()).isEqualTo("insufficient_quota");
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("insufficient quota", "check the organization's billing and usage limits");
        assertThat(f.time.sleeps()).isEmpty();
        assertThat(f.openai.liveServiceAccounts(f.project.id())).isEmpty();
    }

    @Test
    void serverErrorsAfterAllRetriesSayRetryLater() {
        f.openai.inject(Endpoint.GET_PROJECT, Fault.status(503).times(10));

        OpenAiException e = getProjectFails(client);

        assertThat(e.status()).isEqualTo(503);
        assertThat(e.type()).isEqualTo("server_error");
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).startsWith("OpenAI failed GET /organization/projects/" + f.project.id()
                + " with 503 on all 5 attempts over 7.5 s (503 server_error: ").endsWith("OpenAI is having trouble, retry later.");
        assertThat(f.openai.calls(Endpoint.GET_PROJECT)).isEqualTo(5);
    }

    @Test
    void anHtmlGatewayPageIsNamedWithoutEchoingIt() {
        f.openai.inject(Endpoint.GET_PROJECT, Fault.status(502).withHtmlBody().times(10));

        OpenAiException e = getProjectFails(client);

        assertThat(e.status()).isEqualTo(502);
        assertThat(e.getMessage()).startsWith("OpenAI answered 502 to GET /organization/projects/" + f.project.id()
                + " with a body that was not JSON on all 5 attempts (x-request-id req_")
                .endsWith("a proxy or gateway between Jenkins and OpenAI is failing, retry later.")
                .doesNotContain("<html>", "cloudflare");
    }

    @Test
    void anHtmlPageWithA4xxPointsAtTheBaseUrl() {
        f.openai.inject(Endpoint.GET_PROJECT, Fault.status(404).withBody("text/html", "<html>nginx</html>"));

        OpenAiException e = getProjectFails(client);

        assertThat(e.getMessage()).contains("with a body that was not JSON", "check that the base URL " + f.openai.baseUrl())
                .doesNotContain("nginx");
    }

    @Test
    void malformedJsonIsAClearError() {
        f.openai.inject(Endpoint.GET_PROJECT, Fault.malformedJson());

        OpenAiException e = getProjectFails(client);

        assertThat(e.status()).isEqualTo(200);
        assertThat(e.getMessage()).startsWith("OpenAI answered 200 to GET /organization/projects/" + f.project.id()
                + " with a body that was not JSON").contains("points to the OpenAI API");
        assertThat(e.getCause()).as("Jackson quotes its input; it must not ride along").isNull();
    }

    @Test
    void aHugeBodyIsCutAt1MiB() {
        f.openai.inject(Endpoint.GET_PROJECT, Fault.hugeBody(5 * 1024 * 1024));

        OpenAiException e = getProjectFails(client);

        assertThat(e.getMessage()).startsWith("OpenAI answered with a body larger than 1 MiB to GET /organization/projects/")
                .contains("check that the base URL " + f.openai.baseUrl() + " points to the OpenAI API");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void aHugeChunkedBodyIsCutAt1MiB() {
        f.openai.inject(Endpoint.LIST_SERVICE_ACCOUNTS, Fault.hugeBody(5 * 1024 * 1024).chunked());

        OpenAiException e = catchThrowableOfType(() -> client.listServiceAccounts(f.project.id()), OpenAiException.class);

        assertThat(e.getMessage()).startsWith("OpenAI answered with a body larger than 1 MiB");
    }

    @Test
    void aBodyJustUnder1MiBIsRead() throws Exception {
        // a page with long names, 1 MiB minus a little: must still parse
        f.project.addServiceAccount("x".repeat(900 * 1024));

        assertThat(client.listServiceAccounts(f.project.id())).hasSize(1);
    }

    @Test
    void aMissingFieldIsNamed() {
        f.openai.inject(Endpoint.GET_PROJECT, Fault.status(200).withBody("application/json", "{\"object\":\"organization.project\"}"));

        OpenAiException e = getProjectFails(client);

        assertThat(e.getMessage()).contains("with an answer without the field id");
    }

    @Test
    void anUnreachableHostIsNamed() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        OpenAiAdminClient c = OpenAiAdminClient.builder().baseUrl("http://127.0.0.1:" + closedPort + "/v1")
                .adminKey(f.org.adminKey())
                .settings(ClientSettings.DEFAULTS.withTime(f.time).withRetryPolicy(FakeOpenAiFixture.POLICY)).build();

        OpenAiException e = getProjectFails(c);

        assertThat(e.status()).isZero();
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).startsWith("OpenAI at 127.0.0.1 could not be reached for GET /organization/projects/")
                .contains("on all 5 attempts", "check the network, the proxy and the base URL http://127.0.0.1:" + closedPort + "/v1");
        assertThat(f.time.sleeps()).hasSize(4);
    }

    @Test
    void aWrongPathIsA404ThatNamesTheBaseUrl() {
        OpenAiAdminClient c = f.builder(f.org.adminKey()).baseUrl(f.openai.baseUrl().replace("/v1", "/v2")).build();

        OpenAiException e = catchThrowableOfType(c::listAdminKeys, OpenAiException.class);

        assertThat(e.status()).isEqualTo(404);
        assertThat(e.getMessage()).contains("check the id and the base URL");
    }

    @Test
    void anAdminKeyWithInnerSpacesIsRefusedWithoutShowingIt() {
        IllegalArgumentException e = catchThrowableOfType(
                () -> OpenAiAdminClient.builder().adminKey(SecretString.of("sk-admin-abc def")),
                IllegalArgumentException.class);

        assertThat(e.getMessage()).contains("check the admin config in Vault").doesNotContain("abc");
    }

    @Test
    void noRetriesMeansOneAttempt() {
        OpenAiAdminClient c = f.builder(f.org.adminKey())
                .settings(f.settings().withRetryPolicy(RetryPolicy.NONE)).build();
        f.openai.inject(Endpoint.GET_PROJECT, Fault.status(500));

        OpenAiException e = getProjectFails(c);

        assertThat(e.getMessage()).startsWith("OpenAI failed GET /organization/projects/" + f.project.id() + " with 500 (500 server_error");
        assertThat(f.openai.calls(Endpoint.GET_PROJECT)).isEqualTo(1);
    }
}
