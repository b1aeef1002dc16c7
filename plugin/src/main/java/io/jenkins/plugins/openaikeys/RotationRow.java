package io.jenkins.plugins.openaikeys;

import io.jenkins.plugins.openaikeys.core.rotation.RotationResult;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One line of the "Last admin key rotations" table on the configuration page. Why a bean and
 * not the core record: Jelly reads properties through getters, and the page wants a readable
 * UTC time. Ids and one sentence only.
 */
public final class RotationRow {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final RotationResult result;

    RotationRow(RotationResult result) {
        this.result = result;
    }

    public String getOrganization() {
        return result.organization();
    }

    public String getOutcome() {
        return result.outcome().name();
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
