package io.jenkins.plugins.openaikeys.core.vault;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.http.RetryPolicy;
import io.jenkins.plugins.openaikeys.core.testing.FakeTime;
import io.jenkins.plugins.openaikeys.core.vault.VaultException.Kind;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real TLS handshakes against a loopback HTTPS server whose self-signed certificate keytool makes. */
class VaultTlsTest {

    private static final String LOOKUP = "{\"data\":{\"ttl\":0,\"renewable\":false}}";

    @TempDir
    static Path dir;
    private static String pem;
    private static Path ks;
    private final MockWebServer server = new MockWebServer();
    private final FakeTime time = new FakeTime();

    @BeforeAll
    static void makeCertificate() throws Exception {
        ks = dir.resolve("vault.p12");
        keytool("-genkeypair", "-alias", "vault", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        Path cert = dir.resolve("vault.pem");
        keytool("-exportcert", "-rfc", "-alias", "vault", "-keystore", ks.toString(), "-storepass", "changeit",
                "-file", cert.toString());
        pem = Files.readString(cert);
    }

    @BeforeEach
    void startHttps() throws Exception {
        char[] pw = "changeit".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, pw);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, pw);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        server.useHttps(ctx.getSocketFactory(), false);
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() throws Exception {
        server.shutdown();
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("keytool " + String.join(" ", args)).isZero();
    }

    private VaultClient client(VaultEndpoint endpoint) {
        return VaultClient.builder(endpoint, new TokenAuth(SecretString.of("hvs.tls-test-token-0000000000")))
                .settings(ClientSettings.DEFAULTS.withTime(time).withRetryPolicy(RetryPolicy.NONE)).build();
    }

    private String address() {
        return "https://127.0.0.1:" + server.getPort();
    }

    @Test
    void trustsThePemBundle() {
        server.enqueue(new MockResponse().setBody(LOOKUP));
        server.enqueue(new MockResponse().setBody(LOOKUP));
        client(VaultEndpoint.of(address()).withCaCertificatePem("# our CA\n" + pem)).checkConnection();
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void driverLoginUsesTheSameTrust() throws Exception {
        server.enqueue(new MockResponse().setHeader("Content-Type", "application/json")
                .setBody("{\"renewable\":false,\"auth\":{\"client_token\":\"hvs.tls-login-token-000000\",\"lease_duration\":3600,"
                        + "\"renewable\":true,\"policies\":[\"default\"],\"metadata\":{},\"accessor\":\"acc\"}}"));
        server.enqueue(new MockResponse().setBody(LOOKUP));
        VaultClient c = VaultClient.builder(VaultEndpoint.of(address()).withCaCertificatePem(pem),
                        new AppRoleAuth(null, "rid", SecretString.of("sid")))
                .settings(ClientSettings.DEFAULTS.withTime(time).withRetryPolicy(RetryPolicy.NONE)).build();
        c.checkConnection();
        assertThat(server.takeRequest().getPath()).isEqualTo("/v1/auth/approle/login");
        assertThat(server.takeRequest().getHeader("X-Vault-Token")).isEqualTo("hvs.tls-login-token-000000");

        VaultClient untrusting = VaultClient.builder(VaultEndpoint.of(address()),
                        new AppRoleAuth(null, "rid", SecretString.of("sid")))
                .settings(ClientSettings.DEFAULTS.withTime(time).withRetryPolicy(RetryPolicy.NONE)).build();
        assertThatThrownBy(untrusting::checkConnection)
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
                .hasMessageContaining("TLS handshake failed");
    }

    @Test
    void refusesAnUnknownCertificateWithAClearSentence() {
        assertThatThrownBy(client(VaultEndpoint.of(address()))::checkConnection)
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
                .hasMessageContaining("TLS handshake failed (check the CA certificate)");
    }

    @Test
    void insecureFlagSkipsVerification() {
        server.enqueue(new MockResponse().setBody(LOOKUP));
        server.enqueue(new MockResponse().setBody(LOOKUP));
        client(VaultEndpoint.of(address()).withInsecureSkipTlsVerification(true)).checkConnection();
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void garbagePemIsRefusedUpFront() {
        assertThatThrownBy(() -> client(VaultEndpoint.of(address()).withCaCertificatePem("not a certificate")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no -----BEGIN CERTIFICATE----- block");
        String broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----";
        assertThatThrownBy(() -> client(VaultEndpoint.of(address()).withCaCertificatePem(broken)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a valid PEM certificate");
    }
}
