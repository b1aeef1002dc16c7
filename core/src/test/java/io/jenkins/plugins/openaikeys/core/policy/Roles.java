package io.jenkins.plugins.openaikeys.core.policy;

import java.time.Duration;
import java.util.List;

/** Short ways to build roles in tests (public for the broker's tests). */
public final class Roles {

    private Roles() {
    }

    public static Role adminApi(String name, String org, String project, Duration ttl, Duration maxTtl,
                         String... allowedJobs) {
        return new Role(name, org, project, null, ttl, maxTtl, null, null,
                allowedJobs.length == 0 ? List.of("**") : List.of(allowedJobs));
    }

    public static Role engine(String name, String org, String engineRole, Duration ttl, Duration maxTtl) {
        return new Role(name, org, null, engineRole, ttl, maxTtl, null, null, List.of("**"));
    }
}
