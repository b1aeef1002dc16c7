package io.jenkins.plugins.openaikeys.usage;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Action;
import hudson.model.Job;
import jenkins.model.TransientActionFactory;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

import java.util.Collection;
import java.util.List;

/** Gives a job whose recent builds hold OpenAI usage the trend chart on its page. */
@Extension
@Restricted(NoExternalUse.class)
public final class UsageJobActionFactory extends TransientActionFactory<Job> {

    @Override
    public Class<Job> type() {
        return Job.class;
    }

    @NonNull
    @Override
    public Collection<? extends Action> createFor(@NonNull Job target) {
        return OpenAIUsageJobAction.hasUsage(target) ? List.of(new OpenAIUsageJobAction(target)) : List.of();
    }
}
