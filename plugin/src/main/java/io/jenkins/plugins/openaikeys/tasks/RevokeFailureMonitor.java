package io.jenkins.plugins.openaikeys.tasks;

import hudson.Extension;
import hudson.model.AdministrativeMonitor;
import io.jenkins.plugins.openaikeys.core.broker.RevokeFailure;
import io.jenkins.plugins.openaikeys.runtime.KeyRuntime;
import java.util.List;

/**
 * Tells administrators (Manage Jenkins) which keys could not be revoked and keep being retried,
 * with the key and lease ids, the attempts and the last error. Why a monitor: such a key is still
 * live at OpenAI (or in Vault) until a retry succeeds, and the retries back off to once an hour,
 * so a broken Vault policy or a removed organization would otherwise go unnoticed. Reads the
 * broker's memory only: no Vault or OpenAI call on a page view; empty until a broker exists.
 */
@Extension
public final class RevokeFailureMonitor extends AdministrativeMonitor {

    public RevokeFailureMonitor() {
        super(RevokeFailureMonitor.class.getName());
    }

    @Override
    public String getDisplayName() {
        return "OpenAI Ephemeral Keys: revocations that keep failing";
    }

    @Override
    public boolean isActivated() {
        return !getProblems().isEmpty();
    }

    /** One sentence per key whose revoke keeps failing (ids only). */
    public List<String> getProblems() {
        return KeyRuntime.get().builtBroker()
                .map(b -> b.failingRevokes().stream().map(RevokeFailureMonitor::problem).toList())
                .orElse(List.of());
    }

    static String problem(RevokeFailure f) {
        String lease = f.leaseId() == null ? "" : ", lease " + f.leaseId();
        String error = f.lastError().strip();
        return "Key " + f.keyId() + lease + " (organization " + f.organization() + ", role " + f.role() + "): "
                + f.attempts() + (f.attempts() == 1 ? " attempt" : " attempts") + ", next at " + f.nextAttempt()
                + ". " + (error.endsWith(".") ? error : error + ".");
    }
}
