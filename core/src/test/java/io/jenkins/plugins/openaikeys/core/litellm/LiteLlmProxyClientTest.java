package io.jenkins.plugins.openaikeys.core.litellm;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.litellm.fake.FakeLiteLlmProxy;
import io.jenkins.plugins.openaikeys.core.testing.FakeTime;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the client makes of answers LiteLLM's published API allows (docs/getting-started-litellm.md). */
class LiteLlmProxyClientTest {

    private final FakeTime time = new FakeTime();
    private final ClientSettings settings = ClientSettings.DEFAULTS.withTime(time);
    private final FakeLiteLlmProxy proxy = FakeLiteLlmProxy.start(time);

    @AfterEach
    void close() {
        proxy.close();
    }

    private static KeyRequest request() {
        return new KeyRequest(List.of("gpt-4o"), new BigDecimal("5"), Duration.ofMinutes(30), Map.of("jenkins_build", "42"));
    }

    @Test
    void theGeneratedKeyIsIdentifiedByItsHash() {
        LiteLlmProxyClient client = LiteLlmProxyClient.create(proxy.baseUrl(), proxy.masterKey(), settings);
        GeneratedKey g = client.generate(request(), () -> "jk-chat-app-42-1795350600-ab12");
        assertThat(g.tokenId()).isEqualTo(proxy.byAlias("jk-chat-app-42-1795350600-ab12").token())
                .doesNotStartWith("sk-");
        assertThat(g.expiresOr()).isEqualTo(time.instant().plus(Duration.ofMinutes(30)));
        assertThat(proxy.byAlias(g.keyAlias()).maxBudget()).isEqualByComparingTo("5");
    }

    @Test
    void anAliasLiteLlmRefusesIsReportedAsAnAliasProblem() {
        LiteLlmProxyClient client = LiteLlmProxyClient.create(proxy.baseUrl(), proxy.masterKey(), settings);
        assertThatThrownBy(() -> client.generate(request(), () -> "_jk-chat-app-42-1795350600-ab12"))
                .isInstanceOf(LiteLlmException.class)
                .hasMessageContaining("answered 400")
                .hasMessageContaining("check the controller's name prefix and template")
                .hasMessageNotContaining("max budget");
        assertThat(proxy.keys()).isEmpty();
    }

    @Test
    void aNegativeBudgetNeverLeavesThePlugin() {
        assertThatThrownBy(() -> new KeyRequest(List.of(), new BigDecimal("-1"), Duration.ofMinutes(5), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a LiteLLM max budget cannot be negative");
    }

    @Test
    void aListWithoutTotalPagesIsReadOnWhilePagesAreFull() throws IOException {
        try (MockWebServer server = new MockWebServer()) {
            StringBuilder full = new StringBuilder("{\"keys\":[");
            for (int i = 0; i < LiteLlmProxyClient.PAGE_SIZE; i++) {
                full.append(i == 0 ? "" : ",").append("{\"token\":\"t").append(i).append("\",\"key_alias\":\"a").append(i)
                        .append("\"}");
            }
            server.enqueue(new MockResponse().setBody(full.append("],\"total_pages\":null}").toString()));
            server.enqueue(new MockResponse().setBody("{\"keys\":[{\"token\":\"last\",\"key_alias\":\"z\"}],"
                    + "\"total_pages\":null}"));
            server.start();
            LiteLlmProxyClient client = LiteLlmProxyClient.create(server.url("/").toString(),
                    SecretString.of("sk-master-1234"), settings);
            assertThat(client.list(null)).hasSize(LiteLlmProxyClient.PAGE_SIZE + 1);
            assertThat(server.getRequestCount()).isEqualTo(2);
        }
    }
}
