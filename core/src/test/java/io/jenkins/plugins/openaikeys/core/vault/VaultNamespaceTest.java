package io.jenkins.plugins.openaikeys.core.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.openaikeys.core.vault.VaultException.Kind;
import java.io.IOException;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** A namespace that does not exist is named as such, on every path a client takes into Vault. */
class VaultNamespaceTest extends VaultTestSupport {

    private static final String ADVICE = "Vault namespace 'team-x' does not exist: check the Vault namespace under"
            + " Manage Jenkins > System > OpenAI Ephemeral Keys";

    private VaultEndpoint wrongNamespace() {
        return VaultEndpoint.of(vault.address()).withNamespace("team-x");
    }

    @Test
    void theFakeAnswersAnUnknownNamespaceLikeOpenBao() throws IOException {
        Request req = new Request.Builder().url(vault.address() + "/v1/secret/data/a")
                .header("X-Vault-Namespace", "team-x").header("X-Vault-Token", vault.root().rootToken().reveal())
                .build();
        try (Response r = new OkHttpClient().newCall(req).execute()) {
            assertThat(r.code()).isEqualTo(404);
            assertThat(r.body().string()).isEqualTo("{\"errors\":[\"namespace not found\"]}");
        }
    }

    @Test
    void appRoleLoginNamesTheNamespace() {
        assertThatThrownBy(() -> client(wrongNamespace(), appRole()).kvRead("secret", "a"))
                .isInstanceOfSatisfying(VaultException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.NAMESPACE_NOT_FOUND);
                    assertThat(e.status()).isEqualTo(404);
                })
                .hasMessage(ADVICE);
    }

    @Test
    void tokenLookupNamesTheNamespace() {
        VaultClient c = client(wrongNamespace(), new TokenAuth(vault.root().rootToken()));
        assertThatThrownBy(c::checkConnection).isInstanceOf(VaultException.class).hasMessage(ADVICE);
    }

    @Test
    void kvReadAndEngineCredsNameTheNamespace() {
        VaultClient c = client(wrongNamespace(), new TokenAuth(vault.root().rootToken()));
        assertThatThrownBy(() -> c.kvRead("secret", "openai/lab")).hasMessage(ADVICE);
        assertThatThrownBy(() -> c.readCreds("openai", "ci", null)).hasMessage(ADVICE);
    }

    @Test
    void aMissingPathInAnExistingNamespaceStillNamesThePath() {
        vault.root().kvPut("secret", "a", Map.of("k", "v"));
        assertThatThrownBy(() -> client().kvRead("secret", "missing"))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND))
                .hasMessageNotContaining("namespace");
    }

    @Test
    void aNamespaceNotFoundAnswerWithoutANamespaceSentIsNotBlamedOnTheSetting() {
        VaultRequest req = VaultRequest.get("secret/data/a", "read");
        assertThat(VaultErrors.fromResponse("http://v", null, req, 404, java.util.List.of("namespace not found")).kind())
                .isEqualTo(Kind.NOT_FOUND);
        assertThat(VaultErrors.fromResponse("http://v", "ns", req, 400, java.util.List.of("namespace not found")))
                .hasMessageContaining("Vault namespace 'ns' does not exist");
    }
}
