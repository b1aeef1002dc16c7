package io.jenkins.plugins.openaikeys.core.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.ledger.InMemoryRevocationLedger;
import io.jenkins.plugins.openaikeys.core.litellm.LiteLlmException;
import io.jenkins.plugins.openaikeys.core.sweep.SweepReport;
import io.jenkins.plugins.openaikeys.core.vault.VaultException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import static io.jenkins.plugins.openaikeys.core.faults.FaultWorld.LITELLM_ENGINE_ROLE;
import static io.jenkins.plugins.openaikeys.core.faults.FaultWorld.PROXY_ROLE;
import static io.jenkins.plugins.openaikeys.core.faults.Faults.handleFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * LiteLLM virtual keys through both kinds: the proxy's key API called by the plugin
 * (litellmProxy) and Vault's LiteLLM engine (litellmEngine), each fault followed by the recovery
 * production would do. The audit counts a key still usable at the proxy as leaked.
 */
final class LiteLlmScenarios {

    private static final int ATTEMPTS = FaultWorld.RETRIES.maxAttempts();
    private static final String GENERATE = "POST /key/generate";
    private static final String DELETE = "POST /key/delete";

    private LiteLlmScenarios() {
    }

    static List<FaultScenario> all() {
        return List.of(
                new FaultScenario("litellmProxy: the generate's answer is lost, the key is found by alias, deleted,"
                        + " and made again under a fresh alias", LiteLlmScenarios::ambiguousGenerate),
                new FaultScenario("litellmProxy: revoke meets 503s, the handle waits in the ledger, a retry deletes"
                        + " the key", LiteLlmScenarios::revokeOutage),
                new FaultScenario("litellmProxy: the controller dies after the ledger write, a restart revokes the"
                        + " key once it expires", LiteLlmScenarios::restartReplays),
                new FaultScenario("litellmProxy: the ledger is lost, the sweeper finds the key by its alias and"
                        + " deletes it", LiteLlmScenarios::sweeperCleansLostLedger),
                new FaultScenario("litellmProxy: the master key is rotated at the proxy and in Vault, the next mint"
                        + " re-reads Vault and the old key's keys are still deleted", LiteLlmScenarios::masterKeyRotated),
                new FaultScenario("litellmEngine: the proxy is down at mint, the engine fails without a lease or a key",
                        LiteLlmScenarios::engineProxyDownAtMint),
                new FaultScenario("litellmEngine: the proxy refuses the delete, the lease stays, a retry revokes it",
                        LiteLlmScenarios::engineRevokeOutage),
                new FaultScenario("litellmEngine: creds answer without the key alias, the lease is revoked at once"
                        + " and the key deleted", LiteLlmScenarios::engineCredsWithoutAlias));
    }

    static void ambiguousGenerate(FaultWorld w) {
        FaultWorld.Controller c = w.controller();
        w.litellm.loseAnswerNext(GENERATE, 1);
        MintedKey key = w.mint(c.broker(), PROXY_ROLE, "1");
        assertThat(w.litellm.deletedAliases()).hasSize(1);
        assertThat(w.litellm.keys()).extracting(k -> k.alias()).containsExactly(key.keyAlias());
        c.broker().revoke(key.handle());
        assertThat(w.litellm.keys()).isEmpty();
    }

    static void revokeOutage(FaultWorld w) {
        FaultWorld.Controller c = w.controller();
        MintedKey key = w.mint(c.broker(), PROXY_ROLE, "1");
        w.litellm.failNext(DELETE, ATTEMPTS, 503);
        w.surfaced(catchThrowableOfType(LiteLlmException.class, () -> c.broker().revoke(key.handle())));
        assertThat(w.ledger().pending()).containsExactly(key.handle());
        w.assertReportedOnce(key);
        w.waitOutRevokeBackoff(1);
        assertThat(c.broker().retryPending()).isEqualTo(1);
        assertThat(w.litellm.keys()).isEmpty();
        assertThat(w.ledger().pending()).isEmpty();
    }

