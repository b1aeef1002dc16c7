package io.jenkins.plugins.openaikeys.core.vault.fake;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The tokens an auth role of the fake Vault issues: TTL (zero = never expires), max TTL
 * (zero = none), renewability, and the path prefixes its policy denies (the minimal policy model).
 */
public record FakeTokenSpec(Duration ttl, Duration maxTtl, boolean renewable, Set<String> deniedPrefixes) {

    public FakeTokenSpec {
        deniedPrefixes = Set.copyOf(deniedPrefixes);
    }

    /** Renewable, no max TTL, nothing denied. */
    public static FakeTokenSpec ttl(Duration ttl) {
        return new FakeTokenSpec(ttl, Duration.ZERO, true, Set.of());
    }

    public FakeTokenSpec maxTtl(Duration max) {
        return new FakeTokenSpec(ttl, max, renewable, deniedPrefixes);
    }

    public FakeTokenSpec nonRenewable() {
        return new FakeTokenSpec(ttl, maxTtl, false, deniedPrefixes);
    }

    public FakeTokenSpec deny(String... prefixes) {
        java.util.Set<String> all = new java.util.HashSet<>(deniedPrefixes);
        all.addAll(List.of(prefixes));
        return new FakeTokenSpec(ttl, maxTtl, renewable, all);
    }
}
