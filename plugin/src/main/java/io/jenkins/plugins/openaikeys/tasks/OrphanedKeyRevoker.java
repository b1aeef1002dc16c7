package io.jenkins.plugins.openaikeys.tasks;

import hudson.Extension;
import hudson.model.Run;
import hudson.model.listeners.RunListener;
import io.jenkins.plugins.openaikeys.runtime.KeyTasks;
import java.time.Instant;

/**
 * When a build is finalized, revokes any key it still holds in the ledger.
 *
 * <p>Normally the step or wrapper has revoked already and this finds nothing. It matters when
 * the inline revoke failed, when a Pipeline could not resume after a restart, or when the block
 * was cut short before its callback could run. The work goes to the plugin's own threads
 * ({@link KeyTasks}) because it does network I/O with retries: listeners run on threads that
 * should not wait for Vault or OpenAI, and Jenkins' shared {@code Timer} must not either.
 */
@Extension
public final class OrphanedKeyRevoker extends RunListener<Run<?, ?>> {

    @Override
    public void onFinalized(Run<?, ?> run) {
        String job = run.getParent().getFullName();
        String id = run.getId();
        KeyTasks.get().submitQuietly("revoking the keys of " + job + " #" + id,
                () -> OrphanedKeys.revoke(OrphanedKeys.ofBuild(job, id), Instant.now()));
    }
}
