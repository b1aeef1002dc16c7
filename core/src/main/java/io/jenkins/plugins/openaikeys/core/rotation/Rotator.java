package io.jenkins.plugins.openaikeys.core.rotation;

/**
 * Rotates the admin key of one organization, whichever way it is held ({@link AdminKeyRotator}
 * for a key in Vault KV, {@link EngineKeyRotator} for Vault's OpenAI secrets engine). Why one
 * interface: the periodic task and the "Rotate now" button treat both kinds alike.
 * Implementations never throw from {@link #rotate} and {@link #deletePending}: every ending is a
 * {@link RotationResult}.
 */
public interface Rotator {

    /** The organization's name in the plugin configuration. */
    String organization();

    /**
     * Reads the rotation state from Vault.
     *
     * @throws io.jenkins.plugins.openaikeys.core.EphemeralKeyException when Vault cannot be read
     */
    RotationStatus status();

    /** Rotates now, whatever the schedule says. */
    RotationResult rotate();

    /** Deletes old admin keys an earlier run could not delete; {@code NOT_DUE} when there are none. */
    RotationResult deletePending();
}
