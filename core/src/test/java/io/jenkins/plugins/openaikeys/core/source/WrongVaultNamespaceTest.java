package io.jenkins.plugins.openaikeys.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.broker.MintRequest;
import io.jenkins.plugins.openaikeys.core.vault.AppRoleAuth;
import io.jenkins.plugins.openaikeys.core.vault.TokenAuth;
import io.jenkins.plugins.openaikeys.core.vault.VaultAuthMethod;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import io.jenkins.plugins.openaikeys.core.vault.VaultEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, item 8: a Vault namespace that does not exist used to read as a missing admin config
 * (adminApi) or a missing path (engine). Both sources, both login kinds, and the connection test
 * now name the namespace.
 */
class WrongVaultNamespaceTest {

    private static final String ADVICE = "Vault namespace 'team-x' does not exist: check the Vault namespace under"
            + " Manage Jenkins > System > OpenAI Ephemeral Keys";

    private final BrokerFakes fakes = new BrokerFakes();

    @AfterEach
    void close() {
        fakes.close();
    }

    private VaultClient client(VaultAuthMethod auth) {
        return fakes.vaultClient(VaultEndpoint.of(fakes.vault.address()).withNamespace("team-x"), auth);
    }

    private VaultAuthMethod appRole() {
        return new AppRoleAuth("approle", BrokerFakes.ROLE_ID, SecretString.of(BrokerFakes.SECRET_ID));
    }

    private VaultAuthMethod token() {
        return new TokenAuth(fakes.vault.root().rootToken());
    }

    @Test
    void adminApiMintNamesTheNamespace() {
        for (VaultAuthMethod auth : new VaultAuthMethod[] {appRole(), token()}) {
            KeyBroker broker = fakes.broker(fakes.adminSource(client(auth)), null);
            assertThatThrownBy(() -> broker.mint("evals", new MintRequest("team/app", "1", null)))
                    .hasMessageContaining(ADVICE).hasMessageNotContaining("admin config");
        }
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void engineMintNamesTheNamespace() {
        for (VaultAuthMethod auth : new VaultAuthMethod[] {appRole(), token()}) {
            KeyBroker broker = fakes.broker(null, fakes.engineSource(client(auth)));
            assertThatThrownBy(() -> broker.mint("ingest", new MintRequest("team/app", "1", null)))
                    .hasMessageContaining(ADVICE).hasMessageNotContaining("check the mount");
        }
        assertThat(fakes.nothingLive()).isTrue();
    }

    @Test
    void connectionTestNamesTheNamespace() {
        assertThatThrownBy(() -> client(token()).checkConnection()).hasMessage(ADVICE);
        assertThatThrownBy(() -> client(appRole()).checkConnection()).hasMessage(ADVICE);
    }
}
