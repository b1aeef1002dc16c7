package io.jenkins.plugins.openaikeys;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.broker.MintRequest;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.broker.RevocationHandle;
import io.jenkins.plugins.openaikeys.core.broker.Ttls;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Mint and revoke as the step and the wrapper do them: authorize, call the broker, print one
 * line of ids to the build log, and turn every broker error into one sentence.
 *
 * <p>Why one place: the Pipeline step, the freestyle wrapper, the run listener and the periodic
 * retry must word and count things the same way, and none of them may print a key. Everything
 * here runs on the controller; callers must not call it from the CPS VM thread (it does I/O).
 */
final class KeyService {

    private static final Logger LOGGER = Logger.getLogger(KeyService.class.getName());

    private static final DateTimeFormatter EXPIRY =
            DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private KeyService() {}

    /** Parses a step/wrapper TTL; blank means "the role's default". */
    static @CheckForNull Duration parseTtl(@CheckForNull String ttl) throws AbortException {
        if (ttl == null || ttl.isBlank()) {
            return null;
        }
        try {
            return Ttls.parse(ttl.trim());
        } catch (RuntimeException e) {
            throw new AbortException("The ttl '" + ttl.trim() + "' is not a duration; use e.g. 90s, 20m or 1h.");
        }
    }

    /**
     * Checks that the build's job may use {@code role}; nothing is minted when it may not.
     * @throws AbortException with the broker's one sentence
     */
    static void authorize(@NonNull String role, @NonNull Run<?, ?> run) throws AbortException {
        try {
            broker().checkAllowed(role, run.getParent().getFullName());
        } catch (EphemeralKeyException e) {
            throw new AbortException(e.getMessage());
        }
    }

    /**
     * Mints a key for {@code run}. The broker records the revocation handle in the durable ledger
     * before this returns, so even a key whose build dies right now is revoked later.
     */
    static @NonNull MintedKey mint(@NonNull String role, @CheckForNull Duration ttl, @NonNull Run<?, ?> run,
            @NonNull TaskListener listener) throws AbortException {
        long start = System.nanoTime();
        MintedKey key;
        try {
            key = broker().mint(role, new MintRequest(run.getParent().getFullName(), run.getId(), ttl));
        } catch (EphemeralKeyException e) {
            throw new AbortException(e.getMessage());
        }
        listener.getLogger().println("Minted OpenAI key " + key.keyId()
                + " (service account " + key.serviceAccountId() + ", role " + role
                + ", expires " + formatExpiry(key.expiresAt()) + ") in " + millisSince(start) + " ms");
        return key;
    }

    /**
     * Revokes the key whose ledger handle id is {@code handleId}, using {@code known} when the caller
     * still has the handle in memory (no restart since mint), else the durable ledger. A handle
     * that is no longer in the ledger was already revoked. Never throws: a failure is reported in
     * one line and left to the periodic retry (the handle stays in the ledger).
     *
     * @return true when the key is gone
     */
    static boolean revoke(@CheckForNull RevocationHandle known, @NonNull String handleId, @NonNull String keyId,
            @NonNull TaskListener listener) {
        long start = System.nanoTime();
        try {
            Optional<RevocationHandle> handle = known != null ? Optional.of(known) : pending(handleId);
            if (handle.isEmpty()) {
                listener.getLogger().println("OpenAI key " + keyId + " was already revoked");
                return true;
            }
            broker().revoke(handle.get());
            listener.getLogger().println("Revoked " + keyId + " in " + millisSince(start) + " ms");
            return true;
        } catch (EphemeralKeyException e) {
            listener.getLogger().println("Could not revoke OpenAI key " + keyId + " (" + e.getMessage()
                    + "); the controller will retry until it is gone.");
            return false;
        } catch (RuntimeException e) {
            LOGGER.log(Level.WARNING, "Unexpected error revoking OpenAI key " + keyId, e);
            listener.getLogger().println("Could not revoke OpenAI key " + keyId + " (" + e.getClass().getSimpleName()
                    + "); the controller will retry until it is gone.");
            return false;
        }
    }

    /** The handle with id {@code handleId} if the durable ledger still holds it. */
    static @NonNull Optional<RevocationHandle> pending(@NonNull String handleId) {
        return OpenAIKeysConfiguration.get().getLedger().pending().stream()
                .filter(h -> handleId.equals(h.id()))
                .findFirst();
    }

    static @NonNull KeyBroker broker() {
        return OpenAIKeysConfiguration.get().getBroker();
    }

    static @NonNull String formatExpiry(@CheckForNull Instant expiresAt) {
        return expiresAt == null ? "with its role's TTL" : EXPIRY.format(expiresAt);
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
