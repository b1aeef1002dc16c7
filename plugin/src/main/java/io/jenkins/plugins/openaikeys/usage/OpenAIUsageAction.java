package io.jenkins.plugins.openaikeys.usage;

import hudson.model.Api;
import hudson.model.Run;
import io.jenkins.plugins.openaikeys.core.usage.UsageJob;
import jenkins.model.RunAction2;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

import java.util.ArrayList;
import java.util.List;

/**
 * "OpenAI usage" on a build: per key and model the requests, input, cached input and output
 * tokens OpenAI counted, "still collecting" until its figures are stable, or "not available"
 * with the reason. Also {@code <build>/openai-usage/api/json} and, within the build's
 * {@code api/json?depth=2}, its {@code keys}.
 *
 * <p>Why figures are stored here, with the build: they are final once collected, and the job's
 * trend chart reads them without asking OpenAI again. Ids and counts only.
 */
@ExportedBean
@Restricted(NoExternalUse.class)
public final class OpenAIUsageAction implements RunAction2 {

    public static final String URL_NAME = "openai-usage";

    private final List<KeyUsageRow> keys = new ArrayList<>();
    private transient Run<?, ?> run;

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }

    public Run<?, ?> getRun() {
        return run;
    }

    @Override
    public String getIconFileName() {
        return "symbol-analytics";
    }

    @Override
    public String getDisplayName() {
        return "OpenAI usage";
    }

    @Override
    public String getUrlName() {
        return URL_NAME;
    }

    public Api getApi() {
        return new Api(this);
    }

    /** Adds the key, or updates its row from the job. */
    synchronized void put(UsageJob job) {
        for (KeyUsageRow row : keys) {
            if (row.handleId().equals(job.id())) {
                row.update(job);
                return;
            }
        }
        keys.add(new KeyUsageRow(job));
    }

    @Exported(inline = true)
    public synchronized List<KeyUsageRow> getKeys() {
        return List.copyOf(keys);
    }

    /** True when every key's figures are final or known to be unavailable. */
    @Exported
    public synchronized boolean isComplete() {
        return keys.stream().allMatch(KeyUsageRow::isDone);
    }

    @Exported
    public long getRequests() {
        return sum(0);
    }

    @Exported
    public long getInputTokens() {
        return sum(1);
    }

    @Exported
    public long getCachedInputTokens() {
        return sum(2);
    }

    @Exported
    public long getOutputTokens() {
        return sum(3);
    }

    /** Whether any key of this build has final figures: what the trend chart draws. */
    public synchronized boolean hasFigures() {
        return keys.stream().anyMatch(KeyUsageRow::isFinal);
    }

    private synchronized long sum(int what) {
        long total = 0;
        for (KeyUsageRow k : keys) {
            for (ModelUsageRow m : k.getModels()) {
                total += switch (what) {
                    case 0 -> m.getRequests();
                    case 1 -> m.getInputTokens();
                    case 2 -> m.getCachedInputTokens();
                    default -> m.getOutputTokens();
                };
            }
        }
        return total;
    }
}