    static void restartReplays(FaultWorld w) {
        MintedKey key = w.mint(w.controller().broker(), PROXY_ROLE, "1");
        // the JVM dies here; the handle is on disk
        FaultWorld.Controller restarted = w.controller();
        assertThat(restarted.broker().retryPending()).as("not expired yet").isZero();
        w.time.advance(FaultWorld.TTL.plusMinutes(1));
        assertThat(restarted.broker().retryPending()).isEqualTo(1);
        assertThat(w.litellm.byAlias(key.keyAlias())).isNull();
        assertThat(w.controller().broker().retryPending()).as("a second restart finds nothing").isZero();
    }

    static void sweeperCleansLostLedger(FaultWorld w) {
        FaultWorld.Controller c = w.controller(new InMemoryRevocationLedger()); // JENKINS_HOME lost with it
        MintedKey lost = w.mint(c.broker(), PROXY_ROLE, "1");
        FaultWorld.Controller fresh = w.controller();
        assertThat(w.sweepLiteLlm(fresh.proxySource()).swept()).as("not expired yet").isEmpty();
        w.time.advance(FaultWorld.TTL.plus(FaultWorld.SWEEP_GRACE).plusMinutes(1));
        SweepReport report = w.sweepLiteLlm(fresh.proxySource());
        assertThat(report.swept()).extracting(SweepReport.SweptAccount::name).containsExactly(lost.keyAlias());
        assertThat(w.litellm.keys()).isEmpty();
    }

    static void masterKeyRotated(FaultWorld w) {
        FaultWorld.Controller c = w.controller();
        MintedKey before = w.mint(c.broker(), PROXY_ROLE, "1");
        w.writeProxyConfig(w.litellm.rotateMasterKey());
        MintedKey after = w.mint(c.broker(), PROXY_ROLE, "2");
        c.broker().revoke(before.handle());
        c.broker().revoke(after.handle());
        assertThat(w.litellm.keys()).isEmpty();
    }

    static void engineProxyDownAtMint(FaultWorld w) {
        FaultWorld.Controller c = w.controller();
        w.litellm.failNext(GENERATE, 1, 503);
        EphemeralKeyException e = w.surfaced(catchThrowableOfType(VaultException.class,
                () -> w.mint(c.broker(), LITELLM_ENGINE_ROLE, "1")));
        assertThat(e.getMessage()).contains("litellm: POST /key/generate: 503");
        assertThat(w.liveLeases()).isEmpty();
        assertThat(w.litellm.keys()).isEmpty();
    }

    static void engineRevokeOutage(FaultWorld w) {
        FaultWorld.Controller c = w.controller();
        MintedKey key = w.mint(c.broker(), LITELLM_ENGINE_ROLE, "1");
        w.litellm.failNext(DELETE, ATTEMPTS, 503); // the Vault client repeats a revoke Vault answered 500 to
        w.surfaced(catchThrowableOfType(VaultException.class, () -> c.broker().revoke(key.handle())));
        assertThat(w.liveLeases()).containsExactly(key.leaseId());
        assertThat(w.litellm.byAlias(key.keyAlias())).isNotNull();
        w.waitOutRevokeBackoff(1);
        assertThat(c.broker().retryPending()).isEqualTo(1);
        assertThat(w.liveLeases()).isEmpty();
        assertThat(w.litellm.keys()).isEmpty();
        assertThat(w.litellmEngine.failedDeletes()).hasSize(ATTEMPTS);
    }

    static void engineCredsWithoutAlias(FaultWorld w) {
        FaultWorld.Controller c = w.controller();
        w.wire.tamperNext("/v1/" + FaultWorld.LITELLM_MOUNT + "/creds/", LiteLlmScenarios::withoutKeyAlias);
        EphemeralKeyException e = w.surfaced(catchThrowableOfType(EphemeralKeyException.class,
                () -> w.mint(c.broker(), LITELLM_ENGINE_ROLE, "1")));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("key_alias");
        assertThat(w.liveLeases()).isEmpty();
        assertThat(w.litellm.keys()).isEmpty();
        assertThat(w.litellmEngine.deletedAliases()).hasSize(1);
        assertThat(handleFiles(w)).isEmpty();
    }

    private static String withoutKeyAlias(String body) {
        ObjectMapper json = new ObjectMapper();
        try {
            ObjectNode tree = (ObjectNode) json.readTree(body);
            ((ObjectNode) tree.path("data")).remove("key_alias");
            return json.writeValueAsString(tree);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
