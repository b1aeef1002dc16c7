package io.jenkins.plugins.openaikeys.core.faults;

import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.openai.OpenAiException;
import io.jenkins.plugins.openaikeys.core.openai.fake.Endpoint;
import io.jenkins.plugins.openaikeys.core.openai.fake.Fault;

import java.time.Duration;
import java.util.List;

import static io.jenkins.plugins.openaikeys.core.faults.FaultWorld.ADMIN_ROLE;
import static io.jenkins.plugins.openaikeys.core.faults.Faults.handleFiles;
import static io.jenkins.plugins.openaikeys.core.faults.Faults.succeeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * OpenAI will not let the key be deleted for a while (adminApi). Every time: the revoke fails
 * clearly, the handle stays in the durable ledger, the failure is logged once with ids, a
 * later retry deletes the account, and exactly one delete succeeds.
 */
final class RevokeOutageScenarios {

    private static final int ATTEMPTS = FaultWorld.RETRIES.maxAttempts();

    private RevokeOutageScenarios() {
    }

    static List<FaultScenario> all() {
        return List.of(
                new FaultScenario("adminApi: revoke meets 503s, the handle waits in the ledger, a retry deletes it",
                        RevokeOutageScenarios::serverErrors),
                new FaultScenario("adminApi: revoke meets connection refused, a retry after the fix deletes it",
                        RevokeOutageScenarios::connectionRefused),
                new FaultScenario("adminApi: revoke meets dropped connections, a retry deletes it",
                        RevokeOutageScenarios::droppedConnections),
                new FaultScenario("adminApi: revoke meets a 429 storm with Retry-After, a retry deletes it",
                        RevokeOutageScenarios::rateLimitStorm),
                new FaultScenario("adminApi: admin key rotated by hand between mint and revoke, revoke re-reads"
                        + " Vault and succeeds", RevokeOutageScenarios::adminKeyRotatedBeforeRevoke));
    }

    static void serverErrors(FaultWorld w) {
        FaultWorld.Controller c = w.controller();
        MintedKey key = w.mint(c.broker(), ADMIN_ROLE, "1");
        w.openai.inject(Endpoint.DELETE_SERVICE_ACCOUNT, Fault.status(503).times(2 * ATTEMPTS));

        failsAndStaysQueued(w, c, key, OpenAiException.class);
        assertThat(c.broker().retryPending()).as("backing off: no call").isZero();
        w.waitOutRevokeBackoff(1);
        assertThat(c.broker().retryPending()).as("still failing").isZero();

        w.assertReportedOnce(key);
        w.waitOutRevokeBackoff(2);
        assertThat(c.broker().retryPending()).isEqualTo(1);

        recovered(w, c, key);
    }

    /** OpenAI's endpoint (from Vault KV) points nowhere; the operator fixes it; the 5-minute config cache catches up. */
    static void connectionRefused(FaultWorld w) {
        FaultWorld.Controller c = w.controller();
        MintedKey key = w.mint(c.broker(), ADMIN_ROLE, "1");
        w.writeAdminConfig(w.org.adminKey(), w.org.adminKeyId(), FaultWorld.deadEndpoint());
        w.time.advance(Duration.ofMinutes(6));

        failsAndStaysQueued(w, c, key, OpenAiException.class);

        w.writeAdminConfig(w.org.adminKey(), w.org.adminKeyId(), w.openai.baseUrl());
        w.time.advance(Duration.ofMinutes(6));
        assertThat(c.broker().retryPending()).isEqualTo(1);
        recovered(w, c, key);
    }

    static void droppedConnections(FaultWorld w) {
        FaultWorld.Controller c = w.controller();
        MintedKey key = w.mint(c.broker(), ADMIN_ROLE, "1");
        w.openai.inject(Endpoint.DELETE_SERVICE_ACCOUNT, Fault.disconnect().times(ATTEMPTS + 1));

        failsAndStaysQueued(w, c, key, OpenAiException.class);
        w.waitOutRevokeBackoff(1);
        assertThat(c.broker().retryPending()).isEqualTo(1); // first attempt drops too, the second gets through

        recovered(w, c, key);
    }

    /** 429s with Retry-After: 2 for longer than one revoke is willing to wait; the client waits as told. */
    static void rateLimitStorm(FaultWorld w) {
        FaultWorld.Controller c = w.controller();
        MintedKey key = w.mint(c.broker(), ADMIN_ROLE, "1");
        w.openai.inject(Endpoint.DELETE_SERVICE_ACCOUNT, Fault.status(429).withRetryAfterSeconds(2)
                .withError("rate_limit_exceeded", "rate_limit_exceeded").times(ATTEMPTS + 2));

        failsAndStaysQueued(w, c, key, OpenAiException.class);
        assertThat(w.time.sleeps()).as("waits honour Retry-After").containsOnly(Duration.ofSeconds(2));

        w.waitOutRevokeBackoff(1);
        assertThat(c.broker().retryPending()).isEqualTo(1); // two more 429s, then through
        recovered(w, c, key);
    }

    /** The cached admin key is deleted in OpenAI (401); Vault already holds the new one. */
    static void adminKeyRotatedBeforeRevoke(FaultWorld w) {
        FaultWorld.Controller c = w.controller();
        MintedKey key = w.mint(c.broker(), ADMIN_ROLE, "1");
        w.rotateAdminKeyBehindTheControllersBack();

        c.broker().revoke(key.handle());

        w.assertNoWarnings(); // absorbed: the source says at INFO that it switched keys
        recovered(w, c, key);
        MintedKey next = w.mint(c.broker(), ADMIN_ROLE, "2");
        assertThat(w.openai.isLiveKey(next.value())).isTrue();
        c.broker().revoke(next.handle());
    }

    private static void failsAndStaysQueued(FaultWorld w, FaultWorld.Controller c, MintedKey key,
                                            Class<? extends EphemeralKeyException> type) {
        EphemeralKeyException e = w.surfaced(catchThrowableOfType(() -> c.broker().revoke(key.handle()), type));
        assertThat(e).as("revoke failure").isNotNull();
        assertThat(e.getMessage()).isNotBlank();
        assertThat(handleFiles(w)).as("handle kept in the durable ledger").hasSize(1);
        assertThat(w.openai.isLiveKey(key.value())).isTrue();
        w.assertReportedOnce(key);
    }

    private static void recovered(FaultWorld w, FaultWorld.Controller c, MintedKey key) {
        assertThat(w.openai.isLiveKey(key.value())).isFalse();
        assertThat(handleFiles(w)).isEmpty();
        assertThat(succeeded(w.openai, Endpoint.DELETE_SERVICE_ACCOUNT)).as("successful deletes").isEqualTo(1);
        assertThat(c.broker().retryPending()).isZero();
        c.broker().revoke(key.handle()); // a late revoke by the build is a no-op
        assertThat(succeeded(w.openai, Endpoint.DELETE_SERVICE_ACCOUNT)).isEqualTo(1);
    }
}
