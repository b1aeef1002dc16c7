package io.jenkins.plugins.openaikeys.core.broker;

import io.jenkins.plugins.openaikeys.core.policy.Ttls;

import java.time.Duration;

/**
 * Who asks for a key and for how long: the job and build are checked against the role's
 * allowed jobs and written into the service-account name and the revocation handle, so
 * that every key can be traced to the build it was minted for.
 *
 * @param jobFullName       the job's full name, e.g. {@code team/app}
 * @param buildId           the build number or id, e.g. {@code 42}
 * @param requestedTtlOrNull a positive lifetime, or null for the role's default
 */
public record MintRequest(String jobFullName, String buildId, Duration requestedTtlOrNull) {

    public MintRequest {
        if (jobFullName == null || jobFullName.isBlank()) {
            throw new BrokerException("A key can only be minted for a named job: pass the job's full name");
        }
        if (buildId == null || buildId.isBlank()) {
            throw new BrokerException("A key can only be minted for a build: pass the build id of job "
                    + jobFullName);
        }
        if (requestedTtlOrNull != null && (requestedTtlOrNull.isZero() || requestedTtlOrNull.isNegative())) {
            throw new BrokerException("TTL " + Ttls.format(requestedTtlOrNull)
                    + " is not positive: ask for e.g. 30m, 1h or 90s");
        }
    }

    /** A request for the role's default TTL. */
    public MintRequest(String jobFullName, String buildId) {
        this(jobFullName, buildId, null);
    }
}
