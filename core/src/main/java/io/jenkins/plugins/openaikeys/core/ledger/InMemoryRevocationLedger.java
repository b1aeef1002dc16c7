package io.jenkins.plugins.openaikeys.core.ledger;

import io.jenkins.plugins.openaikeys.core.broker.RevocationHandle;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link RevocationLedger} that lives as long as the JVM: for tests, and as the base a
 * persistent ledger can wrap. Thread-safe; {@link #pending()} lists handles in the order
 * they were recorded.
 */
public final class InMemoryRevocationLedger implements RevocationLedger {

    private final Map<String, RevocationHandle> handles = new LinkedHashMap<>();

    @Override
    public synchronized void record(RevocationHandle h) {
        Objects.requireNonNull(h, "handle");
        handles.put(h.id(), h);
    }

    @Override
    public synchronized void remove(String handleId) {
        handles.remove(handleId);
    }

    @Override
    public synchronized Collection<RevocationHandle> pending() {
        return List.copyOf(handles.values());
    }
}
