package io.jenkins.plugins.openaikeys.usage;

import hudson.Extension;
import hudson.model.Run;
import hudson.model.listeners.RunListener;
import io.jenkins.plugins.openaikeys.runtime.KeyTasks;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * When a build is finalized, starts collecting for any of its keys that no block ended (the
 * block's end was lost to a restart or an abort). On the plugin's own threads: it reads files.
 */
@Extension
@Restricted(NoExternalUse.class)
public final class UsageRunListener extends RunListener<Run<?, ?>> {

    @Override
    public void onFinalized(Run<?, ?> run) {
        KeyTasks.get().submitQuietly("ending the OpenAI usage of " + run.getFullDisplayName(),
                () -> UsageCollection.get().buildFinished(run));
    }
}
