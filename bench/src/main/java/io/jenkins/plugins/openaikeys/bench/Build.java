package io.jenkins.plugins.openaikeys.bench;

import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.broker.MintRequest;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;

/** What one build does with the broker: mint a key for its block, then revoke it. */
final class Build {

    private Build() {
    }

    /** Mint then revoke; returns the wall time in nanoseconds. */
    static long mintAndRevoke(KeyBroker broker, String role, int buildNumber) {
        long start = System.nanoTime();
        MintedKey key = broker.mint(role, new MintRequest("bench/job", Integer.toString(buildNumber)));
        broker.revoke(key.handle());
        return System.nanoTime() - start;
    }
}
