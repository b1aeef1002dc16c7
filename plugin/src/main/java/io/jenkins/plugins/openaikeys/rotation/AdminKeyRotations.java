package io.jenkins.plugins.openaikeys.rotation;

import hudson.Extension;
import hudson.ExtensionList;
import io.jenkins.plugins.openaikeys.config.ConfigDurations;
import io.jenkins.plugins.openaikeys.config.OpenAIKeysConfiguration;
import io.jenkins.plugins.openaikeys.config.OrganizationConfig;
import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.rotation.RotationResult;
import io.jenkins.plugins.openaikeys.core.rotation.RotationSchedule;
import io.jenkins.plugins.openaikeys.core.rotation.RotationService;
import io.jenkins.plugins.openaikeys.core.rotation.Rotator;
import io.jenkins.plugins.openaikeys.runtime.CoreWiring;
import io.jenkins.plugins.openaikeys.runtime.KeyRuntime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * This controller's admin-key rotations: one core {@link RotationService} kept across
 * configuration saves, fed with the rotators of the current broker ({@link KeyRuntime}).
 *
 * <p>Why not rebuild it with the broker: the service holds what the page and the monitor show
 * (the last result per organization) and the back-off after a failure, and takes the rotators
 * as an argument on every call, so only a changed <em>schedule</em> needs a new service. Then
 * the old service's last results are carried over, so a failure stays visible until the next
 * run of that organization replaces it.
 */
@Extension
@Restricted(NoExternalUse.class)
public final class AdminKeyRotations {

    private final Object lock = new Object();
    private RotationService service;
    private Map<String, RotationResult> carried = Map.of();

    /** The singleton. */
    public static AdminKeyRotations get() {
        return ExtensionList.lookupSingleton(AdminKeyRotations.class);
    }

    /**
     * One scheduled pass (the periodic task): rotates every organization that is due. Never
     * throws for one organization's failure.
     *
     * @throws EphemeralKeyException one sentence when the plugin is not configured or the schedule is invalid
     */
    public List<RotationResult> runDue() {
        RotationSchedule schedule = OpenAIKeysConfiguration.get().rotationSchedule();
        return service(schedule).runDue(KeyRuntime.get().rotators());
    }

    /**
     * "Rotate its admin key now" of one organization, whatever the schedule (or the enabled flag)
     * says; the other organizations are left alone.
     *
     * @throws EphemeralKeyException one sentence when the plugin is not configured or the organization is not saved
     */
    public RotationResult rotateNow(String organization) {
        Rotator rotator = KeyRuntime.get().rotators().stream()
                .filter(r -> r.organization().equals(organization))
                .findFirst()
                .orElseThrow(() -> new EphemeralKeyException("Organization '" + organization + "' is not saved yet:"
                        + " save the page, then rotate"));
        RotationService s;
        try {
            s = service(OpenAIKeysConfiguration.get().rotationSchedule());
        } catch (EphemeralKeyException e) {
            // a broken period/window must not block a manual rotation, nor drop the last results
            s = serviceOr(ConfigDurations.schedule(null, null));
        }
        return s.rotateNow(rotator);
    }

    /** The last rotation of one organization since Jenkins started, for its block on the page; null if none. */
    public RotationResult lastResult(String organization) {
        return organization == null ? null : lastResults().get(organization);
    }

    /**
     * The last result of each configured organization, in configuration order; from memory only
     * (no Vault call), so the administrative monitor may ask on every page view. Empty until the
     * first run after a controller start.
     */
    public List<RotationResult> lastResultsInConfigurationOrder() {
        Map<String, RotationResult> all = lastResults();
        List<RotationResult> out = new ArrayList<>();
        for (OrganizationConfig o : OpenAIKeysConfiguration.get().getOrganizations()) {
            RotationResult r = o.getName() == null ? null : all.get(o.getName());
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    /** The service for {@code schedule}: the current one if its schedule is equal, else a new one. */
    private RotationService service(RotationSchedule schedule) {
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
    private RotationService serviceOr(RotationSchedule fallback) {
        synchronized (lock) {
            return service != null ? service : service(fallback);
        }
    }

    /** The latest result per organization name, including those of services replaced by a schedule change. */
    private Map<String, RotationResult> lastResults() {
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
