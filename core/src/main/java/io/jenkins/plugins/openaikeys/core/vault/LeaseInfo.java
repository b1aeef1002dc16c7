package io.jenkins.plugins.openaikeys.core.vault;

import java.time.Duration;
import java.time.Instant;

/** A live lease as Vault reports it: when it ends on its own. */
public record LeaseInfo(String leaseId, Instant expireTime, Duration ttl) {
}
