package io.jenkins.plugins.openaikeys.core.vault;

import io.jenkins.plugins.openaikeys.core.SecretString;

import java.time.Duration;

/**
 * What the OpenAI secrets engine handed out for one {@code creds/} read: the key (secret),
 * its ids and the lease that destroys it. {@link #toString()} shows ids only.
 */
public record EngineCredentials(String leaseId, Duration leaseDuration, boolean renewable, SecretString apiKey,
                                String apiKeyId, String serviceAccountName, String serviceAccountId) {

    @Override
    public String toString() {
        return "EngineCredentials{lease=" + leaseId + ", duration=" + leaseDuration + ", renewable=" + renewable
                + ", keyId=" + apiKeyId + ", serviceAccount=" + serviceAccountName + " (" + serviceAccountId + ")}";
    }
}
