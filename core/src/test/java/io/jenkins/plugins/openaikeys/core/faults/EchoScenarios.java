package io.jenkins.plugins.openaikeys.core.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.openai.OpenAiException;
import io.jenkins.plugins.openaikeys.core.openai.fake.Endpoint;
import io.jenkins.plugins.openaikeys.core.openai.fake.Fault;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeServiceAccount;
import io.jenkins.plugins.openaikeys.core.vault.VaultException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Level;

import static io.jenkins.plugins.openaikeys.core.faults.FaultWorld.ADMIN_ROLE;
import static io.jenkins.plugins.openaikeys.core.faults.FaultWorld.ENGINE_ROLE;
import static io.jenkins.plugins.openaikeys.core.faults.Faults.handleFiles;
import static io.jenkins.plugins.openaikeys.core.faults.Faults.succeeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A service hands a secret back to us in an answer that is not the key's own field: an OpenAI
 * error message that quotes a key, or a Vault {@code creds} answer whose key we must refuse
 * because the rest of it is broken. Nothing of ours may pass the secret on — not a log line,
 * not a caller's message, not stdout/stderr — and the key must still die.
 */
final class EchoScenarios {

    private static final String REVOKE = "PUT sys/leases/revoke";

    private EchoScenarios() {
    }

    static List<FaultScenario> all() {
        return List.of(
                new FaultScenario("adminApi: OpenAI refuses the revoke's delete with a 400 quoting the minted key;"
                        + " reported once without it, a retry deletes the account",
                        w -> deleteRefusedQuoting(w, Fault.Quote.SERVICE_ACCOUNT_KEY)),
                new FaultScenario("adminApi: OpenAI refuses the revoke's delete with a 400 quoting the admin key"
                        + " it was sent; reported once without it, a retry deletes the account",
                        w -> deleteRefusedQuoting(w, Fault.Quote.BEARER)),
                new FaultScenario("vaultEngine: OpenAI refuses the engine's delete with a 400 quoting the minted key"
                        + " and Vault passes the message on at revoke; reported once without it, a retry revokes",
                        EchoScenarios::engineDeleteRefusedQuotingTheKey),
                new FaultScenario("vaultEngine: creds answer carries the key but no lease_duration; the lease is"
                        + " revoked at once and the caller is told why without the key",
                        w -> credsWithTheKeyButABrokenLease(w, data -> data.remove("lease_duration"))),
                new FaultScenario("vaultEngine: creds answer carries the key and a malformed lease_duration; the"
                        + " lease is revoked at once and the caller is told why without the key",
                        w -> credsWithTheKeyButABrokenLease(w, data -> data.put("lease_duration", "30m"))));
    }

    /** The delete is refused twice over (every attempt of the first revoke), then OpenAI relents. */
    static void deleteRefusedQuoting(FaultWorld w, Fault.Quote quote) {
        FaultWorld.Controller c = w.controller();
        MintedKey key = w.mint(c.broker(), ADMIN_ROLE, "1");
        w.openai.inject(Endpoint.DELETE_SERVICE_ACCOUNT, Fault.status(400).quoting(quote));

        OpenAiException e = w.surfaced(catchThrowableOfType(() -> c.broker().revoke(key.handle()),
                OpenAiException.class));

        assertThat(e).as("revoke failure").isNotNull();
        assertThat(e.getMessage()).as("OpenAI's reason is passed on, the key in it is not")
                .contains(quote == Fault.Quote.BEARER ? "not valid" : "in use");
        assertThat(w.openai.calls(Endpoint.DELETE_SERVICE_ACCOUNT)).as("a 400 is not retried").isEqualTo(1);
        assertThat(handleFiles(w)).as("handle kept in the durable ledger").hasSize(1);
        assertThat(w.openai.isLiveKey(key.value())).isTrue();
        w.assertReportedOnce(key);

        w.waitOutRevokeBackoff(1);
        assertThat(c.broker().retryPending()).isEqualTo(1);
        assertThat(w.openai.isLiveKey(key.value())).isFalse();
        assertThat(handleFiles(w)).isEmpty();
        assertThat(succeeded(w.openai, Endpoint.DELETE_SERVICE_ACCOUNT)).isEqualTo(1);
    }

    static void engineDeleteRefusedQuotingTheKey(FaultWorld w) {
        FaultWorld.Controller c = w.controller();
        MintedKey key = w.mint(c.broker(), ENGINE_ROLE, "1");
        // Vault answers the engine's failure with a 500, which a revoke may retry: refuse every attempt.
        w.openai.inject(Endpoint.DELETE_SERVICE_ACCOUNT, Fault.status(400).quoting(Fault.Quote.SERVICE_ACCOUNT_KEY)
                .times(FaultWorld.RETRIES.maxAttempts()));

        VaultException e = w.surfaced(catchThrowableOfType(() -> c.broker().revoke(key.handle()),
                VaultException.class));

        assertThat(e).as("revoke failure").isNotNull();
        assertThat(e.serverErrors()).as("the engine did pass OpenAI's message on").isNotEmpty()
                .anyMatch(s -> s.contains("in use"));
        assertThat(w.liveLeases()).containsExactly(key.leaseId());
        assertThat(handleFiles(w)).hasSize(1);
        w.assertReportedOnce(key);

        w.waitOutRevokeBackoff(1);
        assertThat(c.broker().retryPending()).isEqualTo(1);
        assertThat(w.liveLeases()).isEmpty();
        assertThat(w.openai.isLiveKey(key.value())).isFalse();
        assertThat(handleFiles(w)).isEmpty();
    }

    /**
     * Vault issued the lease and OpenAI the key, but the answer's lease_duration is missing or
     * not a number, so the key's life is unknown: refuse it, revoke the lease at once, and say
     * so in one sentence that quotes nothing of the answer.
     */
    static void credsWithTheKeyButABrokenLease(FaultWorld w, Consumer<ObjectNode> breakIt) {
        FaultWorld.Controller c = w.controller();
        w.wire.tamperNext("/v1/openai/creds/", body -> rewrite(body, breakIt));

        EphemeralKeyException e = w.surfaced(catchThrowableOfType(() -> w.mint(c.broker(), ENGINE_ROLE, "1"),
                EphemeralKeyException.class));

        assertThat(e).isNotNull();
        FakeServiceAccount created = CrashScenarios.only(w.openai.everyServiceAccount());
        assertThat(created.keyValue()).as("the answer did carry a key").isNotNull();
        assertThat(e.getMessage()).contains("lease_duration").doesNotContain("{", "api_key\"");
        assertThat(e.getMessage().split("[.:;] ")).as("one sentence").hasSizeLessThanOrEqualTo(2);
        assertThat(w.vault.calls(REVOKE)).isEqualTo(1);
        assertThat(w.liveLeases()).isEmpty();
        assertThat(w.engine.deletedServiceAccounts()).containsExactly(created.id());
        assertThat(w.openai.isLiveKey(created.keyValue())).isFalse();
        assertThat(handleFiles(w)).isEmpty();
        assertThat(w.logs.messagesAtLeast(Level.INFO)).as("the immediate revoke is said")
                .anyMatch(m -> m.contains("Revoked Vault lease"));
    }

    private static String rewrite(String body, Consumer<ObjectNode> breakIt) {
        ObjectMapper json = new ObjectMapper();
        try {
            ObjectNode tree = (ObjectNode) json.readTree(body);
            assertThat(tree.path("data").path("api_key").asText("")).as("the real answer carries the key")
                    .isNotEmpty();
            breakIt.accept(tree);
            return json.writeValueAsString(tree);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
