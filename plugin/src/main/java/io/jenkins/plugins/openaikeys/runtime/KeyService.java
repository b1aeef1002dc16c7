package io.jenkins.plugins.openaikeys.runtime;

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
import io.jenkins.plugins.openaikeys.core.policy.Ttls;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * Mint and revoke as the step and the wrapper do them: authorize, call the broker, print one
 * line of ids to the build log, and turn every broker error into one sentence.
 *
 * <p>Why one place: the Pipeline step, the freestyle wrapper, the run listener and the periodic
 * retry must word and count things the same way, and none of them may print a key. Everything
 * here runs on the controller; callers must not call it from the CPS VM thread (it does I/O).
 */
@Restricted(NoExternalUse.class)
public final class KeyService {

    private static final Logger LOGGER = Logger.getLogger(KeyService.class.getName());

    private static final DateTimeFormatter EXPIRY =
            DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private KeyService() {}

    /** Parses a step/wrapper TTL; blank means "the role's default". */
    public static @CheckForNull Duration parseTtl(@CheckForNull String ttl) throws AbortException {
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
    public static void authorize(@NonNull String role, @NonNull Run<?, ?> run) throws AbortException {
        try {
            broker().checkAllowed(role, run.getParent().getFullName());
        } catch (EphemeralKeyException e) {
            throw new AbortException(e.getMessage());
        }
    }

    /**
     * Mints a key for {@code run}. The broker records the revocation handle in the durable ledger
     * before this returns, so even a key whose build dies right now is revoked later. If anything
     * fails after the broker minted, the key is revoked before the failure is passed on.
     */
    public static @NonNull MintedKey mint(@NonNull String role, @CheckForNull Duration ttl, @NonNull Run<?, ?> run,
            @NonNull TaskListener listener) throws AbortException {
        long start = System.nanoTime();
        MintedKey key;
        try {
            key = broker().mint(role, new MintRequest(run.getParent().getFullName(), run.getId(), ttl));
        } catch (EphemeralKeyException e) {
            throw new AbortException(e.getMessage());
        }
        try {
            MintedProjects.get().remember(key.handle());
            if (key.scope() != null) {
                listener.getLogger().println("Minted LiteLLM key " + key.keyId() + " (alias " + key.keyAlias()
                        + ", " + key.scope().describeLimits() + ", proxy " + key.baseUrl() + ", role " + role
                        + ", expires " + formatExpiry(key.expiresAt()) + ") in " + millisSince(start) + " ms");
            } else {
                listener.getLogger().println("Minted OpenAI key " + key.keyId()
                        + " (service account " + key.serviceAccountId() + ", role " + role
                        + ", expires " + formatExpiry(key.expiresAt()) + ") in " + millisSince(start) + " ms");
            }
        } catch (RuntimeException | Error e) {
            revokeAfterFailure(key, listener, e);
            throw e;
        }
        return key;
    }

    /**
     * Revokes a key whose holder failed before it could take it over (an exception between the mint
     * and the start of the block); a failure of the revoke itself is added to {@code failure}.
     */
    public static void revokeAfterFailure(@NonNull MintedKey key, @NonNull TaskListener listener,
            @NonNull Throwable failure) {
        try {
            revoke(key.handle(), key.handle().id(), key.keyId(), listener);
        } catch (RuntimeException | Error e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Revokes the key whose ledger handle id is {@code handleId}, using {@code known} when the caller
     * still has the handle in memory (no restart since mint), else the durable ledger. A handle
     * that is no longer in the ledger was already revoked. Never throws: a failure is reported in
     * one line and left to the periodic retry (the handle stays in the ledger).
     *
     * @return true when the key is gone
     */
    public static boolean revoke(@CheckForNull RevocationHandle known, @NonNull String handleId, @NonNull String keyId,
            @NonNull TaskListener listener) {
        return revoke(known, handleId, keyId, null, listener);
    }

    /**
     * The end of a block or freestyle build: stops the key's TTL timer and revokes, or says that the
     * key was already revoked when its TTL ended (rather than a misleading {@code Revoked … in 0 ms}).
     *
     * @return true when the key is gone
     */
    public static boolean revokeAtEnd(@CheckForNull RevocationHandle known, @NonNull HeldKey key,
            @NonNull TaskListener listener) {
        KeyExpiry.Outcome ttl = KeyExpiry.get().disarm(key.handleId());
        if (ttl == KeyExpiry.Outcome.REVOKED_AT_TTL) {
            listener.getLogger().println("OpenAI key " + key.keyId() + " was already revoked when its TTL ("
                    + key.ttl() + ") ended at " + formatTime(key.expiresAt()));
            return true;
        }
        return revoke(known, key.handleId(), key.keyId(), key.expiresAt(), listener);
    }

    /**
     * The TTL timer of a running block or build: revokes the key and tells the build log when and
     * why, with the way out (a longer ttl, within the role's maximum).
     *
     * @param holder "block" or "build"
     * @return true when the key is gone
     */
    static boolean revokeAtTtl(@CheckForNull RevocationHandle known, @NonNull HeldKey key, @NonNull String holder,
            @NonNull TaskListener listener) {
        String reached = "OpenAI key " + key.keyId() + " reached its TTL (" + key.ttl() + ") at "
                + formatTime(key.expiresAt());
        try {
            Optional<RevocationHandle> handle = stillPending(known, key.handleId());
            if (handle.isPresent()) {
                broker().revoke(handle.get());
            }
            listener.getLogger().println(reached + " and was revoked while the " + holder + " still ran;"
                    + " calls with it fail from now on. " + advice(key));
            return true;
        } catch (EphemeralKeyException e) {
            listener.getLogger().println(reached + "; revoking it failed (" + e.getMessage()
                    + "); the controller will retry until it is gone. " + advice(key));
            return false;
        } catch (RuntimeException e) {
            LOGGER.log(Level.WARNING, "Unexpected error revoking OpenAI key " + key.keyId() + " at its TTL", e);
            listener.getLogger().println(reached + "; revoking it failed (" + e.getClass().getSimpleName()
                    + "); the controller will retry until it is gone. " + advice(key));
            return false;
        }
    }

    private static String advice(HeldKey key) {
        String max = key.maxTtl();
        if (max == null) {
            return "Raise ttl: (up to role " + key.role() + "'s max TTL).";
        }
        if (max.equals(key.ttl())) {
            return "The TTL is already role " + key.role() + "'s maximum (" + max
                    + "): ask an administrator to raise it, or shorten the block.";
        }
        return "Raise ttl: (max " + max + " for role " + key.role() + ").";
    }

    private static boolean revoke(@CheckForNull RevocationHandle known, @NonNull String handleId,
            @NonNull String keyId, @CheckForNull Instant expiresAt, @NonNull TaskListener listener) {
        long start = System.nanoTime();
        try {
            Optional<RevocationHandle> handle = stillPending(known, handleId);
            if (handle.isEmpty()) {
                if (expiresAt != null && !Instant.now().isBefore(expiresAt)) {
                    listener.getLogger().println("OpenAI key " + keyId + " was already revoked: its TTL ended at "
                            + formatTime(expiresAt));
                } else {
                    listener.getLogger().println("OpenAI key " + keyId + " was already revoked");
                }
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

    /**
     * The handle to revoke if the key is still live: the ledger's entry (with {@code known}, the
     * in-memory one, preferred). Not in the ledger means revoked already (by the TTL timer, the
     * periodic task, or the run listener). If the ledger cannot be read, {@code known} is trusted.
     */
    private static Optional<RevocationHandle> stillPending(@CheckForNull RevocationHandle known,
            @NonNull String handleId) {
        Optional<RevocationHandle> stored;
        try {
            stored = pending(handleId);
        } catch (EphemeralKeyException e) {
            if (known == null) {
                throw e;
            }
            return Optional.of(known);
        }
        return stored.isPresent() && known != null ? Optional.of(known) : stored;
    }

    /** The handle with id {@code handleId} if the durable ledger still holds it. */
    static @NonNull Optional<RevocationHandle> pending(@NonNull String handleId) {
        return KeyRuntime.get().ledger().pending().stream()
                .filter(h -> handleId.equals(h.id()))
                .findFirst();
    }

    static @NonNull KeyBroker broker() {
        return KeyRuntime.get().broker();
    }

    static @NonNull String formatExpiry(@CheckForNull Instant expiresAt) {
        return expiresAt == null ? "with its role's TTL" : EXPIRY.format(expiresAt);
    }

    /** A moment to the second, e.g. {@code 12:34:56 UTC}: when a TTL ended. */
    static @NonNull String formatTime(@CheckForNull Instant instant) {
        return instant == null ? "an unknown time" : TIME.format(instant);
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
