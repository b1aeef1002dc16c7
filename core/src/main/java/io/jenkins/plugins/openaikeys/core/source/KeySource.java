package io.jenkins.plugins.openaikeys.core.source;

import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.broker.MintRequest;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.broker.RevocationHandle;
import io.jenkins.plugins.openaikeys.core.policy.Role;
import io.jenkins.plugins.openaikeys.core.policy.ServiceAccountNames;

import java.time.Duration;

/**
 * One way of minting and destroying keys for one OpenAI organization (the Admin API with
 * an admin key from Vault, or Vault's OpenAI secrets engine). The {@link KeyBroker} does
 * policy, naming and bookkeeping; a source only talks to the remote side.
 *
 * <p>Contract for implementations: thread-safe; {@code mint} either returns a key or
 * throws with nothing left behind (it revokes whatever it created before failing, and
 * reconciles an ambiguous create by name); {@code revoke} treats "already gone" as
 * success, so calling it again is harmless. Errors are
 * {@link io.jenkins.plugins.openaikeys.core.EphemeralKeyException}s with one-sentence,
 * secret-free messages.
 */
public interface KeySource {

    /**
     * @param role               the resolved role (its project id or engine role tells where to mint)
     * @param req                who asks; the handle records job and build
     * @param ttl                the lifetime already checked against the role's max TTL
     * @param serviceAccountName a unique name from {@link ServiceAccountNames} (a source whose
     *                           remote side names accounts itself may ignore it)
     */
    MintedKey mint(Role role, MintRequest req, Duration ttl, String serviceAccountName);

    /** Destroys the key; "already gone" is success. */
    void revoke(RevocationHandle handle);
}
