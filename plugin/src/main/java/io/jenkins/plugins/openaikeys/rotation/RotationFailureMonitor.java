package io.jenkins.plugins.openaikeys.rotation;

import hudson.Extension;
import hudson.model.AdministrativeMonitor;
import io.jenkins.plugins.openaikeys.core.rotation.RotationResult;
import java.util.List;

/**
 * Tells administrators (Manage Jenkins) when the last admin-key rotation of an organization
 * failed, ended unknown, or left something to clean up. Why a monitor and not only the log: a
 * failed rotation changes nothing a build would notice, yet an old admin key stays in use or a
 * stray one exists until someone acts. Its view is {@code message.jelly}; "Dismiss" uses
 * {@link AdministrativeMonitor}'s own {@code disable} (POST, Administer).
 *
 * <p>{@link #isActivated()} reads results kept in memory only: no Vault or OpenAI call on a page view.
 */
@Extension
public final class RotationFailureMonitor extends AdministrativeMonitor {

    public RotationFailureMonitor() {
        super(RotationFailureMonitor.class.getName());
    }

    @Override
    public String getDisplayName() {
        return "OpenAI Ephemeral Keys: admin key rotation";
    }

    @Override
    public boolean isActivated() {
        return !getProblems().isEmpty();
    }

    /** One sentence per organization whose last rotation needs attention (ids only). */
    public List<String> getProblems() {
        return AdminKeyRotations.get().lastResultsInConfigurationOrder().stream()
                .filter(r -> r.outcome().needsAttention())
                .map(RotationFailureMonitor::problem)
                .toList();
    }

    private static String problem(RotationResult r) {
        return "Organization " + r.organization() + ": " + RotationAnswers.outcome(r.outcome()) + ". "
                + RotationAnswers.sentence(r);
    }
}
