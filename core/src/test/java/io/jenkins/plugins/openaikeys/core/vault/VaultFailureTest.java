package io.jenkins.plugins.openaikeys.core.vault;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.vault.VaultException.Kind;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VaultFailureTest extends VaultTestSupport {

    @Test
    void sealedVaultFailsFastOnLoginAndOnCalls() {
        vault.root().kvPut("secret", "a", Map.of("k", "v"));
        VaultClient c = client();
        vault.seal();
        assertThatThrownBy(c::checkConnection)
                .isInstanceOfSatisfying(VaultException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.SEALED);
                    assertThat(e.status()).isEqualTo(503);
                })
                .hasMessage("Vault at " + vault.address() + " is sealed: unseal it");
        assertThat(vault.calls("POST auth/approle/login")).isEqualTo(1);

        vault.unseal();
        c.kvRead("secret", "a");
        vault.seal();
        vault.resetCallLog();
        assertThatThrownBy(() -> c.kvRead("secret", "a"))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SEALED));
        assertThat(vault.calls("GET secret/data/a")).isEqualTo(1);
        assertThat(time.sleeps()).isEmpty();
    }

    @Test
    void closedPortIsUnreachableAfterRetries() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String address = "http://127.0.0.1:" + port;
        VaultClient c = client(VaultEndpoint.of(address), appRole());
        assertThatThrownBy(c::checkConnection)
                .isInstanceOfSatisfying(VaultException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
                    assertThat(e.status()).isZero();
                })
                .hasMessage("Vault at " + address + " is unreachable: connection refused — check the Vault address");
        assertThat(time.sleeps()).hasSize(FAST_RETRIES.maxAttempts() - 1);

        VaultClient token = client(VaultEndpoint.of(address), new TokenAuth(SecretString.of("hvs.whatever-token-x")));
        assertThatThrownBy(token::checkConnection).hasMessageContaining("connection refused");
    }

    @Test
    void transientServerErrorsAndDroppedConnectionsAreRetried() {
        vault.root().kvPut("secret", "a", Map.of("k", "v"));
        VaultClient c = client();
        vault.failNext("POST auth/approle/login", 1, 502);
        vault.failNext("GET secret/data/a", 1, 500);
        vault.dropNext("GET secret/data/a", 1);
        assertThat(c.kvRead("secret", "a").field("k")).as(() -> vault.callLog().toString()).isEqualTo("v");
        assertThat(vault.calls("POST auth/approle/login")).isEqualTo(2);
        assertThat(vault.calls("GET secret/data/a")).isEqualTo(3);
        assertThat(time.sleeps()).hasSize(3);
    }

    @Test
    void rateLimitIsRetriedThenReported() {
        vault.root().kvPut("secret", "a", Map.of("k", "v"));
        VaultClient c = client();
        c.checkConnection();
        vault.failNext("GET secret/data/a", 5, 429);
        assertThatThrownBy(() -> c.kvRead("secret", "a"))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED))
                .hasMessage("Vault rate-limited read on path secret/data/a (HTTP 429): try again later or raise the "
                        + "Vault rate-limit quota");
        assertThat(vault.calls("GET secret/data/a")).isEqualTo(FAST_RETRIES.maxAttempts());
    }

    @Test
    void nonJsonAnswerIsMalformed() {
        VaultClient c = client();
        c.checkConnection();
        vault.respondNext("GET secret/data/a", 1, 200, "<html>proxy login</html>");
        assertThatThrownBy(() -> c.kvRead("secret", "a"))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED_RESPONSE))
                .hasMessage("Vault answered read on path secret/data/a with a response that is not JSON: check that "
                        + vault.address() + " is Vault and not a proxy or another service");
        vault.respondNext("POST auth/approle/login", 1, 200, "{\"auth\":null}");
        cache.clear();
        assertThatThrownBy(c::checkConnection)
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED_RESPONSE))
                .hasMessageContaining("could not be read");
    }

    @Test
    void hugeAnswersAreCutAtOneMebibyte() {
        VaultClient c = client();
        c.checkConnection();
        vault.hugeNext("GET secret/data/a", 3 * 1024 * 1024);
        assertThatThrownBy(() -> c.kvRead("secret", "a"))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED_RESPONSE))
                .hasMessageContaining("larger than 1 MiB");
        cache.clear();
        vault.hugeNext("POST auth/approle/login", 3 * 1024 * 1024);
        assertThatThrownBy(c::checkConnection)
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED_RESPONSE))
                .hasMessageContaining("larger than 1 MiB");
    }

    @Test
    void secretsInVaultErrorTextAreScrubbedAndTruncated() {
        VaultClient c = client();
        c.checkConnection();
        vault.respondNext("GET secret/data/a", 1, 400, "{\"errors\":[\"bad key sk-admin-abcdefghijklmnop and token "
                + "hvs.ABCDEFGHIJKLMNOPQRSTUVWX " + "x".repeat(1000) + "\"]}");
        assertThatThrownBy(() -> c.kvRead("secret", "a"))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST))
                .hasMessageContaining("bad key **** and token ****")
                .hasMessageNotContaining("abcdefghijklmnop")
                .hasMessageNotContaining("ABCDEFGHIJKLMNOP")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(450));
    }

    @Test
    void loginErrorNeverShowsTheDriversBodyDump() {
        vault.respondNext("POST auth/approle/login", 1, 400, "{\"errors\":[\"invalid secret id\"],\"echo\":\""
                + SECRET_ID + "\"}");
        assertThatThrownBy(client()::checkConnection)
                .hasMessage("Vault rejected the AppRole login at auth/approle (Vault says: invalid secret id): "
                        + "check role_id/secret_id");
        assertThat(allLogText()).doesNotContain(SECRET_ID);
    }

    @Test
    void insecureModeWarnsOncePerClient() {
        VaultEndpoint insecure = VaultEndpoint.of(vault.address()).withInsecureSkipTlsVerification(true);
        VaultClient c = client(insecure, appRole());
        c.checkConnection();
        c.checkConnection();
        assertThat(logs.stream().filter(r -> r.getLevel() == Level.WARNING)
                .filter(r -> r.getMessage().contains("DISABLED"))).hasSize(1);
        assertThat(insecure.toString()).contains("TLS VERIFICATION DISABLED");
    }

    @Test
    void endpointValidation() {
        assertThat(VaultEndpoint.of("https://vault:8200/v1/").address()).isEqualTo("https://vault:8200");
        assertThat(VaultEndpoint.of("https://vault:8200").timeout()).isEqualTo(VaultEndpoint.DEFAULT_TIMEOUT);
        assertThatThrownBy(() -> VaultEndpoint.of("vault:8200")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("https://");
        assertThatThrownBy(() -> VaultEndpoint.of("https://user:pw@vault:8200"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("pw");
        assertThat(VaultEndpoint.of("https://v").withNamespace(" ").namespace()).isNull();
        assertThat(VaultEndpoint.of("https://v").withTimeout(Duration.ofSeconds(5)).timeout()).isEqualTo(Duration.ofSeconds(5));
    }
}
