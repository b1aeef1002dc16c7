package io.jenkins.plugins.openaikeys.usage;

import io.jenkins.plugins.openaikeys.core.usage.ModelUsage;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/** One key's figures on one model, as the build page and {@code api/json} show them. Stored with the build. */
@ExportedBean(defaultVisibility = 3)
@Restricted(NoExternalUse.class)
public final class ModelUsageRow {

    private final String model;
    private final long requests;
    private final long inputTokens;
    private final long cachedInputTokens;
    private final long outputTokens;

    ModelUsageRow(ModelUsage u) {
        this.model = u.model();
        this.requests = u.requests();
        this.inputTokens = u.inputTokens();
        this.cachedInputTokens = u.cachedInputTokens();
        this.outputTokens = u.outputTokens();
    }

    @Exported
    public String getModel() {
        return model;
    }

    @Exported
    public long getRequests() {
        return requests;
    }

    /** Cached ones included, as OpenAI counts them. */
    @Exported
    public long getInputTokens() {
        return inputTokens;
    }

    @Exported
    public long getCachedInputTokens() {
        return cachedInputTokens;
    }

    @Exported
    public long getOutputTokens() {
        return outputTokens;
    }
}
