package io.jenkins.plugins.openaikeys.core.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeServiceAccount;
import io.jenkins.plugins.openaikeys.core.vault.VaultException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

import static io.jenkins.plugins.openaikeys.core.faults.FaultWorld.ADMIN_ROLE;
import static io.jenkins.plugins.openaikeys.core.faults.FaultWorld.ENGINE_ROLE;
import static io.jenkins.plugins.openaikeys.core.faults.Faults.handleFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Vault misbehaves around a key: sealed, our token gone, the lease expired, a broken creds answer. */
final class VaultScenarios {

    private static final String REVOKE = "PUT sys/leases/revoke";

    private VaultScenarios() {
    }

    static List<FaultScenario> all() {
        return List.of(
                new FaultScenario("vaultEngine: Vault sealed at revoke, fails clearly and keeps the handle;"
                        + " after unseal a retry revokes the lease", VaultScenarios::sealedAtRevoke),
                new FaultScenario("adminApi: Vault sealed when the admin config must be re-read at revoke;"
                        + " the revoke deletes with the admin key last read, minting is refused",
                        VaultScenarios::sealedAtAdminConfigRead),
                new FaultScenario("vaultEngine: our Vault token is gone at revoke, one re-login and the revoke"
                        + " succeeds", VaultScenarios::tokenGoneAtRevoke),
                new FaultScenario("vaultEngine: the lease expires first, Vault deletes the account, a later"
                        + " revoke is success and the ledger empties", VaultScenarios::leaseExpiredBeforeRevoke),
                new FaultScenario("vaultEngine: creds answer without the key, the lease is revoked at once",
                        VaultScenarios::malformedCreds));
    }

    static void sealedAtRevoke(FaultWorld w) {
        FaultWorld.Controller c = w.controller();
        MintedKey key = w.mint(c.broker(), ENGINE_ROLE, "1");
        w.vault.seal();

        VaultException e = w.surfaced(catchThrowableOfType(() -> c.broker().revoke(key.handle()),
                VaultException.class));

        assertThat(e.kind()).isEqualTo(VaultException.Kind.SEALED);
        assertThat(e).hasMessageContaining("sealed");
        assertThat(handleFiles(w)).hasSize(1);
        assertThat(w.liveLeases()).containsExactly(key.leaseId());
        w.assertReportedOnce(key);

        w.vault.unseal();
        w.waitOutRevokeBackoff(1);
        assertThat(c.broker().retryPending()).isEqualTo(1);
        assertThat(w.liveLeases()).isEmpty();
        assertThat(w.openai.isLiveKey(key.value())).isFalse();
        assertThat(handleFiles(w)).isEmpty();
    }

    static void sealedAtAdminConfigRead(FaultWorld w) {
        FaultWorld.Controller c = w.controller();
        MintedKey key = w.mint(c.broker(), ADMIN_ROLE, "1");
        w.time.advance(Duration.ofMinutes(6)); // the cached admin config is stale now
        w.vault.seal();

        c.broker().revoke(key.handle()); // sealing is a kill switch for minting, not for revoking

        assertThat(w.openai.isLiveKey(key.value())).isFalse();
        assertThat(handleFiles(w)).isEmpty();
        VaultException e = w.surfaced(catchThrowableOfType(() -> w.mint(c.broker(), ADMIN_ROLE, "2"),
                VaultException.class));
        assertThat(e.kind()).isEqualTo(VaultException.Kind.SEALED);
        assertThat(handleFiles(w)).isEmpty();

        w.vault.unseal();
        assertThat(c.broker().retryPending()).isZero();
    }

    /**
     * The token store was purged (a lease dies with its token, so Vault's engine deleted the
     * account already). Our cached token is refused: one re-login, and the revoke of the
     * vanished lease is success.
     */
    static void tokenGoneAtRevoke(FaultWorld w) {
        FaultWorld.Controller c = w.controller();
        MintedKey key = w.mint(c.broker(), ENGINE_ROLE, "1");
        int logins = w.vault.logins();
        w.vault.root().revokeAllTokens();

        c.broker().revoke(key.handle());

        assertThat(w.vault.logins()).as("re-logins").isEqualTo(logins + 1);
        assertThat(handleFiles(w)).isEmpty();
        assertThat(w.openai.isLiveKey(key.value())).isFalse();
        w.assertNoWarnings();
    }

    static void leaseExpiredBeforeRevoke(FaultWorld w) {
        FaultWorld.Controller c = w.controller();
        MintedKey key = w.mint(c.broker(), ENGINE_ROLE, "1");

        w.time.advance(FaultWorld.TTL.plusSeconds(1));
        w.vault.expireNow();
        assertThat(w.liveLeases()).isEmpty();
        assertThat(w.engine.deletedServiceAccounts()).containsExactly(key.serviceAccountId());

        c.broker().revoke(key.handle());

        assertThat(handleFiles(w)).isEmpty();
        assertThat(c.broker().retryPending()).isZero();
        w.assertNoWarnings();
    }

    /** Vault really issued the lease and OpenAI the key, but the answer lost {@code api_key} on the way. */
    static void malformedCreds(FaultWorld w) {
        FaultWorld.Controller c = w.controller();
        w.wire.tamperNext("/v1/openai/creds/", VaultScenarios::withoutApiKey);

        EphemeralKeyException e = w.surfaced(catchThrowableOfType(() -> w.mint(c.broker(), ENGINE_ROLE, "1"),
                EphemeralKeyException.class));

        assertThat(e).isNotNull();
        FakeServiceAccount created = CrashScenarios.only(w.openai.everyServiceAccount());
        assertThat(w.vault.calls(REVOKE)).isEqualTo(1);
        assertThat(w.liveLeases()).isEmpty();
        assertThat(w.engine.deletedServiceAccounts()).containsExactly(created.id());
        assertThat(handleFiles(w)).isEmpty();
    }

    private static String withoutApiKey(String body) {
        ObjectMapper json = new ObjectMapper();
        try {
            ObjectNode tree = (ObjectNode) json.readTree(body);
            ((ObjectNode) tree.path("data")).remove("api_key");
            return json.writeValueAsString(tree);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
