package io.jenkins.plugins.openaikeys.core.source;

import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.broker.MintRequest;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.broker.RevocationHandle;
import io.jenkins.plugins.openaikeys.core.litellm.fake.FakeLiteLlmProxy;
import io.jenkins.plugins.openaikeys.core.testing.CapturedLog;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import io.jenkins.plugins.openaikeys.core.vault.VaultException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.jenkins.plugins.openaikeys.core.source.AdminApiKeySourceTest.oneSentence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** LiteLlmEngineKeySource against FakeVault's LiteLLM engine mount, which talks to FakeLiteLlmProxy. */
class LiteLlmEngineKeySourceTest {

    private static final String CREDS = "GET litellm/creds/" + LiteLlmFakes.ENGINE_ROLE;

    private final LiteLlmFakes fakes = new LiteLlmFakes();
    private final CapturedLog log = CapturedLog.of("io.jenkins.plugins.openaikeys");
    private final List<String> secrets = new ArrayList<>();
    private final VaultClient vault = fakes.vaultClient();
    private final KeyBroker broker = fakes.broker(null, fakes.engineSource(vault));

    @AfterEach
    void noSecretInAnyLog() {
        log.close();
        String text = log.text();
        secrets.addAll(fakes.proxy.secretsEverIssued());
        for (String s : secrets) {
            assertThat(text).doesNotContain(s);
        }
        fakes.close();
    }

    private MintedKey mint() {
        MintedKey key = broker.mint("team", new MintRequest("team/app", "7", null));
        secrets.add(key.value().reveal());
        return key;
    }

    @Test
    void mintsAKeyUnderALeaseAndRevokingTheLeaseDeletesItInTheProxy() {
        MintedKey key = mint();
        RevocationHandle h = key.handle();
        assertThat(h.source()).isEqualTo(SourceKind.LITELLM_ENGINE);
        assertThat(h.leaseId()).startsWith("litellm/creds/team-a/");
        assertThat(h.keyAlias()).startsWith("vault-team-a-");
        assertThat(h.keyId()).hasSize(64);
        assertThat(key.baseUrl()).isEqualTo(fakes.proxy.baseUrl());
        assertThat(key.scope().describeLimits()).isEqualTo("models set by engine role team-a with its budget");
        FakeLiteLlmProxy.Key stored = fakes.proxy.byAlias(h.keyAlias());
        assertThat(stored.models()).containsExactly("gpt-4o", "gpt-4o-mini");
        assertThat(stored.maxBudget()).isEqualByComparingTo(new BigDecimal("50"));
        assertThat(stored.expires()).isEqualTo(fakes.time.instant().plus(LiteLlmFakes.M30));
        assertThat(fakes.vault.root().liveLeases()).containsExactly(h.leaseId());

        broker.revoke(h);
        assertThat(fakes.vault.root().liveLeases()).isEmpty();
        assertThat(fakes.proxy.keys()).isEmpty();
        assertThat(fakes.engine.deletedAliases()).containsExactly(h.keyAlias());
        assertThat(fakes.ledger.pending()).isEmpty();
    }

    @Test
    void aKeyTheProxyAlreadyDeletedStillRevokesItsLease() {
        MintedKey key = mint();
        // deleted at the proxy directly, as an operator would: the engine's 404 counts as revoked
        io.jenkins.plugins.openaikeys.core.litellm.LiteLlmProxyClient.create(fakes.proxy.baseUrl(),
                fakes.proxy.masterKey(), fakes.settings).deleteByAlias(key.handle().keyAlias());
        broker.revoke(key.handle());
        assertThat(fakes.vault.root().liveLeases()).isEmpty();
    }

    @Test
    void aProxyOutageAtMintIsOneSentenceAndLeavesNoLease() {
        fakes.proxy.failNext("POST /key/generate", 1, 503);
        assertThatThrownBy(this::mint).isInstanceOf(VaultException.class).satisfies(e -> oneSentence(e));
        assertThat(fakes.vault.root().liveLeases()).isEmpty();
        assertThat(fakes.proxy.keys()).isEmpty();
        assertThat(fakes.vault.calls(CREDS)).isEqualTo(1); // never replayed: the engine names keys itself
    }

    @Test
    void aLeaseExpiringInVaultDeletesTheKeyEvenIfJenkinsForgetsIt() {
        mint();
        fakes.time.advance(Duration.ofMinutes(31));
        fakes.vault.expireNow();
        assertThat(fakes.proxy.keys()).isEmpty();
    }

    @Test
    void theEngineRoleFixesTheLeaseAndAShorterOneIsLogged() {
        MintedKey key = broker.mint("team", new MintRequest("team/app", "7", Duration.ofHours(1)));
        secrets.add(key.value().reveal());
        assertThat(key.expiresAt()).isEqualTo(fakes.time.instant().plus(LiteLlmFakes.M30));
        assertThat(fakes.vault.callLog()).contains(CREDS);
        assertThat(log.text()).contains("lasts 30m, less than the 1h asked for: the LiteLLM engine role team-a fixes it");
        broker.revoke(key.handle());
        assertThat(fakes.proxy.keys()).isEmpty();
    }
}
