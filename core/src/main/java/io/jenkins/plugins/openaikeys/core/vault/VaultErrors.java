package io.jenkins.plugins.openaikeys.core.vault;

import io.jenkins.plugins.openaikeys.core.vault.VaultException.Kind;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns what Vault (or the network) said into one {@link VaultException} sentence that tells
 * the operator what to fix. Vault's own {@code errors} text is quoted, truncated and scrubbed
 * of anything shaped like a token or an API key.
 */
final class VaultErrors {

    private static final int MAX_QUOTE = 240;
    private static final Pattern SECRET_SHAPES = Pattern.compile(
            "\\b(?:hv[sbr]|s|b|r)\\.[A-Za-z0-9_-]{16,}|sk-[A-Za-z0-9_*-]{6,}|eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_.-]+");

    private VaultErrors() {
    }

    static VaultException unreachable(String address, IOException e) {
        return new VaultException(Kind.UNREACHABLE, 0,
                "Vault at " + address + " is unreachable: " + reason(e) + " — check the Vault address", e);
    }

    static String reason(IOException e) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host";
        }
        if (e instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (e instanceof SocketTimeoutException || e instanceof InterruptedIOException
                || e instanceof java.net.http.HttpTimeoutException) {
            return "timed out";
        }
        if (e instanceof SSLException) {
            return "TLS handshake failed (check the CA certificate)";
        }
        return "connection failed (" + e.getClass().getSimpleName() + ")";
    }

    static boolean isSealed(int status, List<String> errors) {
        return status == 503 && errors.stream().anyMatch(s -> s.toLowerCase(Locale.ROOT).contains("sealed"));
    }

    /**
     * Vault Enterprise and OpenBao answer any request in a namespace that does not exist with
     * {@code {"errors":["namespace not found"]}} (OpenBao: 404 from request handling, before any path
     * is looked at). Told apart from a missing path, so the advice names the namespace, not the path.
     */
    static boolean isNamespaceNotFound(String namespace, int status, List<String> errors) {
        return namespace != null && status >= 400 && status < 500 && errors != null
                && errors.stream().anyMatch(s -> s != null && s.toLowerCase(Locale.ROOT).contains("namespace not found"));
    }

    static VaultException namespaceNotFound(String namespace, int status) {
        return new VaultException(Kind.NAMESPACE_NOT_FOUND, status, "Vault namespace '" + namespace
                + "' does not exist: check the Vault namespace under Manage Jenkins > System > OpenAI Ephemeral Keys");
    }

    static boolean isCasMismatch(int status, List<String> errors) {
        return status == 400 && errors.stream().anyMatch(s -> s.contains("check-and-set"));
    }

    /** {@code namespace}: the X-Vault-Namespace sent, null for the root namespace. */
    static VaultException fromResponse(String address, String namespace, VaultRequest req, int status,
            List<String> errors) {
        String where = req.operation() + " on path " + req.path();
        String says = quote(errors);
        if (isSealed(status, errors)) {
            return new VaultException(Kind.SEALED, status, "Vault at " + address + " is sealed: unseal it");
        }
        if (isNamespaceNotFound(namespace, status, errors)) {
            return namespaceNotFound(namespace, status);
        }
        if (status == 401 || status == 403) {
            return new VaultException(Kind.PERMISSION_DENIED, status,
                    "Vault denied " + where + ": check the policy of the Jenkins auth role");
        }
        if (status == 404) {
            return new VaultException(Kind.NOT_FOUND, status,
                    "Vault has nothing at " + req.path() + ": check the mount and path");
        }
        if (isCasMismatch(status, errors)) {
            return new VaultException(Kind.CAS_MISMATCH, status,
                    "Another writer changed " + req.path() + " since it was read: read it again and retry");
        }
        if (status == 429) {
            return new VaultException(Kind.RATE_LIMITED, status,
                    "Vault rate-limited " + where + " (HTTP 429): try again later or raise the Vault rate-limit quota");
        }
        List<String> scrubbed = errors.stream().map(VaultErrors::scrub).toList();
        if (status >= 500 || status == 412) {
            return new VaultException(Kind.SERVER_ERROR, status,
                    "Vault failed " + where + " with HTTP " + status + says + ": check the Vault server log", scrubbed);
        }
        return new VaultException(Kind.BAD_REQUEST, status,
                "Vault refused " + where + " with HTTP " + status + says + ": check the mount, path and settings",
                scrubbed);
    }

    static VaultException malformed(String address, VaultRequest req, String what) {
        return new VaultException(Kind.MALFORMED_RESPONSE, 0, "Vault answered " + req.operation() + " on path "
                + req.path() + " with " + what + ": check that " + address + " is Vault and not a proxy or another service");
    }

    /** " (Vault says: …)" or "" — truncated and scrubbed. */
    static String quote(List<String> errors) {
        if (errors == null || errors.isEmpty()) {
            return "";
        }
        String joined = scrub(String.join("; ", errors)).replaceAll("[\\r\\n\\t]+", " ").trim();
        if (joined.isEmpty()) {
            return "";
        }
        if (joined.length() > MAX_QUOTE) {
            joined = joined.substring(0, MAX_QUOTE) + "…";
        }
        return " (Vault says: " + joined + ")";
    }

    static String scrub(String text) {
        return SECRET_SHAPES.matcher(text).replaceAll("****");
    }
}
