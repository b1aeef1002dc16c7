package io.jenkins.plugins.openaikeys.core.vault;

import okhttp3.OkHttpClient;

import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import java.net.http.HttpClient;

/**
 * Builds the two HTTP stacks one {@link VaultClient} uses — okhttp for the API calls, the
 * JDK client that vault-java-driver requires for logins — from the same endpoint settings,
 * so TLS trust and timeouts can never differ between them.
 */
final class VaultHttpClients {

    private VaultHttpClients() {
    }

    static OkHttpClient okHttp(VaultEndpoint endpoint, OkHttpClient base) {
        OkHttpClient.Builder b = (base == null ? new OkHttpClient() : base).newBuilder()
                .connectTimeout(endpoint.timeout())
                .readTimeout(endpoint.timeout())
                .writeTimeout(endpoint.timeout())
                .callTimeout(endpoint.timeout().multipliedBy(2))
                .retryOnConnectionFailure(false)
                .followRedirects(false);
        X509TrustManager tm = VaultTls.trustManager(endpoint);
        if (tm != null) {
            b.sslSocketFactory(VaultTls.sslContext(tm).getSocketFactory(), tm);
        }
        if (endpoint.insecureSkipTlsVerification()) {
            b.hostnameVerifier((host, session) -> true);
        }
        return b.build();
    }

    /**
     * The JDK client for the driver's logins. Note: the JDK client has no per-client switch
     * for hostname verification, so insecure mode skips chain validation only.
     */
    static HttpClient jdk(VaultEndpoint endpoint) {
        X509TrustManager tm = VaultTls.trustManager(endpoint);
        SSLContext ctx = tm == null ? null : VaultTls.sslContext(tm);
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(endpoint.timeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (ctx != null) {
            b.sslContext(ctx);
        }
        return new BoundedBodyHttpClient(b.build(), VaultHttp.MAX_BODY_BYTES, endpoint.timeout());
    }
}
