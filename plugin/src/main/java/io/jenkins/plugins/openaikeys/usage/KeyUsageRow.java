package io.jenkins.plugins.openaikeys.usage;

import io.jenkins.plugins.openaikeys.core.usage.ModelUsage;
import io.jenkins.plugins.openaikeys.core.usage.UsageJob;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What one key of a build used, or where collecting it stands: ids, the state
 * ({@code IN_USE}, {@code COLLECTING}, {@code FINAL}, {@code NOT_AVAILABLE}), a message (the
 * reason, or the last failed read) and the figures per model once final. Stored with the build.
 */
@ExportedBean(defaultVisibility = 2)
@Restricted(NoExternalUse.class)
public final class KeyUsageRow {

    private final String handleId;
    private final String keyId;
    private final String organization;
    private final String projectId;
    private String state;
    private String message;
    private List<ModelUsageRow> models = new ArrayList<>();

    KeyUsageRow(UsageJob job) {
        this.handleId = job.id();
        this.keyId = job.keyId();
        this.organization = job.organization();
        this.projectId = job.projectId();
        update(job);
    }

    /** Takes the job's state, message and (when final) figures. */
    void update(UsageJob job) {
        this.state = job.state().name();
        this.message = job.message();
        List<ModelUsageRow> rows = new ArrayList<>();
        if (job.state() == UsageJob.State.FINAL && job.figures() != null) {
            for (ModelUsage u : job.figures()) {
                rows.add(new ModelUsageRow(u));
            }
        }
        this.models = rows;
    }

    String handleId() {
        return handleId;
    }

    @Exported
    public String getKeyId() {
        return keyId;
    }

    @Exported
    public String getOrganization() {
        return organization;
    }

    @Exported
    public String getProjectId() {
        return projectId;
    }

    @Exported
    public String getState() {
        return state;
    }

    /** The reason when not available; the last failed read while collecting; a note on final figures. */
    @Exported
    public String getMessage() {
        return message;
    }

    @Exported
    public List<ModelUsageRow> getModels() {
        return models == null ? List.of() : Collections.unmodifiableList(models);
    }

    public boolean isFinal() {
        return UsageJob.State.FINAL.name().equals(state);
    }

    public boolean isNotAvailable() {
        return UsageJob.State.NOT_AVAILABLE.name().equals(state);
    }

    public boolean isDone() {
        return isFinal() || isNotAvailable();
    }
}
