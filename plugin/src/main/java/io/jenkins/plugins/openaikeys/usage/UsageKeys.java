package io.jenkins.plugins.openaikeys.usage;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The two calls the step and the freestyle wrapper make for usage: when a key is minted and when
 * its block ends. Neither throws nor calls OpenAI: usage must never fail a build or delay a revoke.
 * Called on the controller threads that mint and revoke, never the CPS VM thread.
 */
@Restricted(NoExternalUse.class)
public final class UsageKeys {

    private static final Logger LOGGER = Logger.getLogger(UsageKeys.class.getName());

    private UsageKeys() {
    }

    /** Records a key just minted for {@code run}, if its organization shows usage. */
    public static void started(@NonNull Run<?, ?> run, @NonNull MintedKey key, @NonNull Instant mintedAt) {
        try {
            UsageCollection.get().keyStarted(run, key, mintedAt);
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.WARNING, "OpenAI usage: cannot record key " + key.keyId() + "; its usage will not be"
                    + " shown", e instanceof IOException io ? new UncheckedIOException(io) : e);
        }
    }

    /** The block of key {@code handleId} ended: collecting starts; one line says where the figures will be. */
    public static void ended(@NonNull String handleId, @NonNull TaskListener listener) {
        try {
            UsageCollection.get().keyEnded(handleId, Instant.now())
                    .ifPresent(job -> listener.getLogger().println(UsageCollection.notice(job)));
        } catch (RuntimeException e) {
            LOGGER.log(Level.WARNING, "OpenAI usage: cannot start collecting for handle " + handleId, e);
        }
    }
}
