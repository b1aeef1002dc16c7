package io.jenkins.plugins.openaikeys.core.rotation;

import java.time.Instant;
import java.util.List;

/**
 * What Vault records about an organization's admin-key rotation: when it last happened and
 * which old admin key ids still wait to be deleted. Why it is read from Vault and not kept in
 * Jenkins: several controllers may share one organization, and Vault is where they agree.
 *
 * @param lastRotatedOrNull null when never rotated (or not recorded)
 * @param pendingDeleteKeyIds old admin key ids a previous run could not delete
 */
public record RotationStatus(Instant lastRotatedOrNull, List<String> pendingDeleteKeyIds) {

    public RotationStatus {
        pendingDeleteKeyIds = List.copyOf(pendingDeleteKeyIds);
    }
}
