package io.jenkins.plugins.openaikeys.core.vault;

import io.github.jopenlibs.vault.EnvironmentLoader;
import io.github.jopenlibs.vault.SslConfig;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.api.Auth;
import io.github.jopenlibs.vault.response.AuthResponse;
import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.http.Retrier;
import io.jenkins.plugins.openaikeys.core.http.Retrier.Outcome;
import io.jenkins.plugins.openaikeys.core.vault.VaultException.Kind;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs in with AppRole, JWT or Kubernetes through vault-java-driver's {@link Auth}.
 *
 * <p>The driver is kept on a short leash: it gets our bounded JDK client (TLS, timeout, 1 MiB
 * cap), an environment loader that reads nothing (so {@code VAULT_TOKEN} or
 * {@code ~/.vault-token} on the controller can never leak in), no driver retries (ours
 * apply, with the injectable sleeper), and its exception messages — which embed the whole
 * response body — are never shown; only the status and Vault's scrubbed {@code errors} are.
 */
final class DriverLogin {

    private static final Logger LOG = Logger.getLogger(DriverLogin.class.getName());

    /** Reads no environment variable: every setting comes from {@link VaultEndpoint}. */
    private static final class NoEnvironment extends EnvironmentLoader {
        private static final long serialVersionUID = 1L;

        @Override
        public String loadVariable(String name) {
            return null;
        }
    }

    private final VaultEndpoint endpoint;
    private final HttpClient jdkClient;
    private final Clock clock;
    private final Retrier retrier;
    private final Function<String, List<String>> errorParser;

    DriverLogin(VaultEndpoint endpoint, HttpClient jdkClient, Clock clock, Retrier retrier,
                Function<String, List<String>> errorParser) {
        this.endpoint = endpoint;
        this.jdkClient = jdkClient;
        this.clock = clock;
        this.retrier = retrier;
        this.errorParser = errorParser;
    }

    VaultToken login(VaultAuthMethod method) {
        return retrier.run(attempts -> {
            VaultException failure;
            try {
                return Outcome.success(once(method));
            } catch (VaultException e) {
                failure = e;
            }
            boolean transientFailure = failure.kind() == Kind.UNREACHABLE
                    || failure.kind() == Kind.RATE_LIMITED || failure.kind() == Kind.SERVER_ERROR;
            return Outcome.<VaultToken>failure(failure)
                    .retryableIf(transientFailure)
                    .beforeRetry((n, delay) -> LOG.log(Level.FINE, "Vault login {0} failed (\"{1}\"); retrying in {2} ms",
                            new Object[] {method.identity(), failure.getMessage(), delay.toMillis()}));
        });
    }

    private VaultToken once(VaultAuthMethod method) {
        Auth auth = new Auth(config());
        AuthResponse response;
        try {
            if (method instanceof AppRoleAuth a) {
                response = auth.loginByAppRole(a.mount(), a.roleId(), a.secretId().reveal());
            } else if (method instanceof JwtAuth j) {
                response = auth.loginByJwt(j.mount(), j.role(), jwt(j).reveal(), "auth/" + j.mount());
            } else if (method instanceof KubernetesAuth k) {
                response = auth.loginByKubernetes(k.role(), serviceAccountToken(k).reveal(), "auth/" + k.mount());
            } else {
                throw new IllegalArgumentException("not a login method: " + method);
            }
        } catch (io.github.jopenlibs.vault.VaultException e) {
            throw translate(method, e);
        }
        String token = response.getAuthClientToken();
        if (token == null || token.isEmpty()) {
            throw new VaultException(Kind.MALFORMED_RESPONSE, response.getRestResponse().getStatus(),
                    "Vault answered " + method.describe() + " without a client token: check that "
                            + endpoint.address() + " is Vault and not a proxy or another service");
        }
        return VaultToken.issued(SecretString.of(token), response.getAuthLeaseDuration(),
                response.isAuthRenewable(), clock.instant());
    }

    private VaultConfig config() {
        try {
            VaultConfig c = new VaultConfig()
                    .environmentLoader(new NoEnvironment())
                    .address(endpoint.address())
                    .httpClient(jdkClient)
                    .openTimeout(seconds(endpoint.timeout()))
                    .readTimeout(seconds(endpoint.timeout()))
                    .sslConfig(new SslConfig().verify(!endpoint.insecureSkipTlsVerification()));
            if (endpoint.namespace() != null) {
                c.nameSpace(endpoint.namespace());
            }
            return c.build();
        } catch (io.github.jopenlibs.vault.VaultException e) {
            throw new IllegalArgumentException("vault-java-driver refused the endpoint " + endpoint, e);
        }
    }

