package io.jenkins.plugins.openaikeys.core.usage;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link UsageStore} that forgets everything on restart: tests, and controllers without a home. */
public final class InMemoryUsageStore implements UsageStore {

    private final Map<String, UsageJob> jobs = new ConcurrentHashMap<>();

    @Override
    public void put(UsageJob job) {
        jobs.put(job.id(), job);
    }

    @Override
    public Optional<UsageJob> get(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    @Override
    public void remove(String id) {
        jobs.remove(id);
    }

    @Override
    public List<UsageJob> all() {
        return List.copyOf(jobs.values());
    }
}
