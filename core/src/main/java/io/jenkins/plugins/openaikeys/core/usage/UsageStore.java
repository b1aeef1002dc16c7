package io.jenkins.plugins.openaikeys.core.usage;

import java.util.List;
import java.util.Optional;

/**
 * Where usage jobs wait until their figures are final and delivered. The plugin keeps them in
 * files under JENKINS_HOME ({@link FileUsageStore}) so a restart resumes collecting.
 */
public interface UsageStore {

    /** Adds or replaces the job with this id. */
    void put(UsageJob job);

    Optional<UsageJob> get(String id);

    /** Forgets a job (delivered, or its build deleted); unknown ids are ignored. */
    void remove(String id);

    /** Every job, in no particular order. */
    List<UsageJob> all();
}
