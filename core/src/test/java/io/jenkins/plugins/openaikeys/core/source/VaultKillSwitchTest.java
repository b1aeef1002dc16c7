package io.jenkins.plugins.openaikeys.core.source;

import static io.jenkins.plugins.openaikeys.core.source.BrokerFakes.KV_MOUNT;
import static io.jenkins.plugins.openaikeys.core.source.BrokerFakes.KV_PATH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.broker.MintRequest;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.vault.TokenAuth;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import io.jenkins.plugins.openaikeys.core.vault.VaultEndpoint;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeTokenSpec;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, item 11: sealing Vault or revoking the controller's token stops adminApi minting
 * within {@link AdminConfigCache#DEFAULT_MAX_AGE} (or the configured bound), while keys already
 * minted can still be revoked, and a warm broker still costs no Vault call per mint.
 */
class VaultKillSwitchTest {

    private static final Duration BOUND = AdminConfigCache.DEFAULT_MAX_AGE;
    private static final String KV_READ = "GET " + KV_MOUNT + "/data/" + KV_PATH;

    private final BrokerFakes fakes = new BrokerFakes();

    @AfterEach
    void close() {
        fakes.close();
    }

    private MintedKey mint(KeyBroker broker) {
        return broker.mint("evals", new MintRequest("team/app", "42"));
    }

    private KeyBroker warmBroker(VaultClient client) {
        KeyBroker broker = fakes.broker(fakes.adminSource(client), null);
        broker.revoke(mint(broker).handle());
        return broker;
    }

    @Test
    void theDefaultBoundIsThirtySeconds() {
        assertThat(BOUND).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void sealingVaultStopsMintingWithinTheBoundAndUnsealingResumesIt() {
        KeyBroker broker = warmBroker(fakes.vaultClient());
        MintedKey held = mint(broker); // a build still running when Vault is sealed
        fakes.vault.seal();

        fakes.time.advance(BOUND.minusSeconds(1));
        broker.revoke(mint(broker).handle()); // inside the bound: the cached config still serves

        fakes.time.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> mint(broker)).hasMessageContaining("is sealed: unseal it");
        fakes.time.advance(Duration.ofMinutes(10));
        assertThatThrownBy(() -> mint(broker)).hasMessageContaining("is sealed: unseal it");

        broker.revoke(held.handle()); // deleting needs no fresh word from Vault
        assertThat(fakes.openai.isLiveKey(held.value())).isFalse();
        assertThat(fakes.nothingLive()).isTrue();

        fakes.vault.unseal();
        broker.revoke(mint(broker).handle());
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void revokingTheControllersTokenStopsMintingWithinTheBound() {
        SecretString token = fakes.vault.root().createToken(FakeTokenSpec.ttl(Duration.ofHours(8)));
        VaultClient client = fakes.vaultClient(VaultEndpoint.of(fakes.vault.address()), new TokenAuth(token));
        KeyBroker broker = warmBroker(client);
        fakes.vault.root().revokeToken(token);

        fakes.time.advance(BOUND.minusSeconds(1));
        broker.revoke(mint(broker).handle());

        fakes.time.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> mint(broker)).hasMessageStartingWith("Vault rejected the token");
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void theBoundIsConfigurable() {
        AdminApiKeySource source = AdminApiKeySource.builder(fakes.vaultClient(), KV_MOUNT, KV_PATH)
                .settings(ClientSettings.DEFAULTS.withTime(fakes.time).withRetryPolicy(BrokerFakes.POLICY))
                .configMaxAge(Duration.ofSeconds(5)).build();
        KeyBroker broker = fakes.broker(source, null);
        broker.revoke(mint(broker).handle());
        fakes.vault.seal();
        fakes.time.advance(Duration.ofSeconds(5));
        assertThatThrownBy(() -> mint(broker)).hasMessageContaining("is sealed: unseal it");
        assertThatThrownBy(() -> AdminApiKeySource.builder(fakes.vaultClient(), KV_MOUNT, KV_PATH)
                .configMaxAge(Duration.ZERO).build()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void steadyStateCostsOneVaultReadPerBoundNotPerMint() {
        KeyBroker broker = warmBroker(fakes.vaultClient());
        fakes.vault.resetCallLog();
        int openAiBefore = fakes.openai.callLog().size();
        int builds = 0;
        for (int second = 1; second <= 95; second++) { // a build a second for 95 s
            fakes.time.advance(Duration.ofSeconds(1));
            broker.revoke(mint(broker).handle());
            builds++;
        }
        assertThat(fakes.vault.callLog()).containsExactly(KV_READ, KV_READ, KV_READ); // at 30, 60 and 90 s
        assertThat(fakes.openai.callLog().size() - openAiBefore).isEqualTo(2 * builds);
    }
}