    private static int seconds(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (d.toMillis() + 999) / 1000));
    }

    private static SecretString jwt(JwtAuth j) {
        SecretString value;
        try {
            value = j.jwt().get();
        } catch (RuntimeException e) {
            throw new VaultException(Kind.LOGIN_FAILED, 0, "Could not obtain the JWT for " + j.describe()
                    + " (" + e.getClass().getSimpleName() + "): check the JWT source", e);
        }
        if (value == null) {
            throw new VaultException(Kind.LOGIN_FAILED, 0, "No JWT is available for " + j.describe()
                    + ": check the JWT source");
        }
        return value;
    }

    private static SecretString serviceAccountToken(KubernetesAuth k) {
        String value;
        try {
            value = Files.readString(k.tokenFile()).trim();
        } catch (IOException | RuntimeException e) {
            throw new VaultException(Kind.LOGIN_FAILED, 0, "Cannot read the Kubernetes service-account token file "
                    + k.tokenFile() + ": check that the pod mounts its service-account token there", e);
        }
        if (value.isEmpty()) {
            throw new VaultException(Kind.LOGIN_FAILED, 0, "The Kubernetes service-account token file "
                    + k.tokenFile() + " is empty: check the pod's service-account token mount");
        }
        return SecretString.of(value);
    }

    /** The driver's exception: status, or an I/O cause; its message (with the body) is never reused as is. */
    private VaultException translate(VaultAuthMethod method, io.github.jopenlibs.vault.VaultException e) {
        int status = e.getHttpStatusCode();
        IOException io = ioCause(e);
        if (inChain(e, BoundedBodyHttpClient.BodyTooLargeException.class)) {
            return new VaultException(Kind.MALFORMED_RESPONSE, 0, "Vault answered " + method.describe()
                    + " with a body larger than 1 MiB: check that " + endpoint.address() + " is Vault");
        }
        if (status == 0 && io != null) {
            return VaultErrors.unreachable(endpoint.address(), io);
        }
        List<String> errors = errorParser.apply(bodyOf(e.getMessage()));
        if (status == 200) {
            return new VaultException(Kind.MALFORMED_RESPONSE, status, "Vault answered " + method.describe()
                    + " with a response that is not JSON: check that " + endpoint.address() + " is Vault");
        }
        if (VaultErrors.isSealed(status, errors)) {
            return new VaultException(Kind.SEALED, status, "Vault at " + endpoint.address() + " is sealed: unseal it");
        }
        if (VaultErrors.isNamespaceNotFound(endpoint.namespace(), status, errors)) {
            return VaultErrors.namespaceNotFound(endpoint.namespace(), status);
        }
        if (status == 429) {
            return new VaultException(Kind.RATE_LIMITED, status, "Vault rate-limited " + method.describe()
                    + " (HTTP 429): try again later or raise the Vault rate-limit quota");
        }
        if (status >= 500 || status == 412) {
            return new VaultException(Kind.SERVER_ERROR, status, "Vault failed " + method.describe() + " with HTTP "
                    + status + VaultErrors.quote(errors) + ": check the Vault server log");
        }
        if (status == 0) {
            // no HTTP status and no I/O failure: the driver could not read a 200 answer
            return new VaultException(Kind.MALFORMED_RESPONSE, 0, "Vault answered " + method.describe()
                    + " with a response that could not be read: check that " + endpoint.address() + " is Vault");
        }
        return new VaultException(Kind.LOGIN_FAILED, status, "Vault rejected " + method.describe()
                + VaultErrors.quote(errors) + ": " + method.fixHint());
    }

    private static boolean inChain(Throwable t, Class<? extends Throwable> type) {
        List<Throwable> seen = new ArrayList<>();
        for (Throwable c = t; c != null && !seen.contains(c); c = c.getCause()) {
            seen.add(c);
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static IOException ioCause(Throwable t) {
        List<Throwable> seen = new ArrayList<>();
        for (Throwable c = t; c != null && !seen.contains(c); c = c.getCause()) {
            seen.add(c);
            if (c instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    /** The driver formats "Vault responded with HTTP status code: N\nResponse body: BODY". */
    private static String bodyOf(String driverMessage) {
        if (driverMessage == null) {
            return "";
        }
        int at = driverMessage.indexOf("Response body: ");
        return at < 0 ? "" : driverMessage.substring(at + "Response body: ".length());
    }
}
