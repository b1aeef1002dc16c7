package io.jenkins.plugins.openaikeys.core.source;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.broker.MintRequest;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.vault.TokenAuth;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import io.jenkins.plugins.openaikeys.core.vault.VaultEndpoint;
import io.jenkins.plugins.openaikeys.core.vault.VaultException;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeTokenSpec;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeVaultNamespace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The LiteLLM kinds on OpenBao: the same API, the namespace in {@code X-Vault-Namespace} (OpenBao
 * 2.3+, answering 404 "namespace not found" from request handling for an unknown one, as the fake
 * does), a token issued inside the namespace. Everything lives in namespace {@code ci/team-a}; the
 * root namespace holds nothing.
 */
class LiteLlmOpenBaoNamespaceTest {

    private static final String NS = "ci/team-a";

    private final LiteLlmFakes fakes = new LiteLlmFakes();
    private final FakeVaultNamespace ns = fakes.vault.namespace(NS);

    @AfterEach
    void close() {
        fakes.close();
    }

    private VaultClient client(String namespace, SecretString token) {
        return VaultClient.builder(VaultEndpoint.of(fakes.vault.address()).withNamespace(namespace),
                new TokenAuth(token)).tokenCache(fakes.tokens).settings(fakes.settings).build();
    }

    @Test
    void bothKindsMintAndRevokeInsideANamespace() {
        ns.enableKv("secret").kvPut("secret", "litellm/main", fakes.proxyConfig(fakes.proxy.masterKey()));
        ns.enableLiteLlmEngine("litellm", fakes.proxy.baseUrl(), fakes.proxy.masterKey())
                .role("team-a", List.of("gpt-4o"), new BigDecimal("10"), Duration.ofMinutes(30), Duration.ofHours(1));
        VaultClient vault = client(NS, ns.createToken(FakeTokenSpec.ttl(Duration.ofHours(2))));
        KeyBroker broker = fakes.broker(LiteLlmProxyKeySource.of(vault, "secret", "litellm/main",
                Duration.ofSeconds(30), fakes.names, fakes.settings), fakes.engineSource(vault));

        MintedKey viaProxy = broker.mint("chat", new MintRequest("app", "1"));
        MintedKey viaEngine = broker.mint("team", new MintRequest("app", "1"));
        assertThat(ns.liveLeases()).containsExactly(viaEngine.leaseId());
        assertThat(fakes.vault.root().liveLeases()).isEmpty();
        assertThat(fakes.proxy.keys()).hasSize(2);

        broker.revoke(viaProxy.handle());
        broker.revoke(viaEngine.handle());
        assertThat(ns.liveLeases()).isEmpty();
        assertThat(fakes.proxy.keys()).isEmpty();
    }

    @Test
    void anUnknownNamespaceIsOneSentenceNamingIt() {
        VaultClient vault = client("team-x", fakes.vault.root().rootToken());
        assertThatThrownBy(() -> vault.readLiteLlmCreds("litellm", "team-a", Duration.ofMinutes(30)))
                .isInstanceOf(VaultException.class)
                .hasMessage("Vault namespace 'team-x' does not exist: check the Vault namespace under"
                        + " Manage Jenkins > System > OpenAI Ephemeral Keys");
        assertThat(fakes.proxy.keys()).isEmpty();
    }
}
