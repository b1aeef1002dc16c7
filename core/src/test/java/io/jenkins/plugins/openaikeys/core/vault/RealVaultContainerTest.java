package io.jenkins.plugins.openaikeys.core.vault;

import io.jenkins.plugins.openaikeys.core.SecretString;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.vault.VaultContainer;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The same client calls the fake Vault answers, against a real Vault server in Docker, so
 * the fake's reading of the API (KV v2 CAS and metadata, AppRole, lease revoke, error
 * envelope) is checked against the real thing wherever CI has Docker. Skipped (not failed)
 * where Docker is absent, such as the project's own build machines.
 */
@Testcontainers(disabledWithoutDocker = true)
class RealVaultContainerTest {

    private static final String ROOT_TOKEN = "root-token-for-tests";

    @org.testcontainers.junit.jupiter.Container
    static final VaultContainer<?> VAULT = new VaultContainer<>("hashicorp/vault:1.17")
            .withVaultToken(ROOT_TOKEN);

    private static String roleId;
    private static String secretId;

    @BeforeAll
    static void approle() throws Exception {
        // The container's environment carries VAULT_ADDR and VAULT_TOKEN for the CLI.
        exec("vault", "auth", "enable", "approle");
        exec("sh", "-c", "printf 'path \"secret/*\" { capabilities = [\"create\",\"read\",\"update\"] }\\n"
                + "path \"sys/leases/*\" { capabilities = [\"update\"] }\\n' | vault policy write jenkins -");
        exec("vault", "write", "auth/approle/role/jenkins", "token_ttl=1h", "token_policies=default,jenkins");
        exec("vault", "kv", "put", "secret/openai/org1", "admin_api_key=sk-admin-container",
                "admin_api_key_id=key_admin", "organization_id=org-1");
        roleId = exec("vault", "read", "-field=role_id", "auth/approle/role/jenkins/role-id");
        secretId = exec("vault", "write", "-f", "-field=secret_id", "auth/approle/role/jenkins/secret-id");
    }

    private static String exec(String... command) throws Exception {
        Container.ExecResult r = VAULT.execInContainer(command);
        assertThat(r.getExitCode()).as(r.getStderr()).isZero();
        return r.getStdout().trim();
    }

    private static VaultClient client(VaultAuthMethod auth) {
        return VaultClient.builder(VaultEndpoint.of("http://" + VAULT.getHost() + ":" + VAULT.getMappedPort(8200)), auth).build();
    }

    @Test
    void appRoleLoginAndKvV2ReadWithCasAndMetadata() {
        VaultClient vault = client(new AppRoleAuth(null, roleId, SecretString.of(secretId)));
        vault.checkConnection();

        KvSecret config = vault.kvRead("secret", "openai/org1");
        assertThat(config.field("organization_id")).isEqualTo("org-1");
        assertThat(config.secretField("admin_api_key").reveal()).isEqualTo("sk-admin-container");

        int next = vault.kvWrite("secret", "openai/org1",
                Map.of("admin_api_key", "sk-admin-rotated", "admin_api_key_id", "key_2", "organization_id", "org-1"),
                config.version());
        assertThat(next).isEqualTo(config.version() + 1);

        assertThatThrownBy(() -> vault.kvWrite("secret", "openai/org1", Map.of("x", "y"), config.version()))
                .isInstanceOfSatisfying(VaultException.class,
                        e -> assertThat(e.kind()).isEqualTo(VaultException.Kind.CAS_MISMATCH));

        vault.kvWriteCustomMetadata("secret", "openai/org1", Map.of("last_rotated", "2026-11-22T12:00:00Z"));
        assertThat(vault.kvReadCustomMetadata("secret", "openai/org1"))
                .containsEntry("last_rotated", "2026-11-22T12:00:00Z");
    }

    @Test
    void wrongSecretIdIsALoginFailureThatDoesNotEchoTheSecret() {
        VaultClient vault = client(new AppRoleAuth(null, roleId, SecretString.of("not-the-secret-id-0000")));
        assertThatThrownBy(vault::checkConnection)
                .isInstanceOfSatisfying(VaultException.class, e -> {
                    assertThat(e.kind()).isEqualTo(VaultException.Kind.LOGIN_FAILED);
                    assertThat(e.getMessage()).doesNotContain("not-the-secret-id-0000");
                });
    }

    @Test
    void missingKvPathIsNotFound() {
        VaultClient vault = client(new TokenAuth(SecretString.of(ROOT_TOKEN)));
        assertThatThrownBy(() -> vault.kvRead("secret", "openai/absent"))
                .isInstanceOfSatisfying(VaultException.class,
                        e -> assertThat(e.kind()).isEqualTo(VaultException.Kind.NOT_FOUND));
    }

    @Test
    void revokingAnUnknownLeaseIsIdempotent() {
        VaultClient vault = client(new TokenAuth(SecretString.of(ROOT_TOKEN)));
        assertThatCode(() -> vault.revokeLease("openai/creds/evals/doesnotexist")).doesNotThrowAnyException();
    }
}
