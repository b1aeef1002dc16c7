package io.jenkins.plugins.openaikeys.core.vault;

import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;

import java.util.List;

/**
 * A Vault call failed. The message is one sentence saying what to fix; {@link #kind()} lets
 * callers react (retry later, re-login, report a CAS conflict) without parsing prose.
 * Never carries a token, secret id or key.
 */
public class VaultException extends EphemeralKeyException {

    private static final long serialVersionUID = 1L;

    /** What went wrong, coarse enough to act on. */
    public enum Kind {
        UNREACHABLE, SEALED, PERMISSION_DENIED, LOGIN_FAILED, NOT_FOUND, CAS_MISMATCH,
        MALFORMED_RESPONSE, RATE_LIMITED, SERVER_ERROR, BAD_REQUEST,
        /** The Vault token cannot outlive the lease it would create (a lease dies with its token). */
        TOKEN_TTL_TOO_SHORT,
        /** The configured namespace (X-Vault-Namespace) does not exist: every path in it is unknown. */
        NAMESPACE_NOT_FOUND
    }

    private final Kind kind;
    private final int status;
    private final List<String> serverErrors;

    public VaultException(Kind kind, int status, String message) {
        this(kind, status, message, List.of());
    }

    public VaultException(Kind kind, int status, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.serverErrors = List.of();
    }

    /** @param serverErrors Vault's {@code errors} strings, already scrubbed of secrets */
    VaultException(Kind kind, int status, String message, List<String> serverErrors) {
        super(message);
        this.kind = kind;
        this.status = status;
        this.serverErrors = List.copyOf(serverErrors);
    }

    /**
     * Vault's own {@code errors} strings, scrubbed of anything shaped like a key or token and
     * not truncated: for recognising a known backend failure, not for showing to users.
     */
    public List<String> serverErrors() {
        return serverErrors;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status Vault answered with, or 0 when there was no answer. */
    public int status() {
        return status;
    }
}
