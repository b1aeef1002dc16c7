package io.jenkins.plugins.openaikeys;

import io.jenkins.plugins.openaikeys.core.rotation.RotationResult;
import io.jenkins.plugins.openaikeys.core.rotation.RotationSchedule;
import io.jenkins.plugins.openaikeys.core.rotation.RotationService;
import java.util.HashMap;
import java.util.Map;

/**
 * This controller's one core {@link RotationService}, kept across configuration saves.
 *
 * <p>Why not rebuild it with the broker: the service holds what the page and the monitor show
 * (the last result per organization) and the back-off after a failure, and takes the rotators
 * as an argument on every call, so only a changed <em>schedule</em> needs a new service. Then
 * the old service's last results are carried over, so a failure stays visible until the next
 * run of that organization replaces it.
 */
final class AdminKeyRotations {

    private final Object lock = new Object();
    private RotationService service;
    private Map<String, RotationResult> carried = Map.of();

    /** The service for {@code schedule}: the current one if its schedule is equal, else a new one. */
    RotationService service(RotationSchedule schedule) {
        synchronized (lock) {
            if (service == null) {
                service = CoreWiring.rotationService(schedule);
            } else if (!service.schedule().equals(schedule)) {
                carried = merged();
                service = CoreWiring.rotationService(schedule);
            }
            return service;
        }
    }

    /** The current service, or one for {@code fallback} when there is none yet (e.g. "Rotate now" with a broken period). */
    RotationService serviceOr(RotationSchedule fallback) {
        synchronized (lock) {
            return service != null ? service : service(fallback);
        }
    }

    /** The latest result per organization name, including those of services replaced by a schedule change. */
    Map<String, RotationResult> lastResults() {
        synchronized (lock) {
            return merged();
        }
    }

    private Map<String, RotationResult> merged() {
        Map<String, RotationResult> all = new HashMap<>(carried);
        if (service != null) {
            all.putAll(service.lastResults());
        }
        return Map.copyOf(all);
    }
}
