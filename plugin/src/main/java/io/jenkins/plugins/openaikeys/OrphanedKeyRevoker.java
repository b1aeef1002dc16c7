package io.jenkins.plugins.openaikeys;

import hudson.Extension;
import hudson.model.Run;
import hudson.model.listeners.RunListener;
import java.time.Instant;
import jenkins.util.Timer;

/**
 * When a build is finalized, revokes any key it still holds in the ledger.
 *
 * <p>Normally the step or wrapper has revoked already and this finds nothing. It matters when
 * the inline revoke failed, when a Pipeline could not resume after a restart, or when the block
 * was cut short before its callback could run. The work goes to {@link Timer} because it does
 * network I/O and listeners run on threads that should not wait for Vault or OpenAI.
 */
@Extension
public final class OrphanedKeyRevoker extends RunListener<Run<?, ?>> {

    @Override
    public void onFinalized(Run<?, ?> run) {
        String job = run.getParent().getFullName();
        String id = run.getId();
        Timer.get().submit(() -> {
            OrphanedKeys.revoke(OrphanedKeys.ofBuild(job, id), Instant.now());
        });
    }
}
