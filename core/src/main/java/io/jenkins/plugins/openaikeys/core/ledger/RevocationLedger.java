package io.jenkins.plugins.openaikeys.core.ledger;

import io.jenkins.plugins.openaikeys.core.broker.RevocationHandle;

import java.util.Collection;

/**
 * The list of keys that exist and have not been revoked yet, by handle. The broker records
 * a handle before it hands the key out and removes it only after a successful revoke, so
 * a key whose revoke failed, or whose build was lost in a restart, is still listed and can
 * be revoked later. The plugin persists it (ids only); tests use
 * {@link InMemoryRevocationLedger}.
 *
 * <p>Implementations must be thread-safe; {@code remove} of an unknown id does nothing.
 */
public interface RevocationLedger {

    void record(RevocationHandle h);

    void remove(String handleId);

    /** A snapshot of the handles still recorded. */
    Collection<RevocationHandle> pending();
}
