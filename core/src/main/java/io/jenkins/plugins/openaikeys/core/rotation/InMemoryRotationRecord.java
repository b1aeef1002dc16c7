package io.jenkins.plugins.openaikeys.core.rotation;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link RotationRecord} that lives as long as the JVM: for tests and for callers without storage. */
public final class InMemoryRotationRecord implements RotationRecord {

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    @Override
    public Optional<Entry> read(String organization) {
        return Optional.ofNullable(entries.get(organization));
    }

    @Override
    public void write(String organization, Entry entry) {
        entries.put(organization, entry);
    }
}
