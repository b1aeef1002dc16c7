package io.jenkins.plugins.openaikeys.rotation;

import io.jenkins.plugins.openaikeys.core.rotation.RotationResult;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * The last admin-key rotation of one organization, shown in its block on the configuration
 * page. Why a bean and not the core record: Jelly reads properties through getters, and the page wants a readable
 * UTC time. Ids and one sentence only.
 */
public final class RotationRow {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final RotationResult result;

    @Restricted(NoExternalUse.class)
    public RotationRow(RotationResult result) {
        this.result = result;
    }

    public String getOrganization() {
        return result.organization();
    }

    /** In words ("Rotated", "Failed"), not the enum constant. */
    public String getOutcome() {
        return RotationAnswers.outcome(result.outcome());
    }

    public String getWhen() {
        return WHEN.format(result.at());
    }

    public String getMessage() {
        return RotationAnswers.sentence(result);
    }

    public boolean isNeedsAttention() {
        return result.outcome().needsAttention();
    }
}
